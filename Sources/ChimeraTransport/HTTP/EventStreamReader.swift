import AsyncAlgorithms
import AsyncHTTPClient
import ChimeraCore
import ChimeraWire
import NIOCore
import Synchronization

/// Turns a streaming HTTP body into a ``ChatStream``: bytes → ``SSEParser`` → a protocol's
/// ``StreamDecoder`` → domain events.
///
/// A producer task reads the network and hands each event over a channel with back-pressure (a
/// slow reader slows the upstream instead of filling memory). A watchdog ends the stream with a
/// timeout error when the upstream goes silent for longer than the idle limit. Stopping the
/// iteration early, or cancelling the reading task, cancels the producer, which closes the
/// upstream connection.
enum EventStreamReader {
    /// Starts reading and waits for the first event (or the end, or an error), so that a stream
    /// that fails before it delivered anything can still be retried by the caller.
    ///
    /// - Parameters:
    ///   - opened: The response whose body streams; its pooled connection is given back when the
    ///     stream ends, fails or is dropped.
    ///   - decoder: Turns the bytes of one chunk into domain events; `finish` at the end of input.
    ///   - idleTimeout: The longest silence allowed between chunks.
    ///   - maxBytes: The most bytes the whole stream may have; past it the stream fails.
    ///   - classify: Maps a transport failure to the error the reader sees.
    /// - Throws: The first error of the stream, when it comes before any event.
    static func start<Decoder: ChunkDecoder>(
        _ opened: HTTPTransport.OpenResponse,
        decoder: Decoder,
        idleTimeout: Duration,
        maxBytes: Int,
        route: Route,
        wireProtocol: WireProtocol,
        classify: @escaping @Sendable (TransportFailure) -> ChimeraError
    ) async throws(ChimeraError) -> ChatStream {
        let chunks = opened.response.body
        let channel = AsyncThrowingChannel<ChatStreamEvent, any Error>()
        let activity = Activity()
        let producer = Task {
            var decoder = decoder
            var received = 0
            do {
                reading: for try await chunk in chunks {
                    activity.touch()
                    received += chunk.readableBytes
                    guard received <= maxBytes else { throw classify(.streamTooLarge(maxBytes: maxBytes)) }
                    for event in try decoder.decode(chunk) {
                        activity.isWaitingForReader = true
                        await channel.send(event)
                        activity.isWaitingForReader = false
                        activity.touch()
                    }
                    if decoder.isComplete { break reading }
                }
                try Task.checkCancellation()
                for event in try decoder.finish() { await channel.send(event) }
                channel.finish()
            } catch let error as ChimeraError {
                channel.fail(error)
            } catch {
                if activity.timedOut {
                    channel.fail(classify(TransportFailure(reason: .timedOut, detail: "stream idle", limit: idleTimeout)))
                } else {
                    channel.fail(classify(TransportFailure(error)))
                }
            }
        }
        let watchdog = Task {
            let clock = ContinuousClock()
            while !Task.isCancelled {
                do { try await Task.sleep(for: idleTimeout / 4) } catch { return }
                if !activity.isWaitingForReader, clock.now - activity.lastProgress > idleTimeout {
                    activity.timedOut = true
                    producer.cancel()
                    return
                }
            }
        }
        let lifetime = Lifetime(producer: producer, watchdog: watchdog, permit: opened.permit)
        var iterator = channel.makeAsyncIterator()
        let first: ChatStreamEvent?
        do {
            first = try await iterator.next()
        } catch let error as ChimeraError {
            lifetime.end()
            throw error
        } catch {
            lifetime.end()
            throw classify(TransportFailure(error))
        }
        if first == nil && Task.isCancelled {
            lifetime.end()
            throw ChimeraError.cancelled()
        }
        let events = PeekedEvents(first: first, rest: iterator, lifetime: lifetime)
        return ChatStream(events, route: route, wireProtocol: wireProtocol)
    }

    /// When the producer last made progress, and whether it is blocked on the reader.
    private final class Activity: Sendable {
        private let state = Mutex((last: ContinuousClock.now, waiting: false, timedOut: false))

