/// The token counts of one answer (words, in the simulator), before each protocol names them.
struct SimulatedUsage: Sendable, Equatable {
    /// Every word of the prompt, cached ones included.
    var inputTokens: Int
    /// Prompt words served from the cache.
    var cacheReadTokens = 0
    /// Prompt words written to the cache (Anthropic only).
    var cacheCreationTokens = 0
    /// Every word produced: text, tool calls and reasoning, over all choices.
    var outputTokens: Int
    /// The reasoning part of ``outputTokens``.
    var reasoningTokens = 0

    /// Input plus output.
    var totalTokens: Int { inputTokens + outputTokens }
    /// The input neither read from nor written to the cache, as Anthropic's `input_tokens` counts it.
    var uncachedInputTokens: Int { inputTokens - cacheReadTokens - cacheCreationTokens }
    /// The output without reasoning, as Gemini's `candidatesTokenCount` counts it.
    var visibleOutputTokens: Int { outputTokens - reasoningTokens }
}
