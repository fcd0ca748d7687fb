import ChimeraCore
import Foundation

/// Reads an OpenAI-compatible stream: data-only events, each a `chat.completion.chunk`, and an
/// optional `data: [DONE]`.
///
/// `[DONE]` is optional because AIClient-2-API omits it after a chunk with a `finish_reason`; a
/// stream is complete once either arrived. Usage comes from any chunk that carries it (normally
/// the last, with `choices: []`). Only the first choice (`index` 0) is read.
struct LegacyOpenAIStreamDecoder: StreamDecoder {
    let provider: ProviderID
    private(set) var isComplete = false
    private var sawFinishReason = false

    init(provider: ProviderID) {
        self.provider = provider
    }

    mutating func decode(_ event: SSEEvent) throws(ChimeraError) -> [ChatStreamEvent] {
        let data = event.data.trimmingCharacters(in: .whitespacesAndNewlines)
        if isComplete || data.isEmpty { return [] }
        if data == "[DONE]" {
            isComplete = true
            return []
        }
        let bytes = Data(data.utf8)
        let chunk: LegacyOpenAIWire.Completion
        do {
            chunk = try LegacyWireJSON.decode(LegacyOpenAIWire.Completion.self, from: bytes)
        } catch {
            throw ChimeraError.malformed("stream event", detail: error.message, provider: provider, body: bytes)
        }
        if let error = chunk.error, let failure = UpstreamErrorReader.inBandError(error.jsonValue, raw: bytes, provider: provider, location: "in the stream") {
            throw failure
        }
        var events: [ChatStreamEvent] = []
        if let choice = chunk.choices?.first(where: { ($0.index ?? 0) == 0 }) {
            if let text = choice.delta?.content, !text.isEmpty {
                events.append(.delta(text))
            }
            if let reason = choice.finishReason {
                sawFinishReason = true
                events.append(.finish(LegacyOpenAICodec.finishReason(wire: reason)))
            }
        }
        if let usage = chunk.usage {
            events.append(.usage(LegacyOpenAICodec.usage(wire: usage)))
        }
        return events
    }

    mutating func finish() throws(ChimeraError) -> [ChatStreamEvent] {
        guard isComplete || sawFinishReason else {
            throw ChimeraError.truncatedStream(provider: provider, missing: "no [DONE] and no finish_reason arrived")
        }
        return []
    }
}
