import ChimeraCore

/// Turns the Responses API's typed events into domain events.
///
/// | event | domain |
/// |---|---|
/// | `response.created` | ``ChatStreamEvent/start(id:model:)`` |
/// | `response.output_text.delta`, `response.refusal.delta` | ``ChatStreamEvent/delta(_:)`` |
/// | `response.reasoning_summary_text.delta`, `response.reasoning_text.delta` | ``ChatStreamEvent/reasoning(_:)`` |
/// | `response.output_item.added` of a `function_call` | ``ChatStreamEvent/toolCallStart(_:)`` (calls numbered from 0 in order) |
/// | `response.function_call_arguments.delta` | ``ChatStreamEvent/toolCallArguments(index:fragment:)`` |
/// | `response.output_item.done` of a `function_call` | the arguments when none were streamed, then ``ChatStreamEvent/toolCallEnd(index:)`` |
/// | `response.output_item.done` of a `reasoning` item | its summary when none was streamed, then its `encrypted_content` as ``ChatStreamEvent/reasoningSignature(_:)`` |
/// | `response.completed`, `response.incomplete` | ``ChatStreamEvent/finish(_:stopSequence:)``, ``ChatStreamEvent/usage(_:)``; the stream is complete |
/// | `response.failed`, `error` | the error, thrown |
///
/// The type is read from the `event:` line, else from the data's `type`; other events
/// (`response.in_progress`, the `…done` and `…added` bookkeeping) carry nothing new.
struct OpenAIResponsesStreamDecoder: StreamDecoder {
    let provider: ProviderID
    private(set) var isComplete = false
    /// The domain index of each call, by its item id.
    private var calls: [String: Int] = [:]
    /// The items whose text, reasoning or arguments arrived in deltas.
    private var streamed: Set<String> = []

    init(provider: ProviderID) {
        self.provider = provider
    }

    mutating func decode(_ event: SSEEvent) throws(ChimeraError) -> [ChatStreamEvent] {
        let trimmed = event.data.trimmingPrefix(while: \.isWhitespace)
        guard !trimmed.isEmpty, trimmed != "[DONE]" else { return [] }
        let data: JSONField
        do {
            data = JSONField(root: try JSONValue(parsing: Array(event.data.utf8)))
        } catch {
            throw ChimeraError.decoding("\(provider.displayName) stream event could not be read: \(error.description)", provider: provider, body: event.data)
        }
        do {
            return try decode(type: try event.event ?? data["type"].string(), data, raw: event.data)
        } catch let error as FieldError {
            throw error.malformed("stream event", provider: provider, body: Array(event.data.utf8))
        } catch let error as ChimeraError {
            throw error
        } catch {
            throw ChimeraError(wrapping: error)
        }
    }

    private mutating func decode(type: String, _ data: JSONField, raw: String) throws -> [ChatStreamEvent] {
        switch type {
        case "response.created":
            let response = data["response"]
            return [.start(id: try response["id"].optionalString() ?? "", model: try response["model"].optionalString() ?? "")]
        case "response.output_text.delta", "response.refusal.delta":
            streamed.insert(try data["item_id"].optionalString() ?? "")
            return [.delta(try data["delta"].string())]
        case "response.reasoning_summary_text.delta", "response.reasoning_text.delta":
            streamed.insert(try data["item_id"].optionalString() ?? "")
            return [.reasoning(try data["delta"].string())]
        case "response.output_item.added":
            let item = data["item"]
            guard try item["type"].string() == "function_call" else { return [] }
            let index = calls.count
            calls[try item["id"].optionalString() ?? "call \(index)"] = index
            let (id, signature) = ToolCall.splitSignature(from: try item["call_id"].string())
            return [.toolCallStart(ToolCallStart(index: index, id: id, name: try item["name"].string(), signature: signature))]
        case "response.function_call_arguments.delta":
            let itemID = try data["item_id"].string()
            guard let index = calls[itemID] else { return [] }
            streamed.insert(itemID)
            return [.toolCallArguments(index: index, fragment: try data["delta"].string())]
        case "response.output_item.done":
            return try done(data["item"])
        case "response.completed", "response.incomplete":
            isComplete = true
            let response = data["response"]
            var events: [ChatStreamEvent] = []
            let reason = OpenAIResponsesWire.finishReason(
                status: try response["status"].optionalString() ?? (type == "response.completed" ? "completed" : "incomplete"),
                incompleteReason: try response["incomplete_details"]["reason"].optionalString(), calledTools: !calls.isEmpty
            )
            if let reason { events.append(.finish(reason)) }
            if response["usage"].isPresent { events.append(.usage(try OpenAIResponsesWire.usage(response["usage"]))) }
            return events
        case "response.failed":
            throw failure(data["response"]["error"].value ?? "the response failed", raw: raw)
        case "error":
            throw failure(data.value ?? .null, raw: raw)
        default:
            return []
        }
    }

    /// An item is done: what of it was not streamed, and the end of a call.
    private mutating func done(_ item: JSONField) throws -> [ChatStreamEvent] {
        let itemID = try item["id"].optionalString() ?? ""
        switch try item["type"].string() {
        case "function_call":
            guard let index = calls[itemID] else { return [] }
            var events: [ChatStreamEvent] = []
            if !streamed.contains(itemID), let arguments = try item["arguments"].optionalString(), !arguments.isEmpty {
                events.append(.toolCallArguments(index: index, fragment: arguments))
            }
            return events + [.toolCallEnd(index: index)]
        case "reasoning":
            let reasoning = try OpenAIResponsesRequestDecoder(provider: provider).reasoning(item)
            var events: [ChatStreamEvent] = []
            if !streamed.contains(itemID), !reasoning.text.isEmpty { events.append(.reasoning(reasoning.text)) }
            if let signature = reasoning.signature { events.append(.reasoningSignature(signature)) }
            return events
        case "message" where !streamed.contains(itemID):
            return try OpenAIResponsesResponseCodec.parts(of: item).compactMap { $0.text.map(ChatStreamEvent.delta) }
        default:
            return []
        }
    }

    private func failure(_ error: JSONValue, raw: String) -> ChimeraError {
        UpstreamErrorReader.inBandError(error, raw: Array(raw.utf8), provider: provider, location: "in the stream")
            ?? ChimeraError(kind: .upstream, message: "\(provider.displayName) ended the stream with a failed response", provider: provider)
    }

    mutating func finish() throws(ChimeraError) -> [ChatStreamEvent] {
        guard isComplete else {
            throw ChimeraError.truncatedStream(provider: provider, missing: "no response.completed arrived")
        }
        return []
    }
}
