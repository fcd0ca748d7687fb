/// The model's reasoning, kept verbatim so that it can be sent back (Anthropic and Gemini check
/// the signature of reasoning they receive).
public struct Reasoning: Sendable, Hashable {
    /// The reasoning text (Anthropic `thinking`, Gemini thought parts, DeepSeek and Qwen
    /// `reasoning_content`); empty for redacted reasoning.
    public var text: String
    /// The provider's signature of the reasoning (Anthropic `signature`, Gemini `thoughtSignature`).
    public var signature: String?
    /// Reasoning the provider encrypted (Anthropic `redacted_thinking.data`).
    public var redactedData: String?

    /// Creates reasoning.
    public init(text: String, signature: String? = nil, redactedData: String? = nil) {
        self.text = text
        self.signature = signature
        self.redactedData = redactedData
    }
}

/// How much the model should reason before answering.
///
/// Providers take either an effort (OpenAI `reasoning_effort`, Gemini `thinkingLevel`) or a token
/// budget (Anthropic `thinking.budget_tokens`, Gemini `thinkingBudget`, Qwen `thinking_budget`);
/// the codecs convert one into the other with ``ReasoningEffort/budget`` and
/// ``ReasoningEffort/init(budget:)``.
public struct ReasoningOptions: Sendable, Hashable {
    /// The effort asked for.
    public var effort: ReasoningEffort?
    /// The most tokens to reason with.
    public var budgetTokens: Int?
    /// Whether the reasoning itself should be returned (Gemini `includeThoughts`).
    public var includeThoughts: Bool?

    /// Creates reasoning options.
    public init(effort: ReasoningEffort? = nil, budgetTokens: Int? = nil, includeThoughts: Bool? = nil) {
        self.effort = effort
        self.budgetTokens = budgetTokens
        self.includeThoughts = includeThoughts
    }

    /// Whether reasoning is switched off.
    public var isDisabled: Bool { effort == .disabled || budgetTokens == 0 }

    /// The budget: the one given, else the effort's.
    public var resolvedBudget: Int? { budgetTokens ?? effort?.budget }

    /// The effort: the one given, else the budget's.
    public var resolvedEffort: ReasoningEffort? { effort ?? budgetTokens.map(ReasoningEffort.init(budget:)) }
}

/// A reasoning effort. Open: providers add levels.
public enum ReasoningEffort: Sendable, Hashable, CustomStringConvertible {
    /// No reasoning (OpenAI `none`, Anthropic `disabled`, Gemini budget 0).
    case disabled
    case minimal
    case low
    case medium
    case high
    case unknown(String)

    /// Reads OpenAI's names (`none`, `minimal`, `low`, `medium`, `high`).
    public init(rawValue: String) {
        switch rawValue.lowercased() {
        case "none", "disabled": self = .disabled
        case "minimal": self = .minimal
        case "low": self = .low
        case "medium": self = .medium
        case "high": self = .high
        default: self = .unknown(rawValue)
        }
    }

    /// OpenAI's name.
    public var rawValue: String {
        switch self {
        case .disabled: "none"
        case .minimal: "minimal"
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .unknown(let value): value
        }
    }

    public var description: String { rawValue }

    /// The token budget Chimera sends for this effort to providers that take budgets: 0, 1,024,
    /// 2,048, 8,192 and 24,576 tokens (Anthropic's minimum budget is 1,024).
    public var budget: Int? {
        switch self {
        case .disabled: 0
        case .minimal: 1024
        case .low: 2048
        case .medium: 8192
        case .high: 24576
        case .unknown: nil
        }
    }

    /// The effort whose budget is nearest at or above `budget`.
    public init(budget: Int) {
        switch budget {
        case ...0: self = .disabled
        case ...1024: self = .minimal
        case ...2048: self = .low
        case ...8192: self = .medium
        default: self = .high
        }
    }
}
