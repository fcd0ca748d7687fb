/// A streamed answer: an asynchronous sequence of ``ChatStreamEvent``s, plus how it was served.
///
/// Events are pulled from the network as the caller iterates, so nothing is buffered whole and a
/// slow reader slows the upstream instead of filling memory. Cancelling the iterating task closes
/// the upstream connection.
public struct ChatStream: AsyncSequence, Sendable {
    public typealias Element = ChatStreamEvent

    /// How the request travelled.
    public var route: Route
    /// The wire protocol of Chimera's own hop.
    public var wireProtocol: WireProtocol

    private let makeNext: @Sendable () -> () async throws -> ChatStreamEvent?

    /// Wraps any sequence of events.
    ///
    /// - Parameters:
    ///   - events: The events; iterated once per ``makeAsyncIterator()``.
    ///   - route: How the request travelled.
    ///   - wireProtocol: The wire protocol of Chimera's own hop.
    public init<Events: AsyncSequence & Sendable>(
        _ events: Events,
        route: Route,
        wireProtocol: WireProtocol
    ) where Events.Element == ChatStreamEvent {
        self.route = route
        self.wireProtocol = wireProtocol
        self.makeNext = {
            var iterator = events.makeAsyncIterator()
            return { try await iterator.next() }
        }
    }

    /// The same events, reported as served another way (used when a fallback or proxy wraps a stream).
    public func served(route: Route, wireProtocol: WireProtocol) -> ChatStream {
        var copy = self
        copy.route = route
        copy.wireProtocol = wireProtocol
        return copy
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(next: makeNext())
    }

    /// Pulls the next event from the underlying stream.
    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let next: () async throws -> ChatStreamEvent?

        public mutating func next() async throws -> ChatStreamEvent? {
            try await next()
        }
    }

    /// Reads the whole stream and assembles the answer it carried.
    ///
    /// - Parameters:
    ///   - id: The response id to report.
    ///   - provider: The provider that answered.
    ///   - model: The model that answered.
    /// - Returns: The concatenated text, the last finish reason and the last usage seen.
    public func collect(id: String, provider: ProviderID, model: String) async throws -> ChatResponse {
        var text = ""
        var finishReason: FinishReason?
        var usage: Usage?
        for try await event in self {
            switch event {
            case .delta(let piece): text += piece
            case .finish(let reason): finishReason = reason
            case .usage(let counts): usage = counts
            }
        }
        return ChatResponse(
            id: id, provider: provider, model: model, text: text,
            finishReason: finishReason, usage: usage, route: route, wireProtocol: wireProtocol
        )
    }
}
