import ChimeraCore
import Foundation

/// Reads Anthropic's typed stream events.
///
/// Dispatch is on the JSON `type`, since some proxies leave out the `event:` line. Text comes
/// from `text_delta`s (thinking, signature and tool-input deltas are not answer text). The input
/// tokens of `message_start` are kept and combined with each `message_delta`'s cumulative output
/// count into a ``ChatStreamEvent/usage(_:)``. `message_stop` completes the stream and anything
/// after it (AIClient-2-API may append its own `message_stop`) is ignored; a stream that ended
/// after a `stop_reason` but without `message_stop` is complete too. `ping` and unknown event
/// types are ignored; an `error` event is thrown as the error it stands for.
struct LegacyAnthropicStreamDecoder: StreamDecoder {
    let provider: ProviderID
    private(set) var isComplete = false
    private var sawStopReason = false
    private var input = LegacyAnthropicWire.Usage()

    init(provider: ProviderID) {
        self.provider = provider
    }

    mutating func decode(_ event: SSEEvent) throws(ChimeraError) -> [ChatStreamEvent] {
        let data = event.data.trimmingCharacters(in: .whitespacesAndNewlines)
        if isComplete || data.isEmpty { return [] }
        let bytes = Data(data.utf8)
        let payload: LegacyAnthropicWire.Event
        do {
            payload = try LegacyWireJSON.decode(LegacyAnthropicWire.Event.self, from: bytes)
        } catch {
            throw ChimeraError.malformed("stream event", detail: error.message, provider: provider, body: bytes)
        }
        let type = payload.type ?? event.event
        if type == "error" || payload.error.map({ $0 != .null }) == true {
            let error = payload.error ?? .object([:])
            if let failure = UpstreamErrorReader.inBandError(error.jsonValue, raw: bytes, provider: provider, location: "in the stream") {
                throw failure
            }
        }
        switch type {
        case "message_start":
            if let usage = payload.message?.usage { input = usage }
            return []
        case "content_block_start":
            return textEvents(payload.contentBlock?.type == "text" ? payload.contentBlock?.text : nil)
        case "content_block_delta":
            return textEvents(payload.delta?.type == "text_delta" ? payload.delta?.text : nil)
        case "message_delta":
            return messageDelta(payload)
        case "message_stop":
            isComplete = true
            return []
        default:
            return []
        }
    }

    mutating func finish() throws(ChimeraError) -> [ChatStreamEvent] {
        guard isComplete || sawStopReason else {
            throw ChimeraError.truncatedStream(provider: provider, missing: "no message_stop and no stop_reason arrived")
        }
        return []
    }

    private func textEvents(_ text: String?) -> [ChatStreamEvent] {
        guard let text, !text.isEmpty else { return [] }
        return [.delta(text)]
    }

    private mutating func messageDelta(_ payload: LegacyAnthropicWire.Event) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        if let reason = payload.delta?.stopReason {
            sawStopReason = true
            events.append(.finish(LegacyAnthropicCodec.finishReason(wire: reason)))
        }
        if let usage = payload.usage {
            // Newer servers repeat the (cumulative) input counts here; they replace the start's.
            input.inputTokens = usage.inputTokens ?? input.inputTokens
            input.cacheCreationInputTokens = usage.cacheCreationInputTokens ?? input.cacheCreationInputTokens
            input.cacheReadInputTokens = usage.cacheReadInputTokens ?? input.cacheReadInputTokens
            events.append(.usage(LegacyAnthropicCodec.usage(input: input, output: usage.outputTokens)))
        }
        return events
    }
}
