import ChimeraCore

/// Writes a domain stream as OpenAI `chat.completion.chunk` events.
///
/// The first chunk announces the assistant role, each delta and finish reason gets its own
/// chunk, usage gets a chunk with `choices: []` (what `stream_options.include_usage` produces),
/// and the stream ends with `data: [DONE]`. Empty deltas are not sent.
struct LegacyOpenAIStreamEncoder: LegacyStreamEncoder {
    let id: String
    let model: String
    let created: Int

    mutating func start() -> [SSEEvent] {
        [chunk(choices: [.init(index: 0, delta: .init(role: "assistant", content: ""), finishReason: nil)])]
    }

    mutating func encode(_ event: ChatStreamEvent) -> [SSEEvent] {
        switch event {
        case .delta(let text):
            guard !text.isEmpty else { return [] }
            return [chunk(choices: [.init(index: 0, delta: .init(content: text), finishReason: nil)])]
        case .finish(let reason, _):
            return [chunk(choices: [.init(index: 0, delta: .init(), finishReason: LegacyOpenAICodec.wire(finishReason: reason))])]
        case .usage(let usage):
            return [chunk(choices: [], usage: LegacyOpenAICodec.wire(usage: usage))]
        default:
            return []
        }
    }

    mutating func finish() -> [SSEEvent] {
        [SSEEvent(data: "[DONE]")]
    }

    func encodeError(_ error: ChimeraError) -> SSEEvent {
        SSEEvent(data: LegacyWireJSON.encodeString(LegacyOpenAICodec.errorBody(error)))
    }

    private func chunk(choices: [LegacyOpenAIWire.Choice], usage: LegacyOpenAIWire.Usage? = nil) -> SSEEvent {
        SSEEvent(data: LegacyWireJSON.encodeString(LegacyOpenAIWire.Completion(
            id: id,
            object: "chat.completion.chunk",
            created: created,
            model: model,
            choices: choices,
            usage: usage
        )))
    }
}
