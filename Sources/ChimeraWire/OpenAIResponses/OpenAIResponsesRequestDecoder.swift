import ChimeraCore

/// Reads an inbound Responses API request (as the openai SDKs' `responses.create` writes it)
/// into a ``ChatRequest``.
///
/// | wire | domain |
/// |---|---|
/// | `model`, `temperature`, `top_p`, `user`, `metadata`, `parallel_tool_calls`, `stream` | the fields of the same meaning |
/// | `instructions` | a leading ``ChatMessage/Role/system`` message |
/// | `input`: a string | one user message |
/// | `input`: items | messages, in order (below) |
/// | `max_output_tokens` | ``ChatRequest/maxTokens`` |
/// | `tools` of type `function` | ``ChatRequest/tools``; built-in tools (`web_search`, `file_search`, …) in the extension `tools`, as sent |
/// | `tool_choice` `auto`/`none`/`required`/`{type: function, name}` | ``ChatRequest/toolChoice``; a built-in tool's choice stays an extension |
/// | `text.format` `text`/`json_object`/`json_schema` | ``ChatRequest/responseFormat``; the rest of `text` (`verbosity`) stays an extension |
/// | `reasoning.effort`, `reasoning.summary` | ``ChatRequest/reasoning`` (a summary asks for ``ReasoningOptions/includeThoughts``) |
/// | everything else (`store`, `include`, `previous_response_id`, `truncation`, `service_tier`, …) | `extensions[.openAIResponses]`, as sent |
///
/// Items: a `message` (or an item with a `role` and no `type`) with role `system` or
/// `developer` → a system message, `user`, `assistant`; content a string or `input_text`,
/// `output_text`, `refusal` (text), `input_image` (image), `input_file` (document) parts, any other
/// part opaque. `function_call` → a ``ToolCall`` of the assistant turn, `reasoning` → its
/// ``Reasoning`` (summary text, `encrypted_content` as the signature); `function_call_output` → a
/// ``ChatMessage/Role/tool`` message with one ``ToolResult``; any other item (`item_reference`,
/// built-in tool calls) → an opaque part of the assistant turn, which only this family writes back.
/// Consecutive assistant-side items make one assistant turn.
///
/// Which extensions another family cannot do without (`previous_response_id`, built-in tools) is
/// ``ChatRequest/validate(speaking:)``'s to refuse; range checks are not made here either.
struct OpenAIResponsesRequestDecoder {
    let provider: ProviderID

    func decode(_ body: [UInt8], model: String?, stream: Bool?) throws(FieldError) -> ChatRequest {
        let root = try JSONField.parse(body)
        var request = ChatRequest(provider: provider, model: model ?? "", messages: [])
        var extensions = JSONObject()
        var instructions: [ChatMessage] = []
        var input: [ChatMessage] = []
        var sawModel = model != nil
        var sawInput = false

        for (key, field) in try root.members() {
            switch key {
            case "model":
                request.model = try field.string()
                sawModel = true
            case "input":
                input = try self.input(field)
                sawInput = true
            case "instructions":
                if let text = try field.optionalString(), !text.isEmpty { instructions = [.system(text)] }
            case "temperature": request.temperature = try field.optionalDouble()
            case "top_p": request.topP = try field.optionalDouble()
            case "max_output_tokens": request.maxTokens = try field.optionalInt()
            case "stream": request.stream = try field.optionalBool() ?? false
            case "user": request.user = try field.optionalString()
            case "metadata":
                for (name, value) in try field.isPresent ? field.members() : [] { request.metadata[name] = try value.string() }
            case "parallel_tool_calls": request.parallelToolCalls = try field.optionalBool()
            case "tools":
                var builtIn: [JSONValue] = []
                for tool in try field.optionalElements() {
                    if let function = try self.function(tool) { request.tools.append(function) } else { builtIn.append(tool.value ?? .null) }
                }
                if !builtIn.isEmpty { extensions["tools"] = .array(builtIn) }
            case "tool_choice":
                if let choice = try toolChoice(field) { request.toolChoice = choice } else if let value = field.value { extensions[key] = value }
            case "text":
                var rest = try field.optionalObject() ?? [:]
                rest["format"] = nil
                request.responseFormat = try format(field["format"])
                if !rest.isEmpty { extensions[key] = .object(rest) }
            case "reasoning":
                guard field.isPresent else { continue }
                _ = try field.object()
                let effort = try field["effort"].optionalString().map(ReasoningEffort.init(rawValue:))
                let generateSummary = try field["generate_summary"].optionalString()
                let summary = try field["summary"].optionalString() ?? generateSummary
                if effort != nil || summary != nil {
                    request.reasoning = ReasoningOptions(effort: effort, includeThoughts: summary.map { _ in true })
                }
            default:
                if let value = field.value { extensions[key] = value }
            }
        }
        guard sawModel else { throw root["model"].failure("required") }
        guard sawInput else { throw root["input"].failure("required: a string, or an array of input items") }
        request.messages = instructions + input
        if let stream { request.stream = stream }
        if !extensions.isEmpty { request.extensions[.openAIResponses] = extensions }
        return request
    }

    // MARK: Input

