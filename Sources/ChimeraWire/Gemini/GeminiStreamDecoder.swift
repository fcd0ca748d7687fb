import ChimeraCore
import Foundation

/// Reads Gemini's `alt=sse` stream: data-only events, each a whole `GenerateContentResponse`
/// carrying the next pieces of the answer.
///
/// | chunk | events |
/// |---|---|
/// | the first | ``ChatStreamEvent/start(id:model:)`` from `responseId` and `modelVersion` (made up / the request's model when absent) |
/// | a text part | ``ChatStreamEvent/delta(_:)``, after a ``ChatStreamEvent/reasoningSignature(_:)`` when the part carries a `thoughtSignature` |
/// | a thought part | ``ChatStreamEvent/reasoning(_:)`` and its signature |
/// | a `functionCall` part | ``ChatStreamEvent/toolCallStart(_:)`` (index counted across the stream, id as in unary answers, signature), one ``ChatStreamEvent/toolCallArguments(index:fragment:)`` with the whole `args`, ``ChatStreamEvent/toolCallEnd(index:)`` |
/// | `finishReason` | ``ChatStreamEvent/finish(_:stopSequence:)`` (`STOP` after function calls → tool calls); only the first, since AIClient-2-API appends a synthetic `{"candidates":[{"finishReason":"STOP"}]}` after the real one |
/// | `usageMetadata` | ``ChatStreamEvent/usage(_:)`` whenever it changes, so the last one the stream carried wins |
/// | `{"error": …}` | thrown (AIClient-2-API reports upstream failures in a 200 stream) |
/// | `promptFeedback.blockReason`, no candidate | thrown, as in unary answers |
///
/// Only the first candidate is read (validation refuses several streamed choices). Parts that
/// stream events cannot carry (`inlineData` of image models, `executableCode`,
/// `codeExecutionResult`) are not turned into events; a same-family relay passes them as sent.
/// The stream has no terminator: ``finish()`` judges it complete when a finish reason arrived.
struct GeminiStreamDecoder: StreamDecoder {
    let provider: ProviderID
    let model: String
    private var reader = GeminiPartReader(idStyle: .answer)
    private var started = false
    private var sawFinish = false
    private var toolCalls = 0
    private var lastUsage: Usage?

    init(request: ChatRequest) {
        provider = request.provider
        model = request.model
    }

    /// Always `false`: only the end of the body ends a Gemini stream.
    var isComplete: Bool { false }

    mutating func decode(_ event: SSEEvent) throws(ChimeraError) -> [ChatStreamEvent] {
        let data = event.data.trimmingCharacters(in: .whitespacesAndNewlines)
        if data.isEmpty { return [] }
        let bytes = Array(data.utf8)
        let root = try GeminiWire.payload(bytes, what: "stream event", location: "in the stream", provider: provider)
        let chunk: GeminiResponseCodec.Answer
        do {
            chunk = try GeminiResponseCodec.Answer(root, reader: &reader, isChunk: true)
        } catch {
            throw error.malformed("stream event", provider: provider, body: bytes)
        }
        var events: [ChatStreamEvent] = []
        if !started {
            started = true
            events.append(.start(id: chunk.id ?? "gemini-\(UUID().uuidString)", model: chunk.model ?? model))
        }
        if chunk.candidates.isEmpty, let blocked = GeminiResponseCodec.blockedPrompt(root.value?["promptFeedback"], body: bytes, provider: provider) {
            throw blocked
        }
        if let candidate = chunk.candidates.first {
            for part in candidate.parts {
                events += self.events(for: part)
            }
            if !sawFinish, var reason = candidate.finishReason {
                sawFinish = true
                if reason == .stop, toolCalls > 0 { reason = .toolCalls }
                events.append(.finish(reason))
            }
        }
        if let usage = chunk.usage, usage != lastUsage {
            lastUsage = usage
            events.append(.usage(usage))
        }
        return events
    }

    private mutating func events(for part: ContentPart) -> [ChatStreamEvent] {
        switch part {
        case .text(let text):
            return text.text.isEmpty ? [] : [.delta(text.text)]
        case .reasoning(let reasoning):
            var events: [ChatStreamEvent] = reasoning.text.isEmpty ? [] : [.reasoning(reasoning.text)]
            if let signature = reasoning.signature { events.append(.reasoningSignature(signature)) }
            return events
        case .toolCall(let call):
            let index = toolCalls
            toolCalls += 1
            return [
                .toolCallStart(ToolCallStart(index: index, id: call.id, name: call.name, signature: call.signature)),
                .toolCallArguments(index: index, fragment: call.arguments),
                .toolCallEnd(index: index),
            ]
        case .image, .document, .toolResult, .opaque:
            return []
        }
    }

    mutating func finish() throws(ChimeraError) -> [ChatStreamEvent] {
        guard sawFinish else {
            throw ChimeraError.truncatedStream(provider: provider, missing: "the body ended before any finishReason arrived")
        }
        return []
    }
}
