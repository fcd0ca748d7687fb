import ChimeraCore
import Foundation

/// The values of the Responses API that requests, answers and streams share: usage, how an
/// answer's status says why it ended, the output items an answer's parts become, and the
/// `response` object that unary answers and stream events carry.
enum OpenAIResponsesWire {
    // MARK: Usage

    /// Reads `usage`: `input_tokens`, `output_tokens`, `total_tokens`,
    /// `input_tokens_details.cached_tokens` and `output_tokens_details.reasoning_tokens`.
    static func usage(_ field: JSONField) throws(FieldError) -> Usage {
        var usage = Usage.wire(
            input: [try field["input_tokens"].optionalInt() ?? 0],
            output: [try field["output_tokens"].optionalInt() ?? 0],
            total: try field["total_tokens"].optionalInt()
        )
        usage.cachedInputTokens = try field["input_tokens_details"]["cached_tokens"].optionalInt()
        usage.reasoningTokens = try field["output_tokens_details"]["reasoning_tokens"].optionalInt()
        return usage
    }

    /// Writes `usage`, with both details objects (the SDKs' types require them; unknown counts are 0).
    static func usage(_ usage: Usage) -> JSONValue {
        [
            "input_tokens": .int(usage.inputTokens),
            "input_tokens_details": ["cached_tokens": .int(usage.cachedInputTokens ?? 0)],
            "output_tokens": .int(usage.outputTokens),
            "output_tokens_details": ["reasoning_tokens": .int(usage.reasoningTokens ?? 0)],
            "total_tokens": .int(usage.totalTokens),
        ]
    }

    // MARK: Status

    /// Why an answer ended, from its `status` and `incomplete_details.reason`: `incomplete` for
    /// `max_output_tokens` is ``FinishReason/length``, for `content_filter`
    /// ``FinishReason/contentFilter``; a completed answer that called functions ended for
    /// ``FinishReason/toolCalls``, any other ``FinishReason/stop``.
    static func finishReason(status: String?, incompleteReason: String?, calledTools: Bool) -> FinishReason? {
        switch status {
        case "completed"?: calledTools ? .toolCalls : .stop
        case "incomplete"?:
            switch incompleteReason {
            case "max_output_tokens"?: .length
            case "content_filter"?: .contentFilter
            case let other?: .unknown(other)
            case nil: .length
            }
        default: nil
        }
    }

    /// The `status` and `incomplete_details` of an answer that ended for `reason`.
    static func status(_ reason: FinishReason?) -> (status: String, incompleteDetails: JSONValue) {
        switch reason {
        case .length?: ("incomplete", ["reason": "max_output_tokens"])
        case .contentFilter?: ("incomplete", ["reason": "content_filter"])
        default: ("completed", nil)
        }
    }

    // MARK: Output items

    /// The ids of one answer's items, made from the response's id (`msg_<id>_0`, `fc_<id>_1`).
    struct ItemIDs {
        let base: String

        init(responseID: String) {
            base = responseID.hasPrefix("resp_") ? String(responseID.dropFirst(5)) : responseID
        }

        func id(_ kind: String, _ index: Int) -> String { "\(kind)_\(base)_\(index)" }
    }

    /// One `output_text` content part.
    static func outputText(_ text: String) -> JSONValue {
        ["type": "output_text", "annotations": [], "logprobs": [], "text": .string(text)]
    }

    /// A finished `message` item.
    static func messageItem(id: String, text: String, status: String = "completed") -> JSONValue {
        ["id": .string(id), "type": "message", "status": .string(status), "role": "assistant", "content": [outputText(text)]]
    }

    /// A `function_call` item; its `call_id` carries a Gemini signature (``ToolCall/idCarryingSignature``).
    static func functionCallItem(id: String, call: ToolCall, status: String = "completed") -> JSONValue {
        [
            "id": .string(id), "type": "function_call", "status": .string(status),
            "arguments": .string(call.arguments), "call_id": .string(call.idCarryingSignature), "name": .string(call.name),
        ]
    }