    private func input(_ field: JSONField) throws(FieldError) -> [ChatMessage] {
        if case .string(let text)? = field.value { return [.user(text)] }
        guard case .array? = field.value else {
            throw field.failure(field.isPresent ? "expected a string or an array of input items, found \(field.value!.typeName)" : "required")
        }
        var messages: [ChatMessage] = []
        func assistant(_ part: ContentPart) {
            if messages.last?.role == .assistant { messages[messages.count - 1].parts.append(part) } else { messages.append(.assistant([part])) }
        }
        for item in try field.elements() {
            _ = try item.object()
            let type = try item["type"].optionalString() ?? (item["role"].isPresent ? "message" : nil)
            switch type {
            case "message"?:
                let role = try item["role"].string()
                let parts = try content(item["content"])
                switch role {
                case "assistant": parts.forEach(assistant)
                case "system", "developer": messages.append(ChatMessage(role: .system, parts: parts))
                default: messages.append(ChatMessage(role: ChatMessage.Role(rawValue: role), parts: parts))
                }
            case "function_call"?:
                let (id, signature) = ToolCall.splitSignature(from: try item["call_id"].string())
                assistant(.toolCall(ToolCall(id: id, name: try item["name"].string(), arguments: try item["arguments"].optionalString() ?? "", signature: signature)))
            case "function_call_output"?:
                let id = ToolCall.splitSignature(from: try item["call_id"].string()).id
                messages.append(.toolResult(ToolResult(toolCallID: id, content: try content(item["output"]))))
            case "reasoning"?:
                assistant(.reasoning(try reasoning(item)))
            case let other?:
                assistant(.opaque(OpaquePart(family: .openAIResponses, type: other, json: item.value ?? .null)))
            case nil:
                throw item["type"].failure("required: message, function_call, function_call_output, reasoning or another item type")
            }
        }
        return messages
    }

    /// A `reasoning` item as the domain holds it: its summary (else its content) as the text,
    /// `encrypted_content` as the signature.
    func reasoning(_ item: JSONField) throws(FieldError) -> Reasoning {
        var texts: [String] = []
        for part in try item["summary"].optionalElements() { texts.append(try part["text"].string()) }
        if texts.isEmpty {
            for part in try item["content"].optionalElements() { texts.append(try part["text"].string()) }
        }
        return Reasoning(text: texts.joined(separator: "\n\n"), signature: try item["encrypted_content"].optionalString())
    }

    /// A message's or a function output's content: a string, or parts.
    private func content(_ field: JSONField) throws(FieldError) -> [ContentPart] {
        switch field.value {
        case nil, .null?: return []
        case .string(let text)?: return [.text(text)]
        case .array?: return try field.elements().map { (part) throws(FieldError) in try self.part(part) }
        case let value?: throw field.failure("expected a string or an array of content parts, found \(value.typeName)")
        }
    }

    private func part(_ field: JSONField) throws(FieldError) -> ContentPart {
        let object = try field.object()
        switch try field["type"].string() {
        case "input_text", "output_text":
            return .text(try field["text"].string())
        case "refusal":
            return .text(try field["refusal"].string())
        case "input_image":
            let detail = try field["detail"].optionalString()
            if let id = try field["file_id"].optionalString() { return .image(Media(source: .file(id: id), detail: detail)) }
            let url = try field["image_url"].string()
            if let inline = Media.parseDataURL(url) {
                return .image(Media(source: .base64(inline.data), mediaType: inline.mediaType, detail: detail))
            }
            return .image(Media(source: .url(url), detail: detail))
        case "input_file":
            let filename = try field["filename"].optionalString()
            if let id = try field["file_id"].optionalString() { return .document(Media(source: .file(id: id), filename: filename)) }
            if let url = try field["file_url"].optionalString() { return .document(Media(source: .url(url), filename: filename)) }
            let data = try field["file_data"].string()
            if let inline = Media.parseDataURL(data) {
                return .document(Media(source: .base64(inline.data), mediaType: inline.mediaType, filename: filename))
            }
            return .document(Media(source: .base64(data), filename: filename))
        case let type:
            return .opaque(OpaquePart(family: .openAIResponses, type: type, json: .object(object)))
        }
    }

    // MARK: Parameters

    /// A function tool, or `nil` for a built-in one, which stays an extension.
    private func function(_ field: JSONField) throws(FieldError) -> Tool? {
        _ = try field.object()
        guard try field["type"].string() == "function" else { return nil }
        return Tool(
            name: try field["name"].string(),
            description: try field["description"].optionalString(),
            parameters: field["parameters"].isPresent ? field["parameters"].value : nil,
            strict: try field["strict"].optionalBool()
        )
    }

    /// `auto`, `none`, `required` or one named function; `nil` for other choices.
    private func toolChoice(_ field: JSONField) throws(FieldError) -> ToolChoice? {
        switch field.value {
        case nil, .null?: return nil
        case "auto"?: return .auto
        case "none"?: return ToolChoice.none
        case "required"?: return .required
        case .string(let other)?: throw field.failure("\"\(other.prefix(64))\" is not a tool choice; accepted: auto, none, required, or an object")
        case .object(let object)? where object["type"] == "function": return .tool(try field["name"].string())
        default: return nil
        }
    }

    /// `text.format`: `text`, `json_object`, or `json_schema` with `name` and `schema`.
    private func format(_ field: JSONField) throws(FieldError) -> ResponseFormat? {
        guard field.isPresent else { return nil }
        _ = try field.object()
        switch try field["type"].string() {
        case "text": return .text
        case "json_object": return .jsonObject
        case "json_schema":
            guard let schema = field["schema"].value, !schema.isNull else { throw field["schema"].failure("required") }
            return .jsonSchema(JSONSchemaFormat(
                name: try field["name"].string(), description: try field["description"].optionalString(), schema: schema,
                strict: try field["strict"].optionalBool()
            ))
        case let other:
            throw field["type"].failure("\"\(other.prefix(64))\" is not a format; accepted: text, json_object, json_schema")
        }
    }
}
