import ChimeraCore

/// Writes any domain event sequence as the Responses API's typed events, each `event: <type>`
/// with the type repeated in its data and a `sequence_number` counted from 0.
///
/// 1. `response.created` and `response.in_progress` (the response object, `in_progress`, no
///    output) before the first other bytes, with the id and model of a leading
///    ``ChatStreamEvent/start(id:model:)`` (else the request's model and a made id).
/// 2. Text: `response.output_item.added` (a `message`), `response.content_part.added`, one
///    `response.output_text.delta` per piece; closed by `response.output_text.done`,
///    `response.content_part.done` and `response.output_item.done` when another item begins or
///    the stream ends.
/// 3. Reasoning: a `reasoning` item with `response.reasoning_summary_part.added` and
///    `response.reasoning_summary_text.delta`s, closed (`…text.done`, `…part.done`,
///    `response.output_item.done` carrying the signature as `encrypted_content`) by its signature
///    or by the next item; redacted reasoning as a whole item with only `encrypted_content`.
/// 4. Calls: `response.output_item.added` (a `function_call`), `response.function_call_arguments.delta`
///    per fragment, then `.done` and `response.output_item.done` at the call's end. Calls that
///    interleave keep their own output index.
/// 5. `response.completed`, or `response.incomplete` for an answer cut by the token limit or a
///    filter, with the whole output and the usage.
///
/// Errors after the stream began are an `error` event (`code`, `message`, `param`) followed by
/// `response.failed`, whose response carries the same error.
struct OpenAIResponsesStreamEncoder: StreamEncoder {
    var contentType: String { "text/event-stream" }

    private enum OpenItem {
        case message(index: Int, id: String, text: String)
        case reasoning(index: Int, id: String, text: String)
    }

    private struct OpenCall {
        var index: Int
        var id: String
        var call: ToolCall
    }

    private let request: ChatRequest
    private var id: String
    private var model: String
    private let createdAt = OpenAIResponsesWire.now()
    private var sequence = 0
    private var started = false
    /// The finished items, by output index; `nil` while an item is open.
    private var items: [JSONValue?] = []
    private var open: OpenItem?
    private var calls: [Int: OpenCall] = [:]
    private var usage: Usage?
    private var finishReason: FinishReason?

    init(request: ChatRequest) {
        self.request = request
        id = "resp_\(UInt64.random(in: 1...UInt64.max))"
        model = request.model
    }

