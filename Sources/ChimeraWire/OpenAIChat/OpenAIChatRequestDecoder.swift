import ChimeraCore

/// Reads an inbound Chat Completions request (as the openai SDKs write it, and the DeepSeek and
/// Qwen dialects) into a ``ChatRequest``.
///
/// | wire | domain |
/// |---|---|
/// | `model`, `messages`, `temperature`, `top_p`, `top_k` (Qwen), `seed`, `n`, `user`, `metadata` | the fields of the same meaning |
/// | `max_completion_tokens`, else `max_tokens` | ``ChatRequest/maxTokens`` |
/// | `stop` (a string or an array) | ``ChatRequest/stopSequences`` |
/// | `presence_penalty`, `frequency_penalty` | the penalties |
/// | `logprobs: true` + `top_logprobs` | ``ChatRequest/logprobs`` (`top_logprobs` without `logprobs: true` stays an extension) |
/// | `tools` of type `function` | ``ChatRequest/tools``; other tools (`custom`) in the extension `tools`, as sent |
/// | `tool_choice` `auto`/`none`/`required`/`{type:function,function:{name}}` | ``ChatRequest/toolChoice``; other choices (`allowed_tools`, `custom`) stay an extension |
/// | `parallel_tool_calls` | ``ChatRequest/parallelToolCalls`` |
/// | `response_format` `text`/`json_object`/`json_schema` | ``ChatRequest/responseFormat`` |
/// | `reasoning_effort`; DeepSeek's (and LiteLLM's) `thinking: {type: enabled\|disabled, budget_tokens?}`; Qwen's `enable_thinking`, `thinking_budget` | ``ChatRequest/reasoning`` |
/// | everything else (`stream_options`, `store`, `service_tier`, `prediction`, `modalities`, `audio`, `logit_bias`, …) | `extensions[.openAIChat]`, as sent, in order |
///
/// Messages: `system` and `developer` → ``ChatMessage/Role/system``; `user`; `assistant` (its
/// reasoning, content, tool calls); `tool` → role ``ChatMessage/Role/tool`` with one
/// ``ToolResult``; the legacy `function` message → role `function` whose content is opaque
/// (another family refuses it by name); any other role is kept as ``ChatMessage/Role/unknown(_:)``.
///
/// Range checks are not made here: the relay validates every decoded request once.
struct OpenAIChatRequestDecoder {
    let provider: ProviderID

    func decode(_ body: [UInt8], model: String?, stream: Bool?) throws(FieldError) -> ChatRequest {
        let root = try JSONField.parse(body)
        var request = ChatRequest(provider: provider, model: model ?? "", messages: [])
        var extensions = JSONObject()
        var maxTokens: Int?
        var maxCompletionTokens: Int?
        var wantsLogprobs = false
        var topLogprobs: JSONField?
        var reasoning = ReasoningReader()
        var sawMessages = false
        var sawModel = model != nil

        for (key, field) in try root.members() {
            switch key {
            case "model":
                request.model = try field.string()
                sawModel = true
            case "messages":
                request.messages = try field.elements().map { (message) throws(FieldError) in try self.message(message) }
                sawMessages = true
            case "temperature": request.temperature = try field.optionalDouble()
            case "top_p": request.topP = try field.optionalDouble()
            case "top_k": request.topK = try field.optionalInt()
            case "max_tokens": maxTokens = try field.optionalInt()
            case "max_completion_tokens": maxCompletionTokens = try field.optionalInt()
            case "stop": request.stopSequences = try stop(field)
            case "stream": request.stream = try field.optionalBool() ?? false
            case "n": request.choiceCount = try field.optionalInt()
            case "seed": request.seed = try field.optionalInt()
            case "presence_penalty": request.presencePenalty = try field.optionalDouble()
            case "frequency_penalty": request.frequencyPenalty = try field.optionalDouble()
            case "logprobs": wantsLogprobs = try field.optionalBool() ?? false
            case "top_logprobs": topLogprobs = field
            case "user": request.user = try field.optionalString()
            case "metadata": request.metadata = try metadata(field)
            case "tools":
                for tool in try field.optionalElements() {
                    if let function = try self.tool(tool) {
                        request.tools.append(function)
                    } else {
                        extensions["tools"] = .array((extensions["tools"]?.array ?? []) + [tool.value ?? .null])
                    }
                }
            case "tool_choice":
                if let choice = try toolChoice(field) { request.toolChoice = choice } else if let value = field.value { extensions[key] = value }
            case "parallel_tool_calls": request.parallelToolCalls = try field.optionalBool()
            case "response_format":
                if let format = try responseFormat(field) { request.responseFormat = format } else if let value = field.value { extensions[key] = value }
            case "reasoning_effort", "thinking", "enable_thinking", "thinking_budget":
                if try !reasoning.read(key, field), let value = field.value { extensions[key] = value }
            default:
                if let value = field.value { extensions[key] = value }
            }
        }
        guard sawModel else { throw root["model"].failure("required") }
        guard sawMessages else { throw root["messages"].failure("required") }
        request.maxTokens = maxCompletionTokens ?? maxTokens
        if wantsLogprobs {
            request.logprobs = LogprobOptions(top: try topLogprobs?.optionalInt())
        } else if let value = topLogprobs?.value {
            extensions["top_logprobs"] = value
        }
        request.reasoning = reasoning.options
        if let stream { request.stream = stream }
        if !extensions.isEmpty { request.extensions[.openAIChat] = extensions }
        return request
    }

