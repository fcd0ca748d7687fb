/// One LLM provider, reached directly or through a proxy.
///
/// Direct and proxy implementations stand behind this one protocol, chosen once from the
/// configuration; callers never branch on the connection mode.
public protocol LLMProvider: Sendable {
    /// Which provider this is.
    var id: ProviderID { get }

    /// What the provider accepts.
    var capabilities: ProviderCapabilities { get }

    /// Sends a request and waits for the whole answer.
    ///
    /// - Throws: ``ChimeraError`` describing what went wrong and what to do about it.
    func complete(_ request: ChatRequest) async throws -> ChatResponse

    /// Sends a request and returns its answer as a stream of events.
    ///
    /// The call returns once the provider has started answering, so failures before the first
    /// event (refused connection, 429, bad key) are thrown here, after any retries. Failures after
    /// that end the stream with an error and are never retried.
    ///
    /// - Throws: ``ChimeraError`` describing what went wrong and what to do about it.
    func stream(_ request: ChatRequest) async throws -> ChatStream

    /// Lists the models the provider offers.
    ///
    /// - Throws: ``ChimeraError`` describing what went wrong and what to do about it.
    func listModels() async throws -> [ModelInfo]
}
