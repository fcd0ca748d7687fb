import ChimeraCore

/// A provider reached through several proxies (`PROXY_SERVER_URL` with a list): each request
/// goes to the best proxy the ``ProxyPool`` names — healthy, fewest requests in flight — and,
/// when that proxy fails, to the next, until one answers.
///
/// Only the proxy's own failures fail over (it could not be reached, timed out, was known down,
/// or answered with an error of its own); a provider's error a healthy proxy relayed is the
/// answer, as in ``FallbackProvider``. A stream fails over only before its first event: a
/// stream is returned once its first event arrived, so every failure after that reaches the
/// caller as it would with one proxy. When every proxy failed, the error of the first one tried
/// is thrown, so fallback to direct (around this provider) sees a proxy failure.
public struct ProxyPoolProvider: LLMProvider {
    public var id: ProviderID { members[0].id }
    public var capabilities: ProviderCapabilities { members[0].capabilities }

    private let members: [any LLMProvider]
    private let pool: ProxyPool

    /// Creates a provider over `members`, the same provider reached through each proxy of `pool`, in its order.
    public init(members: [any LLMProvider], pool: ProxyPool) {
        precondition(members.count == pool.monitors.count, "one member per proxy of the pool")
        self.members = members
        self.pool = pool
    }

    public func complete(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatResponse {
        try await failingOver { (member) throws(ChimeraError) in try await member.complete(request, context: context) }
    }

    public func stream(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatStream {
        try await failingOver { (member, ticket) throws(ChimeraError) in
            let stream = try await member.stream(request, context: context)
            // The stream stays in flight to its proxy until it ends, fails or is dropped.
            var counted = ChatStream(
                iterator: CountedEvents(base: stream.makeAsyncIterator(), ticket: ticket),
                route: stream.route, wireProtocol: stream.wireProtocol
            )
            counted.droppedFields = stream.droppedFields
            return counted
        }
    }

    public func listModels(context: CallContext) async throws(ChimeraError) -> [ModelInfo] {
        try await failingOver { (member) throws(ChimeraError) in try await member.listModels(context: context) }
    }

    public func countTokens(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> TokenCount {
        try await failingOver { (member) throws(ChimeraError) in try await member.countTokens(request, context: context) }
    }

    /// Runs a call that is over when it returns.
    private func failingOver<Value>(_ call: (any LLMProvider) async throws(ChimeraError) -> Value) async throws(ChimeraError) -> Value {
        try await failingOver { (member, ticket) throws(ChimeraError) in
            defer { ticket.release() }
            return try await call(member)
        }
    }

    /// Runs `call` on each candidate proxy in turn until one does not fail on its own account.
    ///
    /// - Parameter call: Given the member and the ticket that counts the request in flight to its
    ///   proxy; it releases the ticket when the request is over, or hands it on.
    private func failingOver<Value>(_ call: (any LLMProvider, ProxyPool.Ticket) async throws(ChimeraError) -> Value) async throws(ChimeraError) -> Value {
        var firstFailure: ChimeraError?
        for index in pool.candidates() {
            let ticket = pool.admit(index)
            do {
                return try await call(members[index], ticket)
            } catch where ProxyErrors.isProxysOwnFailure(error) {
                ticket.release()
                firstFailure = firstFailure ?? error
            }
        }
        // candidates() names every proxy, and the pool has at least one.
        throw firstFailure!
    }

    /// A stream's events that release its ticket once the stream is over.
    private struct CountedEvents: AsyncIteratorProtocol {
        var base: ChatStream.AsyncIterator
        let ticket: ProxyPool.Ticket

        mutating func next() async throws(ChimeraError) -> ChatStreamEvent? {
            do {
                let event = try await base.next()
                if event == nil { ticket.release() }
                return event
            } catch {
                ticket.release()
                throw error
            }
        }
    }
}
