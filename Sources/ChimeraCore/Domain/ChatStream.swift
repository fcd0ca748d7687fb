import Synchronization

/// A streamed answer: an asynchronous sequence of ``ChatStreamEvent``s, plus how it was served.
///
/// Events are pulled from the network as the caller iterates, so nothing is buffered whole and a
/// slow reader slows the upstream instead of filling memory. Cancelling the iterating task, or
/// dropping the iterator, closes the upstream connection.
///
/// A stream is read **once**, by one consumer: a second ``makeAsyncIterator()`` (a second
/// `for await` over the same stream, even over a copy) is a programming error and stops the
/// process with a precondition failure, since the events it would see are already gone.
public struct ChatStream: AsyncSequence, Sendable {
    public typealias Element = ChatStreamEvent
    public typealias Failure = ChimeraError

    /// How the request travelled.
    public var route: Route
    /// The wire protocol of Chimera's own hop.
    public var wireProtocol: WireProtocol
    /// Request fields left out on purpose (see ``ChatResponse/droppedFields``).
    public var droppedFields: [String] = []

    private let source: Source

    /// Wraps any sequence of events; its errors reach the reader as ``ChimeraError``s.
    ///
    /// - Parameters:
    ///   - events: The events; iterated once.
    ///   - route: How the request travelled.
    ///   - wireProtocol: The wire protocol of Chimera's own hop.
    public init<Events: AsyncSequence & Sendable>(
        _ events: Events,
        route: Route,
        wireProtocol: WireProtocol
    ) where Events.Element == ChatStreamEvent {
        self.init(iterator: events.makeAsyncIterator(), route: route, wireProtocol: wireProtocol)
    }

    /// Wraps the one iterator of a stream that has already begun (its first event may be
    /// buffered in it): the stream's single consumer takes it over.
    ///
    /// - Parameters:
    ///   - iterator: The events' iterator, handed over to the stream.
    ///   - route: How the request travelled.
    ///   - wireProtocol: The wire protocol of Chimera's own hop.
    public init<Iterator: AsyncIteratorProtocol>(
        iterator: sending Iterator,
        route: Route,
        wireProtocol: WireProtocol
    ) where Iterator.Element == ChatStreamEvent {
        self.route = route
        self.wireProtocol = wireProtocol
        self.source = Source(Erased(iterator))
    }

    /// The same events, reported as served another way (used when a fallback or proxy wraps a stream).
    public func served(route: Route, wireProtocol: WireProtocol) -> ChatStream {
        var copy = self
        copy.route = route
        copy.wireProtocol = wireProtocol
        return copy
    }

    /// Starts reading the events; allowed once per stream.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(next: source.claim())
    }

    /// Pulls the next event from the underlying stream.
    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let next: () async throws(ChimeraError) -> ChatStreamEvent?

        public mutating func next() async throws(ChimeraError) -> ChatStreamEvent? {
            try await next()
        }
    }

    /// Reads the whole stream and assembles the answer it carried.
    ///
    /// - Parameters:
    ///   - id: The response id to report when the stream named none.
    ///   - provider: The provider that answered.
    ///   - model: The model to report when the stream named none.
    /// - Returns: The parts in order, the last finish reason and the last usage seen.
    public func collect(id: String, provider: ProviderID, model: String) async throws(ChimeraError) -> ChatResponse {
        var assembler = ChatResponseAssembler()
        for try await event in self {
            assembler.add(event)
        }
        return ChatResponse(
            id: assembler.id ?? id, provider: provider, model: assembler.model ?? model, parts: assembler.parts,
            finishReason: assembler.finishReason, stopSequence: assembler.stopSequence, usage: assembler.usage,
            route: route, wireProtocol: wireProtocol, droppedFields: droppedFields
        )
    }

    /// Holds the one iterator a stream has until its consumer claims it.
    private final class Source: Sendable {
        private let iterator: Mutex<Erased?>

        init(_ iterator: sending Erased) {
            self.iterator = Mutex(iterator)
        }

        func claim() -> () async throws(ChimeraError) -> ChatStreamEvent? {
            let claimed = iterator.withLock { (iterator: inout sending Erased?) -> sending Erased? in
                let taken = iterator.take()
                return taken
            }
            guard var claimed else {
                preconditionFailure("a ChatStream is read once, by one consumer; iterate it in one place")
            }
            return { () async throws(ChimeraError) -> ChatStreamEvent? in try await claimed.next() }
        }
    }

    /// Any iterator of events, its errors as ``ChimeraError``s.
    private struct Erased {
        private var base: any AsyncIteratorProtocol<ChatStreamEvent, any Error>

        init<Iterator: AsyncIteratorProtocol>(_ base: Iterator) where Iterator.Element == ChatStreamEvent {
            self.base = ThrowingIterator(base: base)
        }

        mutating func next() async throws(ChimeraError) -> ChatStreamEvent? {
            do {
                return try await base.next()
            } catch {
                throw ChimeraError(wrapping: error)
            }
        }
    }

    /// Lifts any iterator's failure type to `any Error`, so one existential holds them all.
    private struct ThrowingIterator<Base: AsyncIteratorProtocol>: AsyncIteratorProtocol where Base.Element == ChatStreamEvent {
        var base: Base

        mutating func next() async throws -> ChatStreamEvent? {
            try await base.next()
        }
    }
}
