import ChimeraCore
import Foundation

/// Reads Gemini's `alt=sse` stream: data-only events, each a whole `GenerateContentResponse`
/// carrying the next piece of text.
///
/// Gemini has no terminator; the end of the body ends the stream, so ``isComplete`` never turns
/// true and ``finish()`` judges completeness by whether a finish reason arrived. Only the first
/// finish reason is reported: AIClient-2-API appends a synthetic `{"candidates":[{"finishReason":
/// "STOP"}]}` after a real one. Usage is emitted whenever a chunk's `usageMetadata` differs from
/// the last one emitted, so the last ``ChatStreamEvent/usage(_:)`` of the stream is always the
/// last `usageMetadata` Gemini sent.
struct LegacyGeminiStreamDecoder: StreamDecoder {
    let provider: ProviderID
    private var sawFinishReason = false
    private var lastUsage: Usage?

    init(provider: ProviderID) {
        self.provider = provider
    }

    /// Always `false`: only the end of the body ends a Gemini stream.
    var isComplete: Bool { false }

    mutating func decode(_ event: SSEEvent) throws(ChimeraError) -> [ChatStreamEvent] {
        let data = event.data.trimmingCharacters(in: .whitespacesAndNewlines)
        if data.isEmpty { return [] }
        let bytes = Data(data.utf8)
        let chunk: LegacyGeminiWire.Response
        do {
            chunk = try LegacyWireJSON.decode(LegacyGeminiWire.Response.self, from: bytes)
        } catch {
            throw ChimeraError.malformed("stream event", detail: error.message, provider: provider, body: bytes)
        }
        if let error = chunk.error, let failure = UpstreamErrorReader.inBandError(error.jsonValue, raw: bytes, provider: provider, location: "in the stream") {
            throw failure
        }
        var events: [ChatStreamEvent] = []
        let text = LegacyGeminiCodec.text(of: chunk)
        if !text.isEmpty {
            events.append(.delta(text))
        }
        if !sawFinishReason, let reason = LegacyGeminiCodec.finishReason(of: chunk) {
            sawFinishReason = true
            events.append(.finish(reason))
        }
        if let metadata = chunk.usageMetadata {
            let usage = LegacyGeminiCodec.usage(wire: metadata)
            if usage != lastUsage {
                lastUsage = usage
                events.append(.usage(usage))
            }
        }
        return events
    }

    mutating func finish() throws(ChimeraError) -> [ChatStreamEvent] {
        guard sawFinishReason else {
            throw ChimeraError.truncatedStream(provider: provider, missing: "the body ended before any finishReason arrived")
        }
        return []
    }
}
