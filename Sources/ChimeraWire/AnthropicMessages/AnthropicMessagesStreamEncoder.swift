import ChimeraCore
import Foundation

/// Writes any domain event sequence as Anthropic's typed events, each as `event: <type>` with a
/// `data:` whose `type` repeats it, in the order Anthropic's SDK accumulates:
///
/// `message_start` (with a leading ``ChatStreamEvent/start(id:model:)``'s id and model) → per
/// block `content_block_start`, deltas, `content_block_stop` (blocks numbered in the order they
/// start, one open at a time) → `message_delta` (stop reason, stop sequence, usage) →
/// `message_stop`.
///
/// - A run of text deltas is one `text` block; a run of reasoning deltas one `thinking` block,
///   ended by its `signature_delta`; redacted reasoning one `redacted_thinking` block.
/// - Each tool call is one `tool_use` block: `content_block_start` with `input: {}` (the id
///   with any signature folded in), an `input_json_delta` per argument piece as it comes, and
///   `content_block_stop` at the call's end. Calls of other families may interleave (OpenAI's
///   parallel calls); blocks cannot, so what arrives for other blocks while a call is open is
///   held until that call ends — the only buffering the format forces.
/// - The stop reason and usage are held for `message_delta`; the stop reason is `tool_use`
///   whenever tool calls were streamed and the stream ended naturally (an OpenAI-compatible
///   upstream may say `stop`), and the usage carries the input counts, since `message_start`
///   goes out before they are known.
struct AnthropicMessagesStreamEncoder: StreamEncoder {
    let contentType = "text/event-stream"

    private enum Kind: Equatable {
        case text
        case thinking
        case tool(call: Int)
    }

    /// A block waiting for the open tool call to end.
    private enum Pending {
        case text(String)
        case thinking(String, signature: String?)
        case redacted(String)
        case tool(ToolCallStart, arguments: String, ended: Bool)
    }

    private let model: String
    private var started = false
    private var ended = false
    private var nextBlock = 0
    private var open: (kind: Kind, index: Int)?
    private var pending: [Pending] = []
    private var finishReason: FinishReason?
    private var stopSequence: String?
    private var usage: Usage?
    private var sawToolCalls = false

    init(request: ChatRequest) {
        model = request.model
    }

    mutating func encode(_ event: ChatStreamEvent) -> [UInt8] {
        guard !ended else { return [] }
        var output: [UInt8] = []
        if case .start(let id, let model) = event {
            if !started { writeStart(id: id, model: model, to: &output) }
            return output
        }
        switch event {
        case .usage(let counts):
            usage = counts
            return []
        case .finish(let reason, let stop):
            finishReason = reason
            stopSequence = stop
            return []
        default:
            break
        }
        if !started { writeStart(id: "msg_\(UUID().uuidString)", model: model, to: &output) }
        if case .tool(let call)? = open?.kind {
            hold(event, whileCallIsOpen: call, to: &output)
        } else {
            write(event, to: &output)
        }
        return output
    }

    mutating func finish() -> [UInt8] {
        guard !ended else { return [] }
        var output: [UInt8] = []
        if !started { writeStart(id: "msg_\(UUID().uuidString)", model: model, to: &output) }
        close(to: &output)
        drain(to: &output, all: true)
        let stopReason = AnthropicMessagesWire.stopReason(finishReason, madeToolCalls: sawToolCalls)
        emit("message_delta", [
            "delta": ["stop_reason": .string(stopReason), "stop_sequence": .nullable(stopSequence)],
            "usage": AnthropicMessagesUsage.json(usage),
        ], to: &output)
        emit("message_stop", [:], to: &output)
        ended = true
        return output
    }

    mutating func fail(_ error: ChimeraError) -> [UInt8] {
        guard !ended else { return [] }
        ended = true
        return SSEEvent(event: "error", data: AnthropicMessagesWire.errorBody(error).serialized()).bytes
    }

    // MARK: Blocks

    /// Writes an event while no tool call is open.
    private mutating func write(_ event: ChatStreamEvent, to output: inout [UInt8]) {
        switch event {
        case .delta(let text):
            guard !text.isEmpty else { return }
            if open?.kind != .text { begin(.text, ["type": "text", "text": ""], to: &output) }
            delta(["type": "text_delta", "text": .string(text)], to: &output)
        case .reasoning(let text):
            guard !text.isEmpty else { return }
            if open?.kind != .thinking { begin(.thinking, ["type": "thinking", "thinking": "", "signature": ""], to: &output) }
            delta(["type": "thinking_delta", "thinking": .string(text)], to: &output)
        case .reasoningSignature(let signature):
            if open?.kind != .thinking { begin(.thinking, ["type": "thinking", "thinking": "", "signature": ""], to: &output) }
            delta(["type": "signature_delta", "signature": .string(signature)], to: &output)
            close(to: &output)
        case .redactedReasoning(let data):
            begin(nil, ["type": "redacted_thinking", "data": .string(data)], to: &output)
        case .toolCallStart(let start):
            sawToolCalls = true
            let id = ToolCall(id: start.id, name: start.name, arguments: "", signature: start.signature).idCarryingSignature
            begin(.tool(call: start.index), ["type": "tool_use", "id": .string(id), "name": .string(start.name), "input": [:]], to: &output)
        case .start, .toolCallArguments, .toolCallEnd, .usage, .finish:
            // Arguments or an end for a call that is not open (never started, or already
            // ended) have no block to go to.
            break
        }
    }

