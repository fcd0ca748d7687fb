import ChimeraCore
import Foundation

/// Writes any domain stream as Gemini `alt=sse` events, each a `GenerateContentResponse` with
/// `modelVersion` and `responseId` (from a leading ``ChatStreamEvent/start(id:model:)``).
///
/// | event | chunk |
/// |---|---|
/// | text delta | a `{text}` part, as it comes |
/// | reasoning delta | a `{text, thought: true}` part, as it comes |
/// | reasoning signature right after reasoning | an empty thought part with the `thoughtSignature` |
/// | a signature alone (a Gemini text part's, decoded) | held and put on the next part, as Gemini sent it (an empty text part if none follows) |
/// | redacted reasoning | nothing: only Anthropic can read it |
/// | tool-call start, arguments, end | buffered until the end, then one `functionCall` part (`args` parsed, the signature as `thoughtSignature`, `id` unless Chimera made it up): Gemini has no argument fragments. Arguments that are not a JSON object end the stream with an in-band error, never with made-up arguments |
/// | finish, usage | held for the last chunk, written once both are known or the stream closes (`STOP` when the stream never said why it ended, as AIClient-2-API does, since a Gemini reader needs a finish reason to know the stream was whole) |
///
/// Errors are `data: {"error":{"code","message","status",…}}`, the body Gemini's errors have.
struct GeminiStreamEncoder: StreamEncoder {
    let provider: ProviderID
    private var id: String?
    private var model: String
    private var pendingSignature: String?
    private var afterReasoning = false
    private var calls: [Int: (start: ToolCallStart, arguments: String)] = [:]
    private var callOrder: [Int] = []
    private var finishReason: FinishReason?
    private var usage: Usage?
    private var wroteLast = false
    private var failed = false

    init(request: ChatRequest) {
        provider = request.provider
        model = request.model
    }

    var contentType: String { "text/event-stream" }

    mutating func encode(_ event: ChatStreamEvent) -> [UInt8] {
        guard !failed else { return [] }
        switch event {
        case .start(let id, let model):
            self.id = id
            self.model = model
            return []
        case .delta(let text):
            guard !text.isEmpty else { return [] }
            afterReasoning = false
            return chunk(parts: [part(["text": .string(text)])])
        case .reasoning(let text):
            guard !text.isEmpty else { return [] }
            afterReasoning = true
            return chunk(parts: [part(["text": .string(text), "thought": true])])
        case .reasoningSignature(let signature):
            if afterReasoning {
                afterReasoning = false
                return chunk(parts: [["text": "", "thought": true, "thoughtSignature": .string(signature)]])
            }
            let earlier = pendingSignature.map { chunk(parts: [Self.signaturePart($0)]) } ?? []
            pendingSignature = signature
            return earlier
        case .redactedReasoning:
            return []
        case .toolCallStart(let start):
            afterReasoning = false
            if calls[start.index] == nil { callOrder.append(start.index) }
            calls[start.index] = (start, "")
            return []
        case .toolCallArguments(let index, let fragment):
            calls[index]?.arguments += fragment
            return []
        case .toolCallEnd(let index):
            return writeCall(index)
        case .usage(let counts):
            usage = counts
            if wroteLast { return chunkEvent(["usageMetadata": GeminiResponseCodec.usageMetadata(counts)]) }
            return finishReason == nil ? [] : lastChunk()
        case .finish(let reason, _):
            guard !wroteLast else { return [] }
            finishReason = reason
            return usage == nil ? [] : lastChunk()
        }
    }

    mutating func finish() -> [UInt8] {
        guard !failed else { return [] }
        // Calls the stream never ended are written as they stand, in the order they began.
        var bytes: [UInt8] = []
        for index in callOrder where calls[index] != nil {
            bytes += writeCall(index)
            if failed { return bytes }
        }
        if !wroteLast { bytes += lastChunk() }
        return bytes
    }

    mutating func fail(_ error: ChimeraError) -> [UInt8] {
        guard !failed else { return [] }
        failed = true
        return sse(.object(GeminiErrorBody.body(error)))
    }

    private mutating func writeCall(_ index: Int) -> [UInt8] {
        guard let call = calls.removeValue(forKey: index) else { return [] }
        let name = call.start.name
        guard let arguments = GeminiWire.argumentsObject(call.arguments) else {
            return fail(ChimeraError(
                kind: .decoding,
                message: "tool call \(index) (\(name.prefix(64))): the streamed arguments are not a JSON object, so they cannot be a Gemini functionCall",
                provider: provider
            ))
        }
        let split = ToolCall.splitSignature(from: call.start.id)
        var functionCall: JSONObject = ["name": .string(name), "args": arguments]
        if !GeminiToolCallID.isSynthesized(split.id) { functionCall["id"] = .string(split.id) }
        var part: JSONObject = ["functionCall": .object(functionCall)]
        if let signature = call.start.signature ?? split.signature {
            let earlier = pendingSignature.map { chunk(parts: [Self.signaturePart($0)]) } ?? []
            pendingSignature = nil
            part["thoughtSignature"] = .string(signature)
            return earlier + chunk(parts: [part])
        }
        return chunk(parts: [self.part(part)])
    }

    /// `part` with the signature waiting for a part, if any.
    private mutating func part(_ part: JSONObject) -> JSONObject {
        guard let signature = pendingSignature else { return part }
        pendingSignature = nil
        var part = part
        part["thoughtSignature"] = .string(signature)
        return part
    }

    private static func signaturePart(_ signature: String) -> JSONObject {
        ["text": "", "thoughtSignature": .string(signature)]
    }

    private mutating func lastChunk() -> [UInt8] {
        wroteLast = true
        var parts: [JSONObject] = []
        if let signature = pendingSignature {
            parts.append(Self.signaturePart(signature))
            pendingSignature = nil
        } else {
            // Gemini's last chunk carries an empty text part; readers that index parts[0] rely on it.
            parts.append(["text": ""])
        }
        return chunk(parts: parts, finishReason: GeminiResponseCodec.wire(finishReason: finishReason ?? .stop), usage: usage)
    }

    private mutating func chunk(parts: [JSONObject], finishReason: String? = nil, usage: Usage? = nil) -> [UInt8] {
        var candidate: JSONObject = ["content": ["parts": .array(parts.map(JSONValue.object)), "role": "model"]]
        if let finishReason { candidate["finishReason"] = .string(finishReason) }
        candidate["index"] = 0
        var body: JSONObject = ["candidates": [.object(candidate)]]
        if let usage { body["usageMetadata"] = GeminiResponseCodec.usageMetadata(usage) }
        return chunkEvent(body)
    }

    private mutating func chunkEvent(_ body: JSONObject) -> [UInt8] {
        var body = body
        body["modelVersion"] = .string(model)
        body["responseId"] = .string(responseID())
        return sse(.object(body))
    }

    private func sse(_ value: JSONValue) -> [UInt8] {
        SSEEvent(data: value.serialized()).bytes
    }

    private mutating func responseID() -> String {
        if let id { return id }
        let made = "gemini-\(UUID().uuidString)"
        id = made
        return made
    }
}
