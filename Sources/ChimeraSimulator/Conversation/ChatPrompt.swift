/// What the simulator needs from a chat request, whatever protocol it came in.
///
/// Each dialect reads its request into this; ``SimulatedAnswer`` plans the answer from it.
struct ChatPrompt: Sendable {
    /// The model as the request named it, fault switches included.
    var model: String
    /// The words of the prompt: every text of the system prompt, the messages and tool results,
    /// and each tool's name and description. Images, files, tool calls and earlier reasoning
    /// count nothing.
    var inputWords: Int
    /// The words of the last user message, attachments as their acknowledgements; the reply repeats them.
    var lastUserWords: [Substring]
    /// The output limit (`max_completion_tokens`, `max_tokens`, `maxOutputTokens`), in words.
    var maxOutputWords: Int?
    /// The request's stop sequences.
    var stopSequences: [String]
    /// Whether the answer is a stream.
    var stream: Bool
    /// OpenAI's `stream_options.include_usage`: send the usage chunk before `[DONE]`.
    var includeUsage: Bool

    /// The function tools offered, in order.
    var tools: [ToolDefinition] = []
    /// Whether and which tool may or must be called.
    var toolChoice: ToolChoice = .auto
    /// Whether several calls may come at once (OpenAI `parallel_tool_calls`, Anthropic `disable_parallel_tool_use`).
    var parallelToolCalls = true
    /// Whether the last turn is the user's own (not tool results, not an assistant prefill);
    /// only then may the answer call a tool.
    var endsWithUserTurn = true
    /// The tool results of the last turn, in order; empty when it has none.
    var toolResults: [ToolResult] = []
    /// The reasoning asked for, or `nil` for none.
    var reasoning: ReasoningRequest?
    /// The shape the text must have.
    var responseFormat: ResponseFormat = .text
    /// The cacheable prefixes, shortest first.
    var cacheCheckpoints: [CacheCheckpoint] = []
    /// Whether the provider caches implicitly (OpenAI, Gemini): then only prefixes of at least
    /// ``PromptCache/implicitMinimumWords`` count. Anthropic caches only what markers ask for.
    var implicitCaching = true
    /// OpenAI's `n`: how many choices to answer with.
    var choiceCount = 1
    /// OpenAI's `top_logprobs` when `logprobs` is on (0 for none); `nil` when logprobs are off.
    var topLogprobs: Int?
    /// What a Responses API request adds; `nil` for the other protocols.
    var responses: ResponsesSettings?
}
