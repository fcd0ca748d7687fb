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

    /// Counts the input tokens of `request`: the provider's own count where its API has one
    /// (Anthropic, Gemini), else ``ChatRequest/estimatedInputTokens``.
    func countTokens(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> TokenCount

    /// Turns the request's texts into vectors, one per text.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` (400) for a provider without an
    ///   embeddings API, naming the providers that have one.
    func embed(_ request: EmbeddingRequest, context: CallContext) async throws(ChimeraError) -> EmbeddingResponse
}

/// A request's input tokens, and whether the provider counted them or Chimera estimated them.
public struct TokenCount: Sendable, Hashable {
    /// The tokens.
    public var tokens: Int
    /// Whether this is Chimera's estimate rather than the provider's own count.
    public var isEstimate: Bool

    /// Creates a count.
    public init(tokens: Int, isEstimate: Bool) {
        self.tokens = tokens
        self.isEstimate = isEstimate
    }
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
    /// ``ChatRequest/estimatedInputTokens``, for providers whose API cannot count.
    public func countTokens(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> TokenCount {
        TokenCount(tokens: request.estimatedInputTokens, isEstimate: true)
    }

    /// Refuses: a provider that does not say otherwise has no embeddings API.
    public func embed(_ request: EmbeddingRequest, context: CallContext) async throws(ChimeraError) -> EmbeddingResponse {
        throw EmbeddingRequest.noEmbeddings(id)
    }

    /// Embeds without a call context.
    public func embed(_ request: EmbeddingRequest) async throws(ChimeraError) -> EmbeddingResponse {
        try await embed(request, context: .none)
    }

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

extension ChatRequest {
    /// An estimate of the request's input tokens for providers that cannot count them: a token
    /// per four characters of text (system, messages, tool results, reasoning), tool definitions
    /// and schemas, rounded up, plus a few tokens per message for its framing — the rule of thumb
    /// OpenAI's documentation gives for English text.
    public var estimatedInputTokens: Int {
        var characters = 0
        var parts = 0
        func count(_ part: ContentPart) {
            parts += 1
            switch part {
            case .text(let text): characters += text.text.count
            case .toolCall(let call): characters += call.name.count + call.arguments.count
            case .toolResult(let result): result.content.forEach(count)
            case .reasoning(let reasoning): characters += reasoning.text.count
            case .opaque(let opaque): characters += opaque.json.serialized().count
            case .image, .document: characters += 1024  // a typical image costs hundreds to a few thousand tokens
            }
        }
        for message in messages { message.parts.forEach(count) }
        for tool in tools {
            characters += tool.name.count + (tool.description?.count ?? 0) + (tool.parameters?.serialized().count ?? 0)
        }
        return (characters + 3) / 4 + 4 * messages.count
    }
}
