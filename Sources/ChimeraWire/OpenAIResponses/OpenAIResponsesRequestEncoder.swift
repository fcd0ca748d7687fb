import ChimeraCore

/// Writes a ``ChatRequest`` (from any family, or from the library) as a Responses API body, for
/// OpenAI-compatible providers configured with `<P>_WIRE_API=responses`.
///
/// System messages become `system` message items in place, user and assistant turns `message`
/// items (`input_text` / `input_image` / `input_file`; an assistant's text as `output_text`), an
/// assistant's calls `function_call` items (the `call_id` carrying a Gemini signature), its
/// reasoning `reasoning` items (the signature as `encrypted_content`), tool results
/// `function_call_output` items; Responses items Chimera has no type for go back as they came.
/// `max_output_tokens`, `text.format`, `reasoning.effort` (with `summary: auto` when the
/// reasoning itself is wanted), function `tools`, `tool_choice`, `parallel_tool_calls`,
/// `metadata`, `user`, `top_logprobs`. Chimera keeps nothing, so unless the request says
/// otherwise it asks OpenAI to keep nothing either (`store: false`) and, when it reasons, for
/// the encrypted reasoning that lets the next turn continue it. The `openai-responses`
/// extensions are merged last, never over a member written here.
///
/// Refused by name, as the API has no place for them: stop sequences, `seed`, the penalties,
/// several choices, and another family's opaque parts.
struct OpenAIResponsesRequestEncoder {
    /// The provider, for error messages.
    let provider: ProviderID

