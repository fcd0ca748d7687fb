import ChimeraCore
import Foundation

/// Writes any domain event sequence as OpenAI `chat.completion.chunk` events.
///
/// 1. A role chunk (`delta: {role: assistant, content: ""}`) before the first other bytes, with
///    the id and model of a leading ``ChatStreamEvent/start(id:model:)`` (else the request's model
///    and a made id).
/// 2. One chunk per piece: `delta.content`, `delta.reasoning_content`, and `delta.tool_calls` —
///    a call's first chunk carries `index`, `id` (carrying a Gemini signature, see
///    ``ToolCall/idCarryingSignature``), `type`, `name` and `arguments: ""`, later chunks the
///    argument fragments. Indexes are numbered from 0 in the order calls start, whatever the
///    upstream family numbered them.
/// 3. Reasoning signatures and redacted reasoning as `delta.thinking_blocks`, the field
///    OpenAI-format clients of Anthropic collect (LiteLLM's convention): when a signature arrives,
///    one entry `{type: thinking, thinking: <the whole block's text>, signature}` — a complete,
///    replayable block, so a client that appends the entries of every chunk gets exactly the
///    blocks to send back (the text was streamed already as `reasoning_content`; it is repeated
///    once, in the signed block); redacted reasoning as `{type: redacted_thinking, data}`.
/// 4. A finish chunk (`delta: {}`, `finish_reason`; `tool_calls` when calls were streamed and the
///    upstream said only that it stopped), written when the finish arrives, or at the end when
///    the upstream never said.
/// 5. The usage chunk (`choices: []`) **only when the inbound request's
///    `stream_options.include_usage` was true** — the openai SDK's usual `chunk.choices[0]` loop
///    crashes on it otherwise; then every other chunk carries `"usage": null`, as OpenAI's do.
/// 6. `data: [DONE]`.
///
/// Errors after the stream began are `data: {"error":{message,type,param,code}}`.
struct OpenAIChatStreamEncoder: StreamEncoder {
    var contentType: String { "text/event-stream" }

    private var id: String
    private var model: String
    private let created = OpenAIChatWire.now()
    private let includeUsage: Bool
    private var started = false
    private var finished = false
    private var usage: Usage?
    /// The wire index of each call, by its domain index.
    private var callIndexes: [Int: Int] = [:]
    private var reasoningSinceSignature = ""

    init(request: ChatRequest) {
        id = "chatcmpl-\(UUID().uuidString)"
        model = request.model
        includeUsage = request.extensions[.openAIChat]?["stream_options"]?["include_usage"] == true
    }

    mutating func encode(_ event: ChatStreamEvent) -> [UInt8] {
        if case .start(let id, let model) = event {
            if !started {
                if !id.isEmpty { self.id = id }
                if !model.isEmpty { self.model = model }
            }
            return []
        }
        var output = opening()
        switch event {
        case .start:
            break
        case .delta(let text):
            if !text.isEmpty { append(delta: ["content": .string(text)], to: &output) }
        case .reasoning(let text):
            guard !text.isEmpty else { break }
            reasoningSinceSignature += text
            append(delta: ["reasoning_content": .string(text)], to: &output)
        case .reasoningSignature(let signature):
            let block = Reasoning(text: reasoningSinceSignature, signature: signature)
            reasoningSinceSignature = ""
            append(delta: ["thinking_blocks": [OpenAIChatPartWriter.thinkingBlock(block)]], to: &output)
        case .redactedReasoning(let data):
            append(delta: ["thinking_blocks": [OpenAIChatPartWriter.thinkingBlock(Reasoning(text: "", redactedData: data))]], to: &output)
        case .toolCallStart(let start):
            guard callIndexes[start.index] == nil else { break }
            let index = callIndexes.count
            callIndexes[start.index] = index
            let call = ToolCall(id: start.id, name: start.name, arguments: "", signature: start.signature)
            append(delta: ["tool_calls": [[
                "index": .int(index), "id": .string(call.idCarryingSignature), "type": "function",
                "function": ["name": .string(call.name), "arguments": ""],
            ]]], to: &output)
        case .toolCallArguments(let index, let fragment):
            guard let wireIndex = callIndexes[index], !fragment.isEmpty else { break }
            append(delta: ["tool_calls": [["index": .int(wireIndex), "function": ["arguments": .string(fragment)]]]], to: &output)
        case .toolCallEnd:
            break
        case .usage(let counts):
            usage = counts
        case .finish(let reason, _):
            guard !finished else { break }
            finished = true
            appendFinish(OpenAIChatWire.wire(finishReason: reason, hasToolCalls: !callIndexes.isEmpty), to: &output)
        }
        return output
    }

    mutating func finish() -> [UInt8] {
        var output = opening()
        if !finished {
            finished = true
            appendFinish(callIndexes.isEmpty ? "stop" : "tool_calls", to: &output)
        }
        if includeUsage, let usage {
            append(chunk: chunk(choices: [], usage: OpenAIChatWire.usage(usage, extras: nil)), to: &output)
        }
        output += Array("data: [DONE]\n\n".utf8)
        return output
    }

    mutating func fail(_ error: ChimeraError) -> [UInt8] {
        var output: [UInt8] = []
        append(chunk: OpenAIChatWire.errorBody(error), to: &output)
        return output
    }

    // MARK: Chunks

    /// The role chunk, once, before anything else.
    private mutating func opening() -> [UInt8] {
        guard !started else { return [] }
        started = true
        var output: [UInt8] = []
        append(delta: ["role": "assistant", "content": ""], to: &output)
        return output
    }

    private func appendFinish(_ reason: String, to output: inout [UInt8]) {
        append(chunk: chunk(choices: [["index": 0, "delta": [:], "logprobs": nil, "finish_reason": .string(reason)]]), to: &output)
    }

    private func append(delta: JSONObject, to output: inout [UInt8]) {
        append(chunk: chunk(choices: [["index": 0, "delta": .object(delta), "logprobs": nil, "finish_reason": nil]]), to: &output)
    }

    private func chunk(choices: [JSONValue], usage: JSONValue = nil) -> JSONValue {
        var chunk: JSONObject = [
            "id": .string(id),
            "object": "chat.completion.chunk",
            "created": .int(created),
            "model": .string(model),
            "choices": .array(choices),
        ]
        if includeUsage { chunk["usage"] = usage }
        return .object(chunk)
    }

    /// `data: <json>` and the blank line; compact JSON has no line breaks, so one data line.
    private func append(chunk: JSONValue, to output: inout [UInt8]) {
        output += Array("data: ".utf8)
        chunk.write(to: &output)
        output += Array("\n\n".utf8)
    }
}