    // MARK: Messages

    private func message(_ field: JSONField) throws(FieldError) -> ChatMessage {
        _ = try field.object()
        let role = try field["role"].string()
        let name = try field["name"].optionalString()
        switch role {
        case "assistant":
            return ChatMessage(role: .assistant, parts: try OpenAIChatPartReader.assistantParts(field, known: ["role", "name"], keepsEmptyAnnotations: false), name: name)
        case "tool":
            var content: [ContentPart] = []
            var extras: [ContentPart] = []
            for (key, member) in try field.members() {
                switch key {
                case "role", "name", "tool_call_id": continue
                case "content": content = try OpenAIChatPartReader.content(member)
                default: if let value = member.value, !value.isNull { extras.append(OpenAIChatOpaque.messageMember(key: key, value: value).part) }
                }
            }
            let id = ToolCall.splitSignature(from: try field["tool_call_id"].string()).id
            return ChatMessage(role: .tool, parts: [.toolResult(ToolResult(toolCallID: id, name: name, content: content))] + extras, name: name)
        case "function":
            // The deprecated answer to a `function_call`: it has no call id, so no family but this
            // one can place it; its content stays opaque and other families refuse it by name.
            let parts = try field.members().compactMap { (key, member) -> ContentPart? in
                guard key != "role", key != "name", let value = member.value, !value.isNull else { return nil }
                return OpenAIChatOpaque.messageMember(key: key, value: value).part
            }
            return ChatMessage(role: .unknown(role), parts: parts, name: name)
        default:
            var parts: [ContentPart] = []
            for (key, member) in try field.members() {
                switch key {
                case "role", "name": continue
                case "content": parts.insert(contentsOf: try OpenAIChatPartReader.content(member), at: 0)
                default: if let value = member.value, !value.isNull { parts.append(OpenAIChatOpaque.messageMember(key: key, value: value).part) }
                }
            }
            // `developer` is OpenAI's newer name for the system role (see the encoder).
            let domainRole: ChatMessage.Role = role == "developer" ? .system : ChatMessage.Role(rawValue: role)
            return ChatMessage(role: domainRole, parts: parts, name: name)
        }
    }

    // MARK: Parameters

    private func stop(_ field: JSONField) throws(FieldError) -> [String] {
        switch field.value {
        case nil, .null?: return []
        case .string(let sequence)?: return [sequence]
        case .array?: return try field.elements().map { (element) throws(FieldError) in try element.string() }
        case let value?: throw field.failure("expected a string or an array of strings, found \(value.typeName)")
        }
    }

