import ChimeraCore

/// Writes a domain stream as Gemini `alt=sse` events, each a `GenerateContentResponse`.
///
/// Each delta is a chunk with one `model` part. Gemini reports the finish reason and usage on
/// its last chunk, so both are held until ``finish()``, which writes that chunk. Since the end
/// of the body is Gemini's only terminator and a reader needs a finish reason to know the stream
/// was whole, a stream that never had a finish event ends with `STOP`, as AIClient-2-API does.
struct LegacyGeminiStreamEncoder: LegacyStreamEncoder {
    let id: String
    let model: String
    private var finishReason: FinishReason?
    private var usage: Usage?

    init(id: String, model: String) {
        self.id = id
        self.model = model
    }

    mutating func start() -> [SSEEvent] {
        []
    }

    mutating func encode(_ event: ChatStreamEvent) -> [SSEEvent] {
        switch event {
        case .delta(let text):
            guard !text.isEmpty else { return [] }
            return [chunk(.init(content: .init(role: "model", parts: [.init(text: text)]), index: 0))]
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
        [chunk(
            .init(finishReason: LegacyGeminiCodec.wire(finishReason: finishReason ?? .stop), index: 0),
            usage: usage.map(LegacyGeminiCodec.wire(usage:))
        )]
    }

    func encodeError(_ error: ChimeraError) -> SSEEvent {
        SSEEvent(data: LegacyWireJSON.encodeString(LegacyGeminiCodec.errorBody(error)))
    }

    private func chunk(_ candidate: LegacyGeminiWire.Candidate, usage: LegacyGeminiWire.UsageMetadata? = nil) -> SSEEvent {
        SSEEvent(data: LegacyWireJSON.encodeString(LegacyGeminiWire.Response(
            candidates: [candidate],
            usageMetadata: usage,
            modelVersion: model,
            responseId: id
        )))
    }
}
