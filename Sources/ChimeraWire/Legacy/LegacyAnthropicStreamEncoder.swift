import ChimeraCore

/// Writes a domain stream as Anthropic's typed events, each with `event: <type>` and a `data:`
/// whose `type` repeats it.
///
/// One text block (index 0) carries every delta. Anthropic reports the stop reason and usage
/// together in `message_delta` just before `message_stop`, so the finish reason and the last
/// usage are held until ``finish()``. The real input count goes in `message_delta.usage`
/// (`message_start` is sent before it is known, with 0).
struct LegacyAnthropicStreamEncoder: LegacyStreamEncoder {
    let id: String
    let model: String
    private var finishReason: FinishReason?
    private var usage: Usage?

    init(id: String, model: String) {
        self.id = id
        self.model = model
    }

    mutating func start() -> [SSEEvent] {
        [
            event(LegacyAnthropicWire.Event(
                type: "message_start",
                message: .init(id: id, model: model, content: [], stopReason: nil, usage: .init(inputTokens: 0, outputTokens: 0))
            )),
            event(LegacyAnthropicWire.Event(type: "content_block_start", index: 0, contentBlock: .init(type: "text", text: ""))),
        ]
    }

    mutating func encode(_ event: ChatStreamEvent) -> [SSEEvent] {
        switch event {
        case .delta(let text):
            guard !text.isEmpty else { return [] }
            return [self.event(LegacyAnthropicWire.Event(type: "content_block_delta", index: 0, delta: .init(type: "text_delta", text: text)))]
        case .finish(let reason, _):
            finishReason = reason
            return []
        case .usage(let counts):
            usage = counts
            return []
        default:
            return []
        }
    }

    mutating func finish() -> [SSEEvent] {
        [
            event(LegacyAnthropicWire.Event(type: "content_block_stop", index: 0)),
            event(LegacyAnthropicWire.Event(
                type: "message_delta",
                delta: .init(stopReason: finishReason.map(LegacyAnthropicCodec.wire(finishReason:))),
                usage: .init(inputTokens: usage?.inputTokens, outputTokens: usage?.outputTokens ?? 0)
            )),
            event(LegacyAnthropicWire.Event(type: "message_stop")),
        ]
    }

    func encodeError(_ error: ChimeraError) -> SSEEvent {
        SSEEvent(event: "error", data: LegacyWireJSON.encodeString(LegacyAnthropicCodec.errorBody(error)))
    }

    private func event(_ payload: LegacyAnthropicWire.Event) -> SSEEvent {
        SSEEvent(event: payload.type, data: LegacyWireJSON.encodeString(payload))
    }
}
