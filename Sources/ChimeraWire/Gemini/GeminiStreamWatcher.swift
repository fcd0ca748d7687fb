import ChimeraCore

/// Watches a Gemini stream relayed as sent: the finish reason, the last `usageMetadata`, in-band
/// `{"error": …}` payloads and truncation (no finish reason before the body ended).
///
/// Gemini repeats `usageMetadata` on every chunk, so parsing for it would parse every text
/// chunk. Only chunks whose bytes name a `finishReason`, a `blockReason` or an `error` member
/// are parsed, and after the finish any chunk with usage: the last chunk carries the final
/// counts with the finish reason. A `functionCall` member is only noted, so that `STOP` reads as
/// tool calls. Names are matched with their quotes, which text inside a JSON string cannot
/// produce unescaped.
struct GeminiStreamWatcher: StreamWatcher {
    let provider: ProviderID
    private(set) var usage: Usage?
    private(set) var finishReason: FinishReason?
    private var sawToolCall = false

    init(provider: ProviderID) {
        self.provider = provider
    }

    /// Always `false`: only the end of the body ends a Gemini stream.
    var isComplete: Bool { false }

    mutating func observe(_ event: SSEEvent) -> ChimeraError? {
        let data = event.data
        if !sawToolCall, data.contains("\"functionCall\"") { sawToolCall = true }
        guard data.contains("\"finishReason\"") || data.contains("\"error\"") || data.contains("\"blockReason\"")
            || (finishReason != nil && data.contains("\"usageMetadata\""))
        else { return nil }
        let bytes = Array(data.utf8)
        let root: JSONValue
        do {
            root = try JSONValue(parsing: bytes)
        } catch {
            // Not the watcher's to judge: the caller gets the bytes as they are.
            return nil
        }
        if let error = root["error"], let failure = UpstreamErrorReader.inBandError(error, raw: bytes, provider: provider, location: "in the stream") {
            return failure
        }
        if finishReason == nil {
            if let reason = root["candidates"]?.array?.first?["finishReason"]?.string {
                finishReason = GeminiResponseCodec.finishReason(wire: reason, hasToolCalls: sawToolCall)
            } else if root["promptFeedback"]?["blockReason"]?.string != nil {
                // A blocked prompt ends the stream as a whole answer: the caller reads the block.
                finishReason = .contentFilter
            }
        }
        if let metadata = root["usageMetadata"], metadata.object != nil {
            do {
                usage = try GeminiResponseCodec.usage(JSONField(root: metadata)).0
            } catch {
                // Counts of the wrong type: keep the last good ones rather than fail a relayed stream.
            }
        }
        return nil
    }

    mutating func finish() -> ChimeraError? {
        guard finishReason == nil else { return nil }
        return ChimeraError.truncatedStream(provider: provider, missing: "the body ended before any finishReason arrived")
    }
}
