import ChimeraCore

extension Chimera_Proxy_V1_Usage {
    /// The message for domain token counts; details not reported stay absent.
    public init(_ usage: Usage) {
        self.init()
        inputTokens = Int64(usage.inputTokens)
        outputTokens = Int64(usage.outputTokens)
        totalTokens = Int64(usage.totalTokens)
        if let cached = usage.cachedInputTokens { cachedInputTokens = Int64(cached) }
        if let cacheWrite = usage.cacheWriteTokens { cacheWriteTokens = Int64(cacheWrite) }
        if let reasoning = usage.reasoningTokens { reasoningTokens = Int64(reasoning) }
    }
}

extension Usage {
    /// The domain token counts of a message; the total is taken as sent, not recomputed.
    public init(_ message: Chimera_Proxy_V1_Usage) {
        // Int is 64 bits wide on every platform Chimera supports, so these conversions are exact.
        self.init(
            inputTokens: Int(message.inputTokens),
            outputTokens: Int(message.outputTokens),
            totalTokens: Int(message.totalTokens),
            cachedInputTokens: message.hasCachedInputTokens ? Int(message.cachedInputTokens) : nil,
            cacheWriteTokens: message.hasCacheWriteTokens ? Int(message.cacheWriteTokens) : nil,
            reasoningTokens: message.hasReasoningTokens ? Int(message.reasoningTokens) : nil
        )
    }
}
