/// One LLM provider, reached directly or through a proxy.
///
/// Direct and proxy implementations stand behind this one protocol, chosen once from the
/// configuration; callers never branch on the connection mode. Every failure is a
/// ``ChimeraError`` that says what went wrong and what to do about it.
public protocol LLMProvider: Sendable {
    /// Which provider this is.
    var id: ProviderID { get }

    /// What the provider accepts.
    var capabilities: ProviderCapabilities { get }

    /// Sends a request and waits for the whole answer.
    func complete(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatResponse

    /// Sends a request and returns its answer as a stream of events.
    ///
    /// The call returns once the provider has started answering, so failures before the first
    /// event (refused connection, 429, bad key) are thrown here, after any retries. Failures after
    /// that end the stream with an error and are never retried.
    func stream(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatStream

    /// Lists the models the provider offers.
    func listModels(context: CallContext) async throws(ChimeraError) -> [ModelInfo]
}

/// What one call carries besides its request: who asked, and how long it may take.
///
/// A server makes one per inbound request, so the request id it answers with is the one the
/// library's log lines and the upstream request carry.
public struct CallContext: Sendable {
    /// The id of the inbound request this call serves, written in every log line about it and
    /// sent upstream as `x-request-id`.
    public var requestID: String?
    /// A W3C `traceparent` to send upstream, so the provider's trace joins the caller's.
    public var traceparent: String?
    /// When the call must be over, whatever the configured time limits allow.
    public var deadline: ContinuousClock.Instant?

    /// Creates a context.
    public init(requestID: String? = nil, traceparent: String? = nil, deadline: ContinuousClock.Instant? = nil) {
        self.requestID = requestID
        self.traceparent = traceparent
        self.deadline = deadline
    }

    /// A context that carries nothing: a library call on its own.
    public static let none = CallContext()
}

extension LLMProvider {
    /// Sends a request without a call context and waits for the whole answer.
    public func complete(_ request: ChatRequest) async throws(ChimeraError) -> ChatResponse {
        try await complete(request, context: .none)
    }

    /// Sends a request without a call context and returns its answer as a stream.
    public func stream(_ request: ChatRequest) async throws(ChimeraError) -> ChatStream {
        try await stream(request, context: .none)
    }

    /// Lists the provider's models without a call context.
    public func listModels() async throws(ChimeraError) -> [ModelInfo] {
        try await listModels(context: .none)
    }
}
