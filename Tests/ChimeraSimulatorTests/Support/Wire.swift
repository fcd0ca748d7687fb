import ChimeraCore
import Testing

/// The three wire protocols the simulator speaks, for parameterised tests.
enum Wire: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case openAI
    case anthropic
    case gemini

    var testDescription: String { rawValue }

    /// The provider whose base URL the requests use.
    var provider: ProviderID {
        switch self {
        case .openAI: .openai
        case .anthropic: .anthropic
        case .gemini: .gemini
        }
    }

    /// A realistic model name.
    var model: String {
        switch self {
        case .openAI: "gpt-4.1"
        case .anthropic: "claude-sonnet-4-5"
        case .gemini: "gemini-2.5-flash"
        }
    }

    /// The finish reason each protocol gives for a natural end, the output limit and a stop sequence.
    var finishReasons: (natural: String, limit: String, stop: String) {
        switch self {
        case .openAI: ("stop", "length", "stop")
        case .anthropic: ("end_turn", "max_tokens", "stop_sequence")
        case .gemini: ("STOP", "MAX_TOKENS", "STOP")
        }
    }
}
