/// A complete answer, in the same shape whichever provider and connection mode produced it.
public struct ChatResponse: Sendable, Hashable {
    /// The provider's response id (or one Chimera made when the provider gave none).
    public var id: String
    /// The provider that answered.
    public var provider: ProviderID
    /// The model that answered, as the provider reports it.
    public var model: String
    /// The answer: text, reasoning and tool calls, in the order the model produced them.
    public var parts: [ContentPart]
    /// Why generation stopped, when the provider said.
    public var finishReason: FinishReason?
    /// The stop sequence that ended generation, when the provider says which.
    public var stopSequence: String?
    /// Token counts, when the provider reported them.
    public var usage: Usage?
    /// The other choices, when the request asked for several (``ChatRequest/choiceCount``).
    public var additionalChoices: [ChatChoice]
    /// How the request travelled: directly, through the proxy, or directly after the proxy failed.
    public var route: Route
    /// The wire protocol used on the hop Chimera made itself.
    public var wireProtocol: WireProtocol
    /// Request fields left out on purpose because the target provider has no use for them
    /// (see ``ChatRequest/extensions``); a server lists them in `chimera-dropped-fields`.
    public var droppedFields: [String]
    /// Top-level fields of the provider's answer that have no place here, by protocol family,
    /// so that an answer relayed to a caller of the same family keeps them.
    public var extensions: [ProtocolFamily: JSONObject]

    /// Creates a response.
    public init(
        id: String,
        provider: ProviderID,
        model: String,
        parts: [ContentPart],
        finishReason: FinishReason?,
        stopSequence: String? = nil,
        usage: Usage?,
        additionalChoices: [ChatChoice] = [],
        route: Route = .direct,
        wireProtocol: WireProtocol = .json,
        droppedFields: [String] = [],
        extensions: [ProtocolFamily: JSONObject] = [:]
    ) {
        self.id = id
        self.provider = provider
        self.model = model
        self.parts = parts
        self.finishReason = finishReason
        self.stopSequence = stopSequence
        self.usage = usage
        self.additionalChoices = additionalChoices
        self.route = route
        self.wireProtocol = wireProtocol
        self.droppedFields = droppedFields
        self.extensions = extensions
    }

    /// Creates a response whose answer is one piece of text.
    public init(
        id: String, provider: ProviderID, model: String, text: String, finishReason: FinishReason?, usage: Usage?,
        route: Route = .direct, wireProtocol: WireProtocol = .json
    ) {
        self.init(
            id: id, provider: provider, model: model, parts: text.isEmpty ? [] : [.text(text)], finishReason: finishReason,
            usage: usage, route: route, wireProtocol: wireProtocol
        )
    }

    /// The answer's text parts joined.
    public var text: String { parts.compactMap(\.text).joined() }

    /// The tool calls the model made.
    public var toolCalls: [ToolCall] {
        parts.compactMap { if case .toolCall(let call) = $0 { call } else { nil } }
    }

    /// The model's reasoning, when the provider returned it.
    public var reasoning: [Reasoning] {
        parts.compactMap { if case .reasoning(let reasoning) = $0 { reasoning } else { nil } }
    }

    /// The answer as an assistant turn, to append to the conversation for the next request.
    public var message: ChatMessage { .assistant(parts) }
}

/// One of several choices of an answer (OpenAI `n`, Gemini `candidateCount`).
public struct ChatChoice: Sendable, Hashable {
    /// The choice's parts.
    public var parts: [ContentPart]
    /// Why its generation stopped.
    public var finishReason: FinishReason?

    /// Creates a choice.
    public init(parts: [ContentPart], finishReason: FinishReason?) {
        self.parts = parts
        self.finishReason = finishReason
    }
}

extension ChatResponse {
    /// The response header in which a Chimera server lists ``droppedFields``, comma-separated,
    /// and from which a Chimera client reads the list of a proxy on the way.
    public static let droppedFieldsHeaderName = "chimera-dropped-fields"
}

/// How a request reached its provider.
public enum Route: String, Sendable, Hashable, Codable, CaseIterable {
    /// Chimera called the provider's API itself.
    case direct
    /// The request went through the configured LLM proxy.
    case proxy
    /// The proxy failed and `PROXY_FALLBACK_TO_DIRECT` sent the request directly.
    case directFallback = "direct-fallback"
}

/// The encoding of Chimera's own hop.
public enum WireProtocol: String, Sendable, Hashable, Codable, CaseIterable {
    /// JSON (and Server-Sent Events for streams): what every provider and AIClient-2-API speak.
    case json
    /// Protocol buffers, offered by `chimera proxy`.
    case protobuf
}