    private var ids: OpenAIResponsesWire.ItemIDs { .init(responseID: id) }

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
            if case .message(let index, let itemID, let sofar)? = open {
                open = .message(index: index, id: itemID, text: sofar + text)
                output += self.event("response.output_text.delta", base(itemID, index) + [("content_index", 0), ("delta", .string(text)), ("logprobs", [])])
            } else {
                output += closeOpen()
                let index = reserve()
                let itemID = ids.id("msg", index)
                open = .message(index: index, id: itemID, text: text)
                output += self.event("response.output_item.added", [("output_index", .int(index)), ("item", ["id": .string(itemID), "type": "message", "status": "in_progress", "role": "assistant", "content": []])])
                output += self.event("response.content_part.added", base(itemID, index) + [("content_index", 0), ("part", OpenAIResponsesWire.outputText(""))])
                output += self.event("response.output_text.delta", base(itemID, index) + [("content_index", 0), ("delta", .string(text)), ("logprobs", [])])
            }
        case .reasoning(let text):
            if case .reasoning(let index, let itemID, let sofar)? = open {
                open = .reasoning(index: index, id: itemID, text: sofar + text)
                output += self.event("response.reasoning_summary_text.delta", base(itemID, index) + [("summary_index", 0), ("delta", .string(text))])
            } else {
                output += closeOpen()
                let index = reserve()
                let itemID = ids.id("rs", index)
                open = .reasoning(index: index, id: itemID, text: text)
                output += self.event("response.output_item.added", [("output_index", .int(index)), ("item", ["id": .string(itemID), "type": "reasoning", "summary": []])])
                output += self.event("response.reasoning_summary_part.added", base(itemID, index) + [("summary_index", 0), ("part", ["type": "summary_text", "text": ""])])
                output += self.event("response.reasoning_summary_text.delta", base(itemID, index) + [("summary_index", 0), ("delta", .string(text))])
            }
        case .reasoningSignature(let signature):
            if case .reasoning? = open {
                output += closeOpen(signature: signature)
            } else {
                output += closeOpen()
                output += wholeReasoning(Reasoning(text: "", signature: signature))
            }
        case .redactedReasoning(let data):
            output += closeOpen()
            output += wholeReasoning(Reasoning(text: "", redactedData: data))
        case .toolCallStart(let start):
            output += closeOpen()
            let index = reserve()
            let call = OpenCall(index: index, id: ids.id("fc", index), call: ToolCall(id: start.id, name: start.name, arguments: "", signature: start.signature))
            calls[start.index] = call
            output += self.event("response.output_item.added", [("output_index", .int(index)), ("item", OpenAIResponsesWire.functionCallItem(id: call.id, call: call.call, status: "in_progress"))])
        case .toolCallArguments(let callIndex, let fragment):
            guard var call = calls[callIndex] else { break }
            call.call.arguments += fragment
            calls[callIndex] = call
            output += self.event("response.function_call_arguments.delta", base(call.id, call.index) + [("delta", .string(fragment))])
        case .toolCallEnd(let callIndex):
            output += closeCall(callIndex)
        case .usage(let counts):
            usage = counts
        case .finish(let reason, _):
            finishReason = reason
        }
        return output
    }

    mutating func finish() -> [UInt8] {
        var output = opening() + closeOpen()
        for index in calls.keys.sorted() { output += closeCall(index) }
        let (status, details) = OpenAIResponsesWire.status(finishReason)
        let response = response(status: status, incompleteDetails: details, usage: usage ?? Usage(inputTokens: 0, outputTokens: 0))
        return output + event("response.\(status)", [("response", response)])
    }

    mutating func fail(_ error: ChimeraError) -> [UInt8] {
        let failure = OpenAIResponsesWire.errorObject(error)
        var output = opening()
        output += event("error", failure.members.map { ($0.key, $0.value) } + [("param", nil)])
        output += event("response.failed", [("response", response(status: "failed", error: .object(failure), usage: usage))])
        return output
    }

    // MARK: Items

    private mutating func opening() -> [UInt8] {
        guard !started else { return [] }
        started = true
        let response = response(status: "in_progress", usage: nil)
        return event("response.created", [("response", response)]) + event("response.in_progress", [("response", response)])
    }

    private mutating func reserve() -> Int {
        items.append(nil)
        return items.count - 1
    }

    private mutating func closeOpen(signature: String? = nil) -> [UInt8] {
        defer { open = nil }
        switch open {
        case nil:
            return []
        case .message(let index, let itemID, let text)?:
            let item = OpenAIResponsesWire.messageItem(id: itemID, text: text)
            items[index] = item
            return event("response.output_text.done", base(itemID, index) + [("content_index", 0), ("text", .string(text)), ("logprobs", [])])
                + event("response.content_part.done", base(itemID, index) + [("content_index", 0), ("part", OpenAIResponsesWire.outputText(text))])
                + event("response.output_item.done", [("output_index", .int(index)), ("item", item)])
        case .reasoning(let index, let itemID, let text)?:
            let item = OpenAIResponsesWire.reasoningItem(id: itemID, reasoning: Reasoning(text: text, signature: signature))
            items[index] = item
            return event("response.reasoning_summary_text.done", base(itemID, index) + [("summary_index", 0), ("text", .string(text))])
                + event("response.reasoning_summary_part.done", base(itemID, index) + [("summary_index", 0), ("part", ["type": "summary_text", "text": .string(text)])])
                + event("response.output_item.done", [("output_index", .int(index)), ("item", item)])
        }
    }

    private mutating func wholeReasoning(_ reasoning: Reasoning) -> [UInt8] {
        let index = reserve()
        let itemID = ids.id("rs", index)
        let item = OpenAIResponsesWire.reasoningItem(id: itemID, reasoning: reasoning)
        items[index] = item
        return event("response.output_item.added", [("output_index", .int(index)), ("item", ["id": .string(itemID), "type": "reasoning", "summary": []])])
            + event("response.output_item.done", [("output_index", .int(index)), ("item", item)])
    }

    private mutating func closeCall(_ callIndex: Int) -> [UInt8] {
        guard let call = calls.removeValue(forKey: callIndex) else { return [] }
        let item = OpenAIResponsesWire.functionCallItem(id: call.id, call: call.call)
        items[call.index] = item
        return event("response.function_call_arguments.done", base(call.id, call.index) + [("name", .string(call.call.name)), ("arguments", .string(call.call.arguments))])
            + event("response.output_item.done", [("output_index", .int(call.index)), ("item", item)])
    }

    // MARK: Events

    private func response(status: String, incompleteDetails: JSONValue = nil, error: JSONValue = nil, usage: Usage?) -> JSONValue {
        OpenAIResponsesWire.response(
            id: id, model: model, createdAt: createdAt, status: status, incompleteDetails: incompleteDetails, error: error,
            output: items.compactMap { $0 }, usage: usage, request: request
        )
    }

    private func base(_ itemID: String, _ index: Int) -> [(String, JSONValue)] {
        [("item_id", .string(itemID)), ("output_index", .int(index))]
    }

    private mutating func event(_ type: String, _ fields: [(String, JSONValue)]) -> [UInt8] {
        defer { sequence += 1 }
        let data = JSONValue.object(JSONObject([("type", .string(type)), ("sequence_number", .int(sequence))] + fields))
        return SSEEvent(event: type, data: data.serialized()).bytes
    }
}
