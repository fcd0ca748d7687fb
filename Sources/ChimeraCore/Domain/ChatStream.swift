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
        self.route = route
        self.wireProtocol = wireProtocol
        self.source = Source {
            var iterator = events.makeAsyncIterator()
            return { () async throws(ChimeraError) -> ChatStreamEvent? in
                do {
                    return try await iterator.next()
                } catch {
                    throw ChimeraError(wrapping: error)
                }
            }
        }
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

    /// Makes the one iterator a stream has.
    private final class Source: Sendable {
        private let makeNext: @Sendable () -> () async throws(ChimeraError) -> ChatStreamEvent?
        private let claimed = Atomic(false)

        init(_ makeNext: @escaping @Sendable () -> () async throws(ChimeraError) -> ChatStreamEvent?) {
            self.makeNext = makeNext
        }

        func claim() -> () async throws(ChimeraError) -> ChatStreamEvent? {
            let (exchanged, _) = claimed.compareExchange(expected: false, desired: true, ordering: .relaxed)
            precondition(exchanged, "a ChatStream is read once, by one consumer; iterate it in one place")
            return makeNext()
        }
    }
}
