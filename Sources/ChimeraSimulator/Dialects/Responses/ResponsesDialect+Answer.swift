import ChimeraCore

/// Writing Responses API answers.
///
/// The response object lists its `output` items in order: a `reasoning` item when
/// `reasoning.effort` asked for reasoning (with a `summary_text` when `reasoning.summary` is
/// set, `encrypted_content` when `include` has `reasoning.encrypted_content`), then a `message`
/// with one `output_text`, or one `function_call` item per call (`call_id`
/// `call_sim<exchange>_<i>`). A text cut by `max_output_tokens` makes the message and the
/// response `incomplete` (`incomplete_details.reason: max_output_tokens`).
///
/// Streamed as typed events numbered from 0 by `sequence_number`: `response.created`,
/// `response.in_progress`, then per item `response.output_item.added`, its parts and deltas
/// (`response.reasoning_summary_part.added`, `…summary_text.delta`/`.done`, `…part.done`;
/// `response.content_part.added`, `response.output_text.delta` per word, `…output_text.done`,
/// `…content_part.done`; `response.function_call_arguments.delta` per fragment and `.done`) and
/// `response.output_item.done`, and last `response.completed` or `response.incomplete`. The
/// `inband-error` switch ends it with an `error` event and `response.failed`.
extension ResponsesDialect {
    /// One output item.
    private enum Item {
        case reasoning
        case message(SimulatedReply)
        case functionCall(index: Int, call: SimulatedToolCall)
    }

    /// An event before it is numbered: its type and its other fields.
    private struct Event {
        var type: String
        var fields: [(String, JSONValue)]
    }

    /// A stream step whose events are numbered as they are written.
    private enum PendingStep {
        case chunk([Event])
        case frames([Event])
    }

    /// Numbers the events of one stream; the steps are produced and written in order.
    private final class Numbering {
        private var next = 0

        func frame(_ event: Event) -> StreamFrame {
            defer { next += 1 }
            return .named(event.type, .fields([("type", .string(event.type)), ("sequence_number", .int(next))] + event.fields))
        }
    }

    private func items(_ answer: SimulatedAnswer) -> [Item] {
        var items: [Item] = []
        if answer.reasoning != nil { items.append(.reasoning) }
        if let reply = answer.reply { items.append(.message(reply)) }
        items += answer.toolCalls.enumerated().map { .functionCall(index: $0.offset, call: $0.element) }
        return items
    }

    private func itemID(_ item: Item, exchange: Exchange) -> String {
        switch item {
        case .reasoning: "rs_sim\(exchange.number)"
        case .message: "msg_sim\(exchange.number)"
        case .functionCall(let index, _): "fc_sim\(exchange.number)_\(index)"
        }
    }

    private func incomplete(_ answer: SimulatedAnswer) -> Bool { answer.finishReason == .length }

    private func summary(_ exchange: Exchange) -> Bool { exchange.responses?.reasoningSummary ?? false }

    private func outputText(_ text: String) -> JSONValue {
        ["type": "output_text", "annotations": [], "logprobs": [], "text": .string(text)]
    }

    /// An item as `output` lists it once done, or as `response.output_item.added` opens it.
    private func itemJSON(_ item: Item, answer: SimulatedAnswer, exchange: Exchange, done: Bool) -> JSONValue {
        let id = JSONValue.string(itemID(item, exchange: exchange))
        switch item {
        case .reasoning:
            var members: [(String, JSONValue)] = [("id", id), ("type", "reasoning")]
            let summaries: [JSONValue] = done && summary(exchange) ? [["type": "summary_text", "text": .string(ReasoningRequest.text)]] : []
            members.append(("summary", .array(summaries)))
            if done, exchange.responses?.includeEncryptedReasoning == true {
                members.append(("encrypted_content", .string(ThoughtSignature.seal(ReasoningRequest.text, for: .responsesReasoning))))
            }
            return .fields(members)
        case .message(let reply):
            let status = done ? (incomplete(answer) ? "incomplete" : "completed") : "in_progress"
            return ["id": id, "type": "message", "status": .string(status), "content": done ? [outputText(reply.text)] : [], "role": "assistant"]
        case .functionCall(let index, let call):
            return [
                "id": id, "type": "function_call", "status": done ? "completed" : "in_progress",
                "arguments": .string(done ? call.argumentsText : ""), "call_id": .string(Self.callID(exchange, index)), "name": .string(call.name),
            ]
        }
    }