    /// A `reasoning` item: the text as one `summary_text`, the signature (or encrypted
    /// reasoning) as `encrypted_content`, which comes back with the item.
    static func reasoningItem(id: String, reasoning: Reasoning) -> JSONValue {
        var item: JSONObject = [
            "id": .string(id), "type": "reasoning",
            "summary": reasoning.text.isEmpty ? [] : [["type": "summary_text", "text": .string(reasoning.text)]],
        ]
        if let sealed = reasoning.signature ?? reasoning.redactedData { item["encrypted_content"] = .string(sealed) }
        return .object(item)
    }

    /// An answer's parts as `output` items, in order: consecutive text as one message, each
    /// reasoning and each call an item, Responses items Chimera has no type for as they came.
    /// Another family's parts (Anthropic's `server_tool_use`) have no Responses form and are left out.
    static func outputItems(_ parts: [ContentPart], ids: ItemIDs) -> [JSONValue] {
        var items: [JSONValue] = []
        var text: String?
        func flush() {
            if let pending = text { items.append(messageItem(id: ids.id("msg", items.count), text: pending)) }
            text = nil
        }
        for part in parts {
            switch part {
            case .text(let piece): text = (text ?? "") + piece.text
            case .reasoning(let reasoning):
                flush()
                items.append(reasoningItem(id: ids.id("rs", items.count), reasoning: reasoning))
            case .toolCall(let call):
                flush()
                items.append(functionCallItem(id: ids.id("fc", items.count), call: call))
            case .opaque(let opaque) where opaque.family == .openAIResponses:
                flush()
                items.append(opaque.json)
            case .image, .document, .toolResult, .opaque:
                break
            }
        }
        flush()
        return items
    }

    // MARK: The response object

    /// The `response` object of an answer to `request`: what it produced and, as OpenAI's do, the
    /// request's settings repeated. `extensions` (the members of a Responses upstream's answer
    /// that have no domain field) fill in what is not written here.
    static func response(
        id: String, model: String, createdAt: Int, status: String, incompleteDetails: JSONValue = nil, error: JSONValue = nil,
        output: [JSONValue], usage: Usage?, request: ChatRequest, extensions: JSONObject = [:]
    ) -> JSONValue {
        let sent = request.extensions[.openAIResponses] ?? [:]
        var tools = request.tools.map(OpenAIResponsesRequestEncoder.tool)
        tools += sent["tools"]?.array ?? []
        var object: JSONObject = [
            "id": .string(id),
            "object": "response",
            "created_at": .int(createdAt),
            "status": .string(status),
            "background": false,
            "error": error,
            "incomplete_details": incompleteDetails,
            "instructions": .nullable(request.systemPrompt),
            "max_output_tokens": request.maxTokens.map(JSONValue.int) ?? .null,
            "model": .string(model),
            "output": .array(output),
            "parallel_tool_calls": .bool(request.parallelToolCalls ?? true),
            "previous_response_id": sent["previous_response_id"] ?? .null,
            "reasoning": OpenAIResponsesRequestEncoder.reasoning(request.reasoning) ?? ["effort": nil, "summary": nil],
            "store": sent["store"] ?? false,
            "temperature": request.temperature.flatMap(JSONValue.double) ?? 1,
            "text": OpenAIResponsesRequestEncoder.text(request),
            "tool_choice": request.toolChoice.map(OpenAIResponsesRequestEncoder.toolChoice) ?? sent["tool_choice"] ?? "auto",
            "tools": .array(tools),
            "top_p": request.topP.flatMap(JSONValue.double) ?? 1,
            "truncation": sent["truncation"] ?? "disabled",
            "usage": usage.map(Self.usage) ?? .null,
            "user": .nullable(request.user),
            "metadata": .object(JSONObject(request.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ]
        for member in extensions where object[member.key] == nil { object[member.key] = member.value }
        return .object(object)
    }

    /// The error member of a failed response, and of an `error` event: `code` (the code of
    /// OpenAI's error body for the status, so a reader learns the status back) and `message`.
    static func errorObject(_ error: ChimeraError) -> JSONObject {
        let code = OpenAIChatWire.errorBody(error)["error"]?["code"] ?? "server_error"
        return ["code": code, "message": .string(error.upstreamMessage ?? error.message)]
    }

    /// Seconds since 1970, for `created_at`.
    static func now() -> Int {
        Int(Date().timeIntervalSince1970)
    }
}
