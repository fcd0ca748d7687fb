/// What the simulator needs from a chat request, whatever protocol it came in.
struct ChatPrompt: Sendable {
    /// The model as the request named it, fault switches included.
    var model: String
    /// The number of whitespace-separated words in every message, system prompt included.
    var inputWords: Int
    /// The words of the last user message; the reply repeats them.
    var lastUserWords: [Substring]
    /// The output limit (`max_completion_tokens`, `max_tokens`, `maxOutputTokens`), in words.
    var maxOutputWords: Int?
    /// The request's stop sequences.
    var stopSequences: [String]
    /// Whether the answer is a stream.
    var stream: Bool
    /// OpenAI's `stream_options.include_usage`: send the usage chunk before `[DONE]`.
    var includeUsage: Bool
}