    private func metadata(_ field: JSONField) throws(FieldError) -> [String: String] {
        var metadata: [String: String] = [:]
        for (key, value) in try field.isPresent ? field.members() : [] {
            metadata[key] = try value.string()
        }
        return metadata
    }

    /// A function tool, or `nil` for another kind (`custom`), which stays an extension.
    private func tool(_ field: JSONField) throws(FieldError) -> Tool? {
        let object = try field.object()
        let function = field["function"]
        let type = try field["type"].optionalString() ?? (function.isPresent ? "function" : nil)
        guard type == "function", OpenAIChatPartReader.only(object, ["type", "function"]),
              OpenAIChatPartReader.only(try function.object(), ["name", "description", "parameters", "strict"])
        else { return nil }
        return Tool(
            name: try function["name"].string(),
            description: try function["description"].optionalString(),
            parameters: function["parameters"].isPresent ? function["parameters"].value : nil,
            strict: try function["strict"].optionalBool()
        )
    }

    /// `auto`, `none`, `required` or one named function; `nil` for other choices.
    private func toolChoice(_ field: JSONField) throws(FieldError) -> ToolChoice? {
        switch field.value {
        case nil, .null?: return nil
        case "auto"?: return .auto
        case "none"?: return ToolChoice.none
        case "required"?: return .required
        case .object(let object)? where object["type"] == "function" && OpenAIChatPartReader.only(object, ["type", "function"]):
            return .tool(try field["function"]["name"].string())
        default: return nil
        }
    }

    /// `text`, `json_object` or `json_schema` with a schema; `nil` for other shapes.
    private func responseFormat(_ field: JSONField) throws(FieldError) -> ResponseFormat? {
        guard field.isPresent else { return nil }
        let object = try field.object()
        switch try field["type"].string() {
        case "text" where object.count == 1: return .text
        case "json_object" where object.count == 1: return .jsonObject
        case "json_schema" where object.count == 2:
            let schema = field["json_schema"]
            guard OpenAIChatPartReader.only(try schema.object(), ["name", "description", "schema", "strict"]),
                  let definition = schema["schema"].value, !definition.isNull
            else { return nil }
            return .jsonSchema(JSONSchemaFormat(
                name: try schema["name"].string(),
                description: try schema["description"].optionalString(),
                schema: definition,
                strict: try schema["strict"].optionalBool()
            ))
        default: return nil
        }
    }
}

/// Collects the reasoning options of the dialects: OpenAI's `reasoning_effort`, DeepSeek's (and
/// LiteLLM's) `thinking`, Qwen's `enable_thinking` and `thinking_budget`.
private struct ReasoningReader {
    private var effort: ReasoningEffort?
    private var budget: Int?
    private var enabled: Bool?

    /// Reads one member; `false` when it is not a shape this reads (it stays an extension).
    mutating func read(_ key: String, _ field: JSONField) throws(FieldError) -> Bool {
        guard field.isPresent else { return true }
        switch key {
        case "reasoning_effort":
            effort = ReasoningEffort(rawValue: try field.string())
        case "enable_thinking":
            enabled = try field.bool()
        case "thinking_budget":
            budget = try field.int()
        default:
            guard let object = field.value?.object, OpenAIChatPartReader.only(object, ["type", "budget_tokens"]) else { return false }
            switch try field["type"].string() {
            case "enabled": enabled = true
            case "disabled": enabled = false
            default: return false
            }
            if let tokens = try field["budget_tokens"].optionalInt() { budget = tokens }
        }
        return true
    }

    /// The options, or `nil` when no member asked for anything.
    var options: ReasoningOptions? {
        if enabled == false { return ReasoningOptions(effort: .disabled) }
        guard effort != nil || budget != nil || enabled == true else { return nil }
        return ReasoningOptions(effort: effort, budgetTokens: budget)
    }
}
