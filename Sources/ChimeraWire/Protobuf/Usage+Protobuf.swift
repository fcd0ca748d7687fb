import ChimeraCore

extension Chimera_Proxy_V1_Usage {
    /// The message for domain token counts.
    public init(_ usage: Usage) {
        self.init()
        inputTokens = Int64(usage.inputTokens)
        outputTokens = Int64(usage.outputTokens)
        totalTokens = Int64(usage.totalTokens)
    }
}

extension Usage {
    /// The domain token counts of a message; the total is taken as sent, not recomputed.
    public init(_ message: Chimera_Proxy_V1_Usage) {
        // Int is 64 bits wide on every platform Chimera supports, so these conversions are exact.
        self.init(
            inputTokens: Int(message.inputTokens),
            outputTokens: Int(message.outputTokens),
            totalTokens: Int(message.totalTokens)
        )
    }
}