        func touch() { state.withLock { $0.last = .now } }
        var lastProgress: ContinuousClock.Instant { state.withLock { $0.last } }
        var isWaitingForReader: Bool {
            get { state.withLock { $0.waiting } }
            set { state.withLock { $0.waiting = newValue; $0.last = .now } }
        }
        var timedOut: Bool {
            get { state.withLock { $0.timedOut } }
            set { state.withLock { $0.timedOut = newValue } }
        }
    }

    /// Cancels the producer and the watchdog, and gives the pooled connection back, when the
    /// stream ends or the last reader lets go of it.
    private final class Lifetime: Sendable {
        let producer: Task<Void, Never>
        let watchdog: Task<Void, Never>
        let permit: ConnectionPermit?
        init(producer: Task<Void, Never>, watchdog: Task<Void, Never>, permit: ConnectionPermit?) {
            self.producer = producer
            self.watchdog = watchdog
            self.permit = permit
        }
        func end() {
            producer.cancel()
            watchdog.cancel()
            permit?.release()
        }
        deinit { end() }
    }

    /// The first event, already read, followed by the rest of the channel.
    private struct PeekedEvents: AsyncSequence, Sendable {
        typealias Element = ChatStreamEvent
        let first: ChatStreamEvent?
        let rest: Box
        let lifetime: Lifetime

        init(first: ChatStreamEvent?, rest: AsyncThrowingChannel<ChatStreamEvent, any Error>.Iterator, lifetime: Lifetime) {
            self.first = first
            self.rest = Box(rest)
            self.lifetime = lifetime
        }

        /// Holds the channel's iterator; a ``ChatStream`` is read by one task at a time.
        final class Box: @unchecked Sendable {
            var iterator: AsyncThrowingChannel<ChatStreamEvent, any Error>.Iterator
            init(_ iterator: AsyncThrowingChannel<ChatStreamEvent, any Error>.Iterator) { self.iterator = iterator }
        }

        func makeAsyncIterator() -> Iterator {
            Iterator(pending: first, ended: first == nil, rest: rest, lifetime: lifetime, release: Release(lifetime))
        }

        /// Ends the stream when the iterator is dropped: a reader that stops early (`break`)
        /// must close the upstream connection even while the stream value itself lives on.
        final class Release: Sendable {
            let lifetime: Lifetime
            init(_ lifetime: Lifetime) { self.lifetime = lifetime }
            deinit { lifetime.end() }
        }

        struct Iterator: AsyncIteratorProtocol {
            var pending: ChatStreamEvent?
            var ended: Bool
            let rest: Box
            let lifetime: Lifetime
            let release: Release

            mutating func next() async throws -> ChatStreamEvent? {
                if let event = pending {
                    pending = nil
                    return event
                }
                guard !ended else { return nil }
                let event = try await rest.iterator.next()
                if event == nil {
                    ended = true
                    lifetime.end()
                    // The channel ends quietly when the reading task is cancelled; say so instead
                    // of passing a cut-off stream off as complete.
                    if Task.isCancelled { throw ChimeraError.cancelled() }
                }
                return event
            }
        }
    }
}

/// Turns body chunks into domain events for ``EventStreamReader``.
protocol ChunkDecoder: Sendable {
    /// Whether the stream said it is over; the rest of the body is ignored.
    var isComplete: Bool { get }
    /// The events one chunk completes.
    mutating func decode(_ chunk: ByteBuffer) throws(ChimeraError) -> [ChatStreamEvent]
    /// The events at the end of input; throws when the stream was cut short.
    mutating func finish() throws(ChimeraError) -> [ChatStreamEvent]
}

/// Server-Sent Events decoded by a protocol's ``StreamDecoder``.
struct SSEChunkDecoder: ChunkDecoder {
    private var parser = SSEParser()
    private var decoder: any StreamDecoder

    init(_ decoder: any StreamDecoder) { self.decoder = decoder }

    var isComplete: Bool { decoder.isComplete }

    mutating func decode(_ chunk: ByteBuffer) throws(ChimeraError) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        for event in try parser.parse(chunk.readableBytesView) {
            events += try decoder.decode(event)
            if decoder.isComplete { break }
        }
        return events
    }

    mutating func finish() throws(ChimeraError) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        if !decoder.isComplete, let last = parser.finish() {
            events += try decoder.decode(last)
        }
        return events + (try decoder.finish())
    }
}
