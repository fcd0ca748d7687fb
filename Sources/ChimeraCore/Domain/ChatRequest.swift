/// A provider-neutral chat request.
///
/// The same value drives direct mode, proxy mode and both servers: each protocol binding
/// translates it to and from its family's format. What the families share has a typed field;
/// what one family has and the others lack travels in ``extensions``.
public struct ChatRequest: Sendable, Hashable {
    /// The provider to ask.
    public var provider: ProviderID
    /// The provider's model id, e.g. `gpt-4.1` or `claude-sonnet-4-5`.
    public var model: String
    /// The conversation, system instructions included, in order.
    public var messages: [ChatMessage]
    /// Sampling temperature; each provider has its own accepted range (see ``ProviderCapabilities``).
    public var temperature: Double?
    /// Nucleus sampling.
    public var topP: Double?
    /// Top-k sampling (Anthropic, Gemini, Qwen).
    public var topK: Int?
    /// Upper bound on generated tokens.
    public var maxTokens: Int?
    /// Strings that end generation when produced.
    public var stopSequences: [String]
    /// Whether the caller wants the answer streamed.
    public var stream: Bool
    /// A seed for reproducible sampling, where the provider has one.
    public var seed: Int?
    /// Presence penalty, -2 to 2.
    public var presencePenalty: Double?
    /// Frequency penalty, -2 to 2.
    public var frequencyPenalty: Double?
    /// How many choices to generate (OpenAI `n`, Gemini `candidateCount`); `nil` means one.
    public var choiceCount: Int?
    /// Whether to return log probabilities of the output tokens, and how many alternatives per token.
    public var logprobs: LogprobOptions?
    /// The functions the model may call.
    public var tools: [Tool]
    /// Whether and which tool the model must call.
    public var toolChoice: ToolChoice?
    /// Whether the model may call several tools at once (`nil`: the provider's default).
    public var parallelToolCalls: Bool?
    /// The shape the answer's text must have.
    public var responseFormat: ResponseFormat?
    /// How much the model should reason.
    public var reasoning: ReasoningOptions?
    /// An id of the end user, for the provider's abuse monitoring (OpenAI `user`, Anthropic
    /// `metadata.user_id`).
    public var user: String?
    /// Key-value metadata stored with the request (OpenAI `metadata`).
    public var metadata: [String: String]
    /// Top-level fields of a request, by protocol family, that have no field here: unknown
    /// fields and family-only options, kept as sent. The family's own binding writes them back
    /// (so a same-family hop is lossless); another family's binding leaves them out and lists
    /// them in ``ChatResponse/droppedFields``.
    public var extensions: [ProtocolFamily: JSONObject]

    /// Creates a request; everything but the provider, model and messages is optional.
    public init(
        provider: ProviderID,
        model: String,
        messages: [ChatMessage],
        temperature: Double? = nil,
        topP: Double? = nil,
        topK: Int? = nil,
        maxTokens: Int? = nil,
        stopSequences: [String] = [],
        stream: Bool = false,
        seed: Int? = nil,
        presencePenalty: Double? = nil,
        frequencyPenalty: Double? = nil,
        choiceCount: Int? = nil,
        logprobs: LogprobOptions? = nil,
        tools: [Tool] = [],
        toolChoice: ToolChoice? = nil,
        parallelToolCalls: Bool? = nil,
        responseFormat: ResponseFormat? = nil,
        reasoning: ReasoningOptions? = nil,
        user: String? = nil,
        metadata: [String: String] = [:],
        extensions: [ProtocolFamily: JSONObject] = [:]
    ) {
        self.provider = provider
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.maxTokens = maxTokens
        self.stopSequences = stopSequences
        self.stream = stream
        self.seed = seed
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.choiceCount = choiceCount
        self.logprobs = logprobs
        self.tools = tools
        self.toolChoice = toolChoice
        self.parallelToolCalls = parallelToolCalls
        self.responseFormat = responseFormat
        self.reasoning = reasoning
        self.user = user
        self.metadata = metadata
        self.extensions = extensions
    }

    /// The system instructions' text joined, or `nil` when there are none.
    public var systemPrompt: String? {
        let parts = messages.filter { $0.role == .system }.map(\.text)
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }

    /// The conversation without its system instructions.
    public var conversation: [ChatMessage] { messages.filter { $0.role != .system } }
}

/// Log probabilities of the output tokens.
public struct LogprobOptions: Sendable, Hashable {
    /// How many most likely alternatives to return per token (0–20).
    public var top: Int?

    /// Asks for log probabilities.
    public init(top: Int? = nil) { self.top = top }
}