    private func usage(_ answer: SimulatedAnswer) -> JSONValue {
        let usage = answer.usage
        return [
            "input_tokens": .int(usage.inputTokens),
            "input_tokens_details": ["cached_tokens": .int(usage.cacheReadTokens)],
            "output_tokens": .int(usage.outputTokens),
            "output_tokens_details": ["reasoning_tokens": .int(usage.reasoningTokens)],
            "total_tokens": .int(usage.totalTokens),
        ]
    }

    /// The response object; `status` is `in_progress` while streaming, then the final one.
    private func response(_ answer: SimulatedAnswer, exchange: Exchange, status: String, output: [JSONValue], error: JSONValue = nil) -> JSONValue {
        let settings = exchange.responses ?? ResponsesSettings()
        let final = status == "completed" || status == "incomplete"
        return .fields([
            ("id", .string(Self.responseID(exchange))),
            ("object", "response"),
            ("created_at", .int(exchange.created)),
            ("status", .string(status)),
            ("background", false),
            ("error", error),
            ("incomplete_details", status == "incomplete" ? ["reason": "max_output_tokens"] : nil),
            ("instructions", settings.instructions),
            ("max_output_tokens", settings.maxOutputTokens),
            ("max_tool_calls", nil),
            ("model", .string(exchange.model)),
            ("output", .array(output)),
            ("parallel_tool_calls", .bool(settings.parallelToolCalls)),
            ("previous_response_id", .nullable(settings.previousResponseID)),
            ("reasoning", settings.reasoning),
            ("service_tier", "default"),
            ("store", .bool(settings.store)),
            ("temperature", settings.temperature),
            ("text", settings.text),
            ("tool_choice", settings.toolChoice),
            ("tools", settings.tools),
            ("top_logprobs", 0),
            ("top_p", settings.topP),
            ("truncation", "disabled"),
            ("usage", final ? usage(answer) : nil),
            ("user", settings.user),
            ("metadata", settings.metadata),
        ])
    }

    private func finalStatus(_ answer: SimulatedAnswer) -> String { incomplete(answer) ? "incomplete" : "completed" }

    func completion(_ answer: SimulatedAnswer, exchange: Exchange) -> JSONValue {
        let output = items(answer).map { itemJSON($0, answer: answer, exchange: exchange, done: true) }
        return response(answer, exchange: exchange, status: finalStatus(answer), output: output)
    }

    func stream(_ answer: SimulatedAnswer, exchange: Exchange, complete: Bool) -> StreamPlan {
        let items = items(answer)
        let opening = response(answer, exchange: exchange, status: "in_progress", output: [])
        var parts: [AnySequence<PendingStep>] = [
            AnySequence([.frames([Event(type: "response.created", fields: [("response", opening)]), Event(type: "response.in_progress", fields: [("response", opening)])])])
        ]
        for (index, item) in items.enumerated() {
            var start = index > 0 ? closing(items[index - 1], outputIndex: index - 1, answer: answer, exchange: exchange) : []
            start.append(Event(type: "response.output_item.added", fields: [("output_index", .int(index)), ("item", itemJSON(item, answer: answer, exchange: exchange, done: false))]))
            parts.append(AnySequence([.frames(start)]))
            parts.append(content(item, outputIndex: index, exchange: exchange))
        }
        let numbering = Numbering()
        let number = { (events: [Event]) in events.map(numbering.frame) }
        return StreamPlan(
            steps: AnySequence(
                parts.joined().lazy.map { step -> StreamStep in
                    switch step {
                    case .chunk(let events): .chunk(number(events))
                    case .frames(let events): .frames(number(events))
                    }
                }
            ),
            end: {
                let last = items.last.map { closing($0, outputIndex: items.count - 1, answer: answer, exchange: exchange) } ?? []
                let output = items.map { itemJSON($0, answer: answer, exchange: exchange, done: true) }
                let status = finalStatus(answer)
                return number(last + [Event(type: "response.\(status)", fields: [("response", response(answer, exchange: exchange, status: status, output: output))])])
            },
            failure: {
                let message = "The server had an error while processing your request."
                let failed = response(answer, exchange: exchange, status: "failed", output: [], error: ["code": "server_error", "message": .string(message)])
                return number([
                    Event(type: "error", fields: [("code", "server_error"), ("message", .string(message)), ("param", nil)]),
                    Event(type: "response.failed", fields: [("response", failed)]),
                ])
            }
        )
    }