    func encode(_ request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        let extensions = request.extensions[.openAIResponses] ?? [:]
        if !request.stopSequences.isEmpty { throw refuse("stop: the Responses API has no stop sequences") }
        if request.seed != nil { throw refuse("seed: the Responses API has no seed") }
        if request.presencePenalty != nil || request.frequencyPenalty != nil {
            throw refuse("\(request.presencePenalty != nil ? "presence_penalty" : "frequency_penalty"): the Responses API has no penalties")
        }
        if let count = request.choiceCount, count > 1 { throw refuse("n: the Responses API answers one choice per request; accepted: 1") }
        var body: JSONObject = ["model": .string(request.model), "input": .array(try items(request.messages))]
        if let maxTokens = request.maxTokens { body["max_output_tokens"] = .int(maxTokens) }
        try write(request.temperature, as: "temperature", into: &body)
        try write(request.topP, as: "top_p", into: &body)
        if request.stream { body["stream"] = true }
        var include = extensions["include"]?.array ?? []
        if let logprobs = request.logprobs {
            body["top_logprobs"] = .int(logprobs.top ?? 0)
            include.append("message.output_text.logprobs")
        }
        if let user = request.user { body["user"] = .string(user) }
        if !request.metadata.isEmpty {
            body["metadata"] = .object(JSONObject(request.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        }
        let tools = request.tools.map(Self.tool) + (extensions["tools"]?.array ?? [])
        if !tools.isEmpty { body["tools"] = .array(tools) }
        if let choice = request.toolChoice { body["tool_choice"] = Self.toolChoice(choice) }
        if let parallel = request.parallelToolCalls, !tools.isEmpty { body["parallel_tool_calls"] = .bool(parallel) }
        if request.responseFormat != nil || extensions["text"] != nil { body["text"] = Self.text(request) }
        if let reasoning = Self.reasoning(request.reasoning) { body["reasoning"] = reasoning }
        if extensions["store"] == nil { body["store"] = false }
        let stored = (extensions["store"] ?? false) == true
        if !stored, let reasoning = request.reasoning, !reasoning.isDisabled, !include.contains("reasoning.encrypted_content") {
            include.append("reasoning.encrypted_content")
        }
        if !include.isEmpty { body["include"] = .array(include) }
        for member in extensions where body[member.key] == nil {
            body[member.key] = member.value
        }
        return JSONValue.object(body).serializedBytes()
    }

    // MARK: Items

    private func items(_ messages: [ChatMessage]) throws(ChimeraError) -> [JSONValue] {
        var items: [JSONValue] = []
        for (index, message) in messages.enumerated() {
            let path = "messages[\(index)]"
            switch message.role {
            case .assistant:
                var text: [JSONValue] = []
                func flush() {
                    if !text.isEmpty { items.append(["type": "message", "role": "assistant", "content": .array(text)]) }
                    text = []
                }
                for (partIndex, part) in message.parts.enumerated() {
                    switch part {
                    case .text(let piece): text.append(["type": "output_text", "text": .string(piece.text)])
                    case .toolCall(let call):
                        flush()
                        items.append(["type": "function_call", "call_id": .string(call.idCarryingSignature), "name": .string(call.name), "arguments": .string(call.arguments)])
                    case .reasoning(let reasoning):
                        flush()
                        var item: JSONObject = ["type": "reasoning", "summary": reasoning.text.isEmpty ? [] : [["type": "summary_text", "text": .string(reasoning.text)]]]
                        if let sealed = reasoning.signature ?? reasoning.redactedData { item["encrypted_content"] = .string(sealed) }
                        items.append(.object(item))
                    case .opaque(let opaque) where opaque.family == .openAIResponses:
                        flush()
                        items.append(opaque.json)
                    default:
                        throw refuse("\(path).content[\(partIndex)]: \(describe(part)) cannot be sent to \(provider.displayName) in an assistant turn")
                    }
                }
                flush()
            default:
                var content: [JSONValue] = []
                for (partIndex, part) in message.parts.enumerated() {
                    if case .toolResult(let result) = part {
                        items.append([
                            "type": "function_call_output", "call_id": .string(result.toolCallID),
                            "output": try output(result.content, path: "\(path).content[\(partIndex)]"),
                        ])
                    } else {
                        content.append(try inputPart(part, path: "\(path).content[\(partIndex)]"))
                    }
                }
                guard !content.isEmpty else { continue }
                let role = message.role == .tool ? "user" : message.role.rawValue
                items.append(["type": "message", "role": .string(role), "content": .array(content)])
            }
        }
        return items
    }

    private func output(_ parts: [ContentPart], path: String) throws(ChimeraError) -> JSONValue {
        if parts.allSatisfy({ $0.text != nil }) { return .string(parts.compactMap(\.text).joined()) }
        var content: [JSONValue] = []
        for part in parts { content.append(try inputPart(part, path: path)) }
        return .array(content)
    }

    private func inputPart(_ part: ContentPart, path: String) throws(ChimeraError) -> JSONValue {
        switch part {
        case .text(let text):
            return ["type": "input_text", "text": .string(text.text)]
        case .image(let media):
            var image: JSONObject = ["type": "input_image", "detail": .string(media.detail ?? "auto")]
            switch media.source {
            case .url(let url): image["image_url"] = .string(url)
            case .base64(let data): image["image_url"] = .string("data:\(media.mediaType ?? "image/png");base64,\(data)")
            case .file(let id): image["file_id"] = .string(id)
            case .text: throw refuse("\(path): an image given as text cannot be sent to \(provider.displayName)")
            }
            return .object(image)
        case .document(let media):
            var file: JSONObject = ["type": "input_file"]
            if let filename = media.filename { file["filename"] = .string(filename) }
            switch media.source {
            case .url(let url): file["file_url"] = .string(url)
            case .base64(let data):
                file["file_data"] = .string("data:\(media.mediaType ?? "application/pdf");base64,\(data)")
                if file["filename"] == nil { file["filename"] = "document" }
            case .file(let id): file["file_id"] = .string(id)
            case .text(let text): return ["type": "input_text", "text": .string(text)]
            }
            return .object(file)
        case .opaque(let opaque) where opaque.family == .openAIResponses:
            return opaque.json
        default:
            throw refuse("\(path): \(describe(part)) cannot be sent to \(provider.displayName) here")
        }
    }

    private func describe(_ part: ContentPart) -> String {
        switch part {
        case .opaque(let opaque): "the \(OpenAIChatPartWriter.familyName(opaque.family)) part `\(opaque.type.prefix(64))`"
        case .toolCall: "a tool call"
        case .toolResult: "a tool result"
        case .reasoning: "reasoning"
        case .image: "an image"
        case .document: "a document"
        case .text: "text"
        }
    }

    // MARK: Parameters

    /// A function tool.
    static func tool(_ tool: Tool) -> JSONValue {
        var function: JSONObject = ["type": "function", "name": .string(tool.name)]
        if let description = tool.description { function["description"] = .string(description) }
        function["parameters"] = tool.parameters ?? ["type": "object", "properties": [:]]
        function["strict"] = .bool(tool.strict ?? false)
        return .object(function)
    }

    static func toolChoice(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: "auto"
        case .none: "none"
        case .required: "required"
        case .tool(let name): ["type": "function", "name": .string(name)]
        }
    }

    /// `text`: the format (plain text when the request names none), then the request's other `text` members.
    static func text(_ request: ChatRequest) -> JSONValue {
        let format: JSONValue
        switch request.responseFormat {
        case nil, .text?: format = ["type": "text"]
        case .jsonObject?: format = ["type": "json_object"]
        case .jsonSchema(let schema)?:
            var definition: JSONObject = ["type": "json_schema", "name": .string(schema.name)]
            if let description = schema.description { definition["description"] = .string(description) }
            definition["schema"] = schema.schema
            if let strict = schema.strict { definition["strict"] = .bool(strict) }
            format = .object(definition)
        }
        var text: JSONObject = ["format": format]
        for member in request.extensions[.openAIResponses]?["text"]?.object ?? [:] where text[member.key] == nil {
            text[member.key] = member.value
        }
        return .object(text)
    }

    /// `reasoning`: the effort (a budget as its effort), and `summary: auto` when the reasoning is wanted back.
    static func reasoning(_ options: ReasoningOptions?) -> JSONValue? {
        guard let options else { return nil }
        return [
            "effort": .nullable(options.resolvedEffort?.rawValue),
            "summary": options.includeThoughts == true && !options.isDisabled ? "auto" : nil,
        ]
    }

    private func write(_ value: Double?, as key: String, into body: inout JSONObject) throws(ChimeraError) {
        guard let value else { return }
        guard let number = JSONValue.double(value) else { throw refuse("\(key): \(value) is not a number JSON can write") }
        body[key] = number
    }

    private func refuse(_ message: String) -> ChimeraError {
        .invalidRequest(message, provider: provider)
    }
}
