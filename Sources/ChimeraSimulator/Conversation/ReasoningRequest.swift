/// The reasoning a request asks for, and how the answer shows and counts it.
///
/// The simulated reasoning is always the same text, ``text``. Protocols differ in what they do
/// with it: Anthropic's `thinking`, Gemini's `includeThoughts`, DeepSeek's and Qwen's
/// `reasoning_content` and the Responses API's summaries show it; OpenAI's `reasoning_effort`
/// and Gemini without `includeThoughts` only count it.
struct ReasoningRequest: Sendable, Equatable {
    /// The reasoning every simulated model does.
    static let text = "Simulated reasoning before the answer."

    /// The words of ``text``.
    static var words: Int { text.split(separator: " ").count }

    /// The reasoning the answer shows; empty when it shows none.
    var shownText: String
    /// The reasoning tokens usage reports (and adds to the output tokens).
    var tokens: Int

    /// Reasoning the answer shows, counted in usage unless `counted` is false.
    static func shown(counted: Bool = true) -> ReasoningRequest {
        ReasoningRequest(shownText: text, tokens: counted ? words : 0)
    }

    /// Reasoning the answer does not show but counts.
    static func hidden(tokens: Int = words) -> ReasoningRequest {
        ReasoningRequest(shownText: "", tokens: tokens)
    }
}
