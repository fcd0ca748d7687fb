/// A provider-neutral chat request.
///
/// The same value drives direct mode, proxy mode and the proxy server: wire codecs translate it
/// to and from each provider's format.
public struct ChatRequest: Sendable, Hashable, Codable {
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
    /// Upper bound on generated tokens.
    public var maxTokens: Int?
    /// Strings that end generation when produced.
    public var stopSequences: [String]
    /// Whether the caller wants the answer streamed.
    public var stream: Bool

    /// Creates a request; everything but the provider, model and messages is optional.
    public init(
        provider: ProviderID,
        model: String,
        messages: [ChatMessage],
        temperature: Double? = nil,
        topP: Double? = nil,
        maxTokens: Int? = nil,
        stopSequences: [String] = [],
        stream: Bool = false
    ) {
        self.provider = provider
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.stopSequences = stopSequences
        self.stream = stream
    }

    /// The system instructions joined, or `nil` when there are none.
    ///
    /// Anthropic and Gemini take the system prompt outside the conversation; this is what they get.
    public var systemPrompt: String? {
        let parts = messages.filter { $0.role == .system }.map(\.content)
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }

    /// The conversation without its system instructions.
    public var conversation: [ChatMessage] { messages.filter { $0.role != .system } }

    /// Checks what every provider needs: a model, at least one non-system message, sane numbers.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/invalidRequest`` naming the field.
    public func validate() throws(ChimeraError) {
        if model.isEmpty {
            throw ChimeraError.invalidRequest("model: must not be empty")
        }
        if model.contains(where: { $0.isNewline || $0 == "\0" }) {
            throw ChimeraError.invalidRequest("model: must not contain line breaks or NUL characters")
        }
        if conversation.isEmpty {
            throw ChimeraError.invalidRequest("messages: need at least one user or assistant message")
        }
        if let temperature, !(0...2).contains(temperature) {
            throw ChimeraError.invalidRequest("temperature: \(temperature) is out of range; accepted: 0 to 2")
        }
        if let topP, !(0...1).contains(topP) {
            throw ChimeraError.invalidRequest("top_p: \(topP) is out of range; accepted: 0 to 1")
        }
        if let maxTokens, maxTokens < 1 {
            throw ChimeraError.invalidRequest("max_tokens: \(maxTokens) is out of range; accepted: 1 or more")
        }
    }
}
