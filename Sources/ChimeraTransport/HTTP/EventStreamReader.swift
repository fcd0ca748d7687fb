import AsyncHTTPClient
import ChimeraCore
import ChimeraWire
import NIOCore

/// Turns a streaming HTTP body into a ``ChatStream``: bytes → a ``ChunkDecoder`` → domain events.
///
/// The body is read in the consumer's own task, chunk by chunk as the consumer asks for events:
/// no task and no hand-off between tasks stand between the socket and the reader, and a slow
/// reader slows the upstream instead of filling memory. The streaming client's read timeout ends
/// an upstream that goes silent; dropping the stream's iterator, or cancelling the reading task,
/// closes the upstream connection and gives its pooled connection back.
enum EventStreamReader {
    /// Reads up to the first event (or the end, or an error), so that a stream that fails before
    /// it delivered anything can still be retried by the caller, and returns the stream.
    ///
    /// - Parameters:
    ///   - opened: The response whose body streams; its pooled connection is given back when the
    ///     stream ends, fails or is dropped.
    ///   - decoder: Turns the bytes of one chunk into domain events; `finish` at the end of input.
    ///   - idleTimeout: The streaming client's read timeout, for the message when it runs out.
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
        var events = Events(
            body: opened.response.body.makeAsyncIterator(), decoder: decoder, permit: opened.permit,
            idleTimeout: idleTimeout, maxBytes: maxBytes, classify: classify
        )
        try await events.prefetch()
        return ChatStream(iterator: events, route: route, wireProtocol: wireProtocol)
    }

    /// The events of one body, decoded a chunk at a time.
    struct Events<Decoder: ChunkDecoder>: AsyncIteratorProtocol {
        private var body: HTTPClientResponse.Body.AsyncIterator
        private var decoder: Decoder
        /// Held until the body is done; dropping the iterator gives it back too.
        private var permit: ConnectionPermit?
        private let idleTimeout: Duration
        private let maxBytes: Int
        private let classify: @Sendable (TransportFailure) -> ChimeraError
        private var pending: [ChatStreamEvent] = []
        private var position = 0
        private var received = 0
        private var ended = false

        init(
            body: HTTPClientResponse.Body.AsyncIterator, decoder: Decoder, permit: ConnectionPermit?, idleTimeout: Duration,
            maxBytes: Int, classify: @escaping @Sendable (TransportFailure) -> ChimeraError
        ) {
            self.body = body
            self.decoder = decoder
            self.permit = permit
            self.idleTimeout = idleTimeout
            self.maxBytes = maxBytes
            self.classify = classify
        }

        mutating func next() async throws(ChimeraError) -> ChatStreamEvent? {
            try await prefetch()
            guard position < pending.count else { return nil }
            defer { position += 1 }
            return pending[position]
        }

        /// Reads chunks until an event is buffered or the stream is over.
        mutating func prefetch() async throws(ChimeraError) {
            while position >= pending.count, !ended {
                pending.removeAll(keepingCapacity: true)
                position = 0
                do throws(ChimeraError) {
                    try await readChunk()
                } catch {
                    end()
                    throw error
                }
            }
        }

        private mutating func readChunk() async throws(ChimeraError) {
            let chunk: ByteBuffer?
            do {
                chunk = try await body.next()
            } catch {
                throw classify(TransportFailure(error, limit: idleTimeout))
            }
            guard let chunk else {
                // The body ends quietly when the reading task is cancelled; say so instead of
                // passing a cut-off stream off as complete.
                if Task.isCancelled { throw ChimeraError.cancelled() }
                pending = try decoder.finish()
                end()
                return
            }
            received += chunk.readableBytes
            guard received <= maxBytes else { throw classify(.streamTooLarge(maxBytes: maxBytes)) }
            pending = try decoder.decode(chunk)
            if decoder.isComplete {
                pending += try decoder.finish()
                end()
            }
        }

        private mutating func end() {
            ended = true
            permit?.release()
            permit = nil
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
