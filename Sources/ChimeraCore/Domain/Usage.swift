/// Token counts of one request.
public struct Usage: Sendable, Hashable, Codable {
    /// Tokens read, cached ones included.
    public var inputTokens: Int
    /// Tokens generated, reasoning included.
    public var outputTokens: Int
    /// What the provider bills as the total; `inputTokens + outputTokens` when it gives none.
    public var totalTokens: Int

    /// Creates usage counts; the total defaults to input plus output.
    public init(inputTokens: Int, outputTokens: Int, totalTokens: Int? = nil) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = totalTokens ?? inputTokens + outputTokens
    }
}