    /// Routes an event while tool call `call` is open: its own pieces go out, the rest waits.
    private mutating func hold(_ event: ChatStreamEvent, whileCallIsOpen call: Int, to output: inout [UInt8]) {
        switch event {
        case .toolCallArguments(call, let fragment):
            if !fragment.isEmpty { delta(["type": "input_json_delta", "partial_json": .string(fragment)], to: &output) }
        case .toolCallEnd(call):
            close(to: &output)
            drain(to: &output, all: false)
        case .toolCallArguments(let other, let fragment):
            guard let position = pendingTool(other), case .tool(let start, let arguments, let ended) = pending[position] else { return }
            pending[position] = .tool(start, arguments: arguments + fragment, ended: ended)
        case .toolCallEnd(let other):
            guard let position = pendingTool(other), case .tool(let start, let arguments, _) = pending[position] else { return }
            pending[position] = .tool(start, arguments: arguments, ended: true)
        case .toolCallStart(let start):
            sawToolCalls = true
            pending.append(.tool(start, arguments: "", ended: false))
        case .delta(let text):
            if case .text(let held)? = pending.last { pending[pending.count - 1] = .text(held + text) } else { pending.append(.text(text)) }
        case .reasoning(let text):
            if case .thinking(let held, nil)? = pending.last {
                pending[pending.count - 1] = .thinking(held + text, signature: nil)
            } else {
                pending.append(.thinking(text, signature: nil))
            }
        case .reasoningSignature(let signature):
            if case .thinking(let held, nil)? = pending.last {
                pending[pending.count - 1] = .thinking(held, signature: signature)
            } else {
                pending.append(.thinking("", signature: signature))
            }
        case .redactedReasoning(let data):
            pending.append(.redacted(data))
        case .start, .usage, .finish:
            break
        }
    }

    private func pendingTool(_ call: Int) -> Int? {
        pending.firstIndex { if case .tool(let start, _, _) = $0 { start.index == call } else { false } }
    }

    /// Writes the held blocks in order until one is a call still streaming (which becomes the
    /// open block); with `all`, every held block is written and closed (the stream is ending).
    private mutating func drain(to output: inout [UInt8], all: Bool) {
        while !pending.isEmpty {
            let block = pending.removeFirst()
            let isLast = pending.isEmpty
            switch block {
            case .text(let text):
                write(.delta(text), to: &output)
            case .thinking(let text, let signature):
                write(.reasoning(text), to: &output)
                if let signature { write(.reasoningSignature(signature), to: &output) }
            case .redacted(let data):
                write(.redactedReasoning(data), to: &output)
            case .tool(let start, let arguments, let ended):
                write(.toolCallStart(start), to: &output)
                if !arguments.isEmpty { delta(["type": "input_json_delta", "partial_json": .string(arguments)], to: &output) }
                if !ended && !all { return }
            }
            if !isLast || all { close(to: &output) }
        }
    }

    /// Closes the open block, if any, and starts one (`kind` `nil`: a block that is whole at its
    /// start, closed at once).
    private mutating func begin(_ kind: Kind?, _ block: JSONObject, to output: inout [UInt8]) {
        close(to: &output)
        let index = nextBlock
        nextBlock += 1
        emit("content_block_start", ["index": .int(index), "content_block": .object(block)], to: &output)
        if let kind {
            open = (kind, index)
        } else {
            emit("content_block_stop", ["index": .int(index)], to: &output)
        }
    }

    private mutating func delta(_ delta: JSONObject, to output: inout [UInt8]) {
        guard let open else { return }
        emit("content_block_delta", ["index": .int(open.index), "delta": .object(delta)], to: &output)
    }

    private mutating func close(to output: inout [UInt8]) {
        guard let block = open else { return }
        open = nil
        emit("content_block_stop", ["index": .int(block.index)], to: &output)
    }

    private mutating func writeStart(id: String, model: String, to output: inout [UInt8]) {
        started = true
        emit("message_start", [
            "message": [
                "id": .string(id), "type": "message", "role": "assistant", "model": .string(model), "content": [],
                "stop_reason": nil, "stop_sequence": nil, "usage": ["input_tokens": 0, "output_tokens": 0],
            ],
        ], to: &output)
    }

    /// Appends one event: `event: <type>` and the payload with `type` first.
    private func emit(_ type: String, _ payload: JSONObject, to output: inout [UInt8]) {
        var object: JSONObject = ["type": .string(type)]
        for member in payload { object[member.key] = member.value }
        output += SSEEvent(event: type, data: JSONValue.object(object).serialized()).bytes
    }
}