    /// An item's parts and deltas: text words and argument fragments are chunks, the summary is not.
    private func content(_ item: Item, outputIndex: Int, exchange: Exchange) -> AnySequence<PendingStep> {
        let base: [(String, JSONValue)] = [("item_id", .string(itemID(item, exchange: exchange))), ("output_index", .int(outputIndex))]
        switch item {
        case .reasoning:
            guard summary(exchange) else { return AnySequence([]) }
            let part: [(String, JSONValue)] = [("summary_index", 0)]
            let text = ReasoningRequest.text
            var steps: [PendingStep] = [.frames([Event(type: "response.reasoning_summary_part.added", fields: base + part + [("part", ["type": "summary_text", "text": ""])])])]
            steps += SimulatedReply.pieces(of: text).map { .frames([Event(type: "response.reasoning_summary_text.delta", fields: base + part + [("delta", .string($0))])]) }
            steps.append(
                .frames([
                    Event(type: "response.reasoning_summary_text.done", fields: base + part + [("text", .string(text))]),
                    Event(type: "response.reasoning_summary_part.done", fields: base + part + [("part", ["type": "summary_text", "text": .string(text)])]),
                ])
            )
            return AnySequence(steps)
        case .message(let reply):
            let added = PendingStep.frames([Event(type: "response.content_part.added", fields: base + [("content_index", 0), ("part", outputText(""))])])
            let deltas = reply.pieces().lazy.map { piece in
                PendingStep.chunk([Event(type: "response.output_text.delta", fields: base + [("content_index", 0), ("delta", .string(piece)), ("logprobs", [])])])
            }
            return AnySequence([AnySequence([added]), AnySequence(deltas)].joined())
        case .functionCall(_, let call):
            return AnySequence(call.fragments.map { .chunk([Event(type: "response.function_call_arguments.delta", fields: base + [("delta", .string($0))])]) })
        }
    }

    /// The events that finish an item.
    private func closing(_ item: Item, outputIndex: Int, answer: SimulatedAnswer, exchange: Exchange) -> [Event] {
        let base: [(String, JSONValue)] = [("item_id", .string(itemID(item, exchange: exchange))), ("output_index", .int(outputIndex))]
        var events: [Event] = []
        switch item {
        case .reasoning:
            break
        case .message(let reply):
            events.append(Event(type: "response.output_text.done", fields: base + [("content_index", 0), ("text", .string(reply.text)), ("logprobs", [])]))
            events.append(Event(type: "response.content_part.done", fields: base + [("content_index", 0), ("part", outputText(reply.text))]))
        case .functionCall(_, let call):
            events.append(Event(type: "response.function_call_arguments.done", fields: base + [("name", .string(call.name)), ("arguments", .string(call.argumentsText))]))
        }
        events.append(Event(type: "response.output_item.done", fields: [("output_index", .int(outputIndex)), ("item", itemJSON(item, answer: answer, exchange: exchange, done: true))]))
        return events
    }

    func malformedChunk(exchange: Exchange) -> [StreamFrame] {
        [.named("response.output_text.delta", ["type": "response.output_text.delta", "sequence_number": 0, "item_id": .string("msg_sim\(exchange.number)"), "output_index": 0, "content_index": 0, "delta": "malformed", "logprobs": []])]
    }
}
