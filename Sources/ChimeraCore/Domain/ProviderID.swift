/// One of the six LLM providers Chimera speaks to.
///
/// The raw value is the lowercase name used in configuration, on the command line and in the
/// HTTP API (`openai`, `anthropic`, …).
public enum ProviderID: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
    case openai
    case anthropic
    case gemini
    case deepseek
    case qwen
    case cursor

    /// The protocol family this provider's API speaks.
    public var family: ProtocolFamily {
        switch self {
        case .openai, .deepseek, .qwen, .cursor: .openAIChat
        case .anthropic: .anthropicMessages
        case .gemini: .geminiGenerateContent
        }
    }

    /// The prefix of this provider's environment variables (`OPENAI` in `OPENAI_API_KEY`).
    public var environmentPrefix: String { rawValue.uppercased() }

    /// A name for people: `OpenAI`, `Anthropic`, …
    public var displayName: String {
        switch self {
        case .openai: "OpenAI"
        case .anthropic: "Anthropic"
        case .gemini: "Gemini"
        case .deepseek: "DeepSeek"
        case .qwen: "Qwen"
        case .cursor: "Cursor"
        }
    }

    public var description: String { rawValue }

    /// Parses a provider name case-insensitively.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/invalidRequest`` naming the accepted values.
    public init(parsing name: String) throws(ChimeraError) {
        guard let id = ProviderID(rawValue: name.lowercased()) else {
            throw ChimeraError.invalidRequest(
                "unknown provider \"\(name.prefix(64))\"; accepted: \(ProviderID.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        self = id
    }
}

/// The wire protocols LLM providers speak.
public enum ProtocolFamily: String, CaseIterable, Sendable, Hashable, Codable {
    /// OpenAI Chat Completions, also spoken by DeepSeek, Qwen (compatible mode) and Cursor gateways.
    case openAIChat = "openai"
    /// OpenAI's Responses API (`POST /v1/responses`): OpenAI's own, and any OpenAI-compatible
    /// provider configured to speak it (`<P>_WIRE_API=responses`); no provider's default.
    case openAIResponses = "openai-responses"
    /// Anthropic Messages.
    case anthropicMessages = "anthropic"
    /// Google Gemini generateContent.
    case geminiGenerateContent = "gemini"
}
