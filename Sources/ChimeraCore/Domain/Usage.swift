/// Token counts of one request.
///
/// Input counts include cached and cache-written tokens, output counts include reasoning, as
/// OpenAI counts them; each codec converts from and to its provider's way (Anthropic reports
/// the three input kinds apart, Gemini reports thoughts apart from the answer).
public struct Usage: Sendable, Hashable {
    /// Tokens read, cached ones included.
    public var inputTokens: Int
    /// Tokens generated, reasoning included.
    public var outputTokens: Int
    /// What the provider bills as the total; `inputTokens + outputTokens` when it gives none.
    public var totalTokens: Int
    /// Input tokens read from the provider's prompt cache.
    public var cachedInputTokens: Int?
    /// Input tokens written to the prompt cache (Anthropic's cache creation).
    public var cacheWriteTokens: Int?
    /// Output tokens spent reasoning.
    public var reasoningTokens: Int?

    /// Creates usage counts; the total defaults to input plus output.
    public init(
        inputTokens: Int, outputTokens: Int, totalTokens: Int? = nil,
        cachedInputTokens: Int? = nil, cacheWriteTokens: Int? = nil, reasoningTokens: Int? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = totalTokens ?? inputTokens.addingReportingOverflow(outputTokens).partialValue
        self.cachedInputTokens = cachedInputTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.reasoningTokens = reasoningTokens
    }
}
