import ChimeraCore

/// Reading a Chat Completions request.
///
/// Besides model, messages, limits, stop and stream options, it reads: function `tools`,
/// `tool_choice`, `parallel_tool_calls`; content parts `text`, `image_url` (data URL or http(s)),
/// `input_audio` and `file`; `response_format`; `reasoning_effort` (OpenAI), `enable_thinking`
/// (Qwen) and `thinking` (DeepSeek); `n`, `logprobs` and `top_logprobs`. Other fields (`seed`,
/// penalties, `user`, …) are accepted and only recorded.
///
/// It refuses, as OpenAI does: an assistant `tool_calls` id without a following `tool`
/// message, a `tool` message that answers no call of the assistant turn before it, a bad
/// image data URL, `json_object` without the word "json" in the messages, a `tool_choice`
/// without tools or naming an unknown tool.
extension OpenAIDialect {
    /// The reasoning tokens OpenAI models report for each `reasoning_effort`.
    static let reasoningTokens: [String: Int] = ["none": 0, "minimal": 8, "low": 16, "medium": 32, "high": 64, "xhigh": 128, "max": 256]

    func decodePrompt(_ body: JSONField, context: PromptContext) throws(SimulatedFailure) -> ChatPrompt {
        guard let model = try body["model"].string() else { throw Self.missing("model") }
        guard let messages = try body["messages"].array() else { throw Self.missing("messages") }
        let provider = provider(forModel: model)
        // `max_tokens` is the older name; compatible servers (DeepSeek, Qwen) still use it.
        let limitField = body["max_completion_tokens"].isPresent ? body["max_completion_tokens"] : body["max_tokens"]
        var prompt = ChatPrompt(
            model: model,
            inputWords: 0,
            lastUserWords: [],
            maxOutputWords: try limitField.int(),
            stopSequences: try body["stop"].strings() ?? [],
            stream: try body["stream"].bool() ?? false,
            includeUsage: try body["stream_options"]["include_usage"].bool() ?? false
        )
        var fingerprint = PromptFingerprint(protocol: "openai", model: model)
        let toolFields = try body["tools"].array() ?? []
        for field in toolFields {
            guard let tool = try Self.functionTool(field) else { continue }
            prompt.tools.append(tool)
            prompt.inputWords += tool.words
            fingerprint.add(field.value ?? .null, words: tool.words)
        }
        prompt.toolChoice = try Self.toolChoice(body["tool_choice"], tools: prompt.tools)
        prompt.parallelToolCalls = try body["parallel_tool_calls"].bool() ?? true
        try readConversation(messages, into: &prompt, fingerprint: &fingerprint)
        prompt.cacheCheckpoints = fingerprint.checkpoints
        prompt.responseFormat = try Self.responseFormat(body["response_format"], messages: messages)
        prompt.reasoning = try reasoning(body, model: model, provider: provider)
        prompt.choiceCount = try Self.bounded(body["n"], in: 1...128) ?? 1
        if try body["logprobs"].bool() == true {
            prompt.topLogprobs = try Self.bounded(body["top_logprobs"], in: 0...20) ?? 0
        } else if body["top_logprobs"].isPresent {
            throw .invalidRequest(message: "Invalid value for 'top_logprobs': 'logprobs' must be set to true to use 'top_logprobs'.", parameter: "top_logprobs")
        }
        return prompt
    }

    static func missing(_ parameter: String) -> SimulatedFailure {
        .invalidRequest(message: "Missing required parameter: '\(parameter)'.", parameter: parameter)
    }

    static func bounded(_ field: JSONField, in range: ClosedRange<Int>) throws(SimulatedFailure) -> Int? {
        guard let value = try field.int() else { return nil }
        guard range.contains(value) else { throw field.invalid("an integer from \(range.lowerBound) to \(range.upperBound)") }
        return value
    }

    /// The messages: words, the last user turn, tool calls and their results, in order.
    private func readConversation(_ messages: [JSONField], into prompt: inout ChatPrompt, fingerprint: inout PromptFingerprint) throws(SimulatedFailure) {
        var callNames: [String: String] = [:]
        // The calls of the latest assistant turn, and those not answered yet.
        var answerable: Set<String> = []
        var pending: (index: Int, ids: [String])?
        var trailingResults: [ToolResult] = []
        for (index, message) in messages.enumerated() {
            guard let role = try message["role"].string() else { throw Self.missing("messages[\(index)].role") }
            let content = try Self.content(message["content"])
            prompt.inputWords += content.words
            if index < messages.count - 1 { fingerprint.add(message.value ?? .null, words: content.words) }
            if role == "tool" {
                let field = message["tool_call_id"]
                guard let id = try field.string() else { throw Self.missing(field.bracketed) }
                guard answerable.contains(id) else {
                    throw .invalidRequest(
                        message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
                        parameter: "messages.[\(index)].role"
                    )
                }
                pending?.ids.removeAll { $0 == id }
                trailingResults.append(ToolResult(name: callNames[id] ?? id, content: content.text))
                continue
            }
            try Self.requireAnswered(pending)
            pending = nil
            answerable = []
            trailingResults = []
            switch role {
            case "user":
                prompt.lastUserWords = content.echoWords
            case "assistant":
                var ids: [String] = []
                for call in try message["tool_calls"].array() ?? [] {
                    guard let id = try call["id"].string() else { throw Self.missing(call["id"].bracketed) }
                    callNames[id] = try call["function"]["name"].string() ?? ""
                    ids.append(id)
                }
                if !ids.isEmpty {
                    pending = (index, ids)
                    answerable = Set(ids)
                }
            default:
                break
            }
        }
        try Self.requireAnswered(pending)
        fingerprint.checkpoint()
        let lastRole = try messages.last?["role"].string()
        prompt.endsWithUserTurn = lastRole == "user"
        prompt.toolResults = lastRole == "tool" ? trailingResults : []
    }

    private static func requireAnswered(_ pending: (index: Int, ids: [String])?) throws(SimulatedFailure) {
        guard let pending, !pending.ids.isEmpty else { return }
        throw .invalidRequest(
            message: "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: \(pending.ids.joined(separator: ", "))",
            parameter: "messages.[\(pending.index)].role"
        )
    }

    /// A message's content: a string, `null`, or an array of parts.
    static func content(_ field: JSONField) throws(SimulatedFailure) -> TurnContent {
        var content = TurnContent()
        guard field.isPresent else { return content }
        if let text = field.value?.string {
            content.append(text: text)
            return content
        }
        guard case .array? = field.value, let parts = try field.array() else { throw field.invalid("a string or an array of content parts") }
        for part in parts {
            switch try part["type"].string() {
            case "text":
                guard let text = try part["text"].string() else { throw missing(part["text"].bracketed) }
                content.append(text: text)
            case "image_url":
                let url = part["image_url"]["url"]
                guard let text = try url.string() else { throw missing(url.bracketed) }
                content.append(try imageAttachment(text, field: url))
            case "input_audio":
                let data = part["input_audio"]["data"]
                guard let base64 = try data.string(), let size = Attachment.decodedSize(ofBase64: base64) else {
                    throw .invalidRequest(message: "Invalid '\(data.bracketed)': expected base64-encoded audio data.", parameter: data.bracketed)
                }
                let format = try part["input_audio"]["format"].string() ?? "wav"
                content.append(Attachment(kind: .audio, source: .inline(mediaType: "audio/\(format)", bytes: size)))
            case "file":
                content.append(try fileAttachment(part["file"]))
            default:
                // Refusals and part types the simulator does not know carry nothing it counts.
                break
            }
        }
        return content
    }

    /// An `image_url` URL: a base64 data URL with an image media type, or an http(s) URL.
    static func imageAttachment(_ url: String, field: JSONField) throws(SimulatedFailure) -> Attachment {
        if Attachment.isWebURL(url) { return Attachment(kind: .image, source: .url(url)) }
        let expected = "Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got"
        guard let (mediaType, base64) = Attachment.dataURL(url) else {
            throw .invalidRequest(message: "Invalid '\(field.bracketed)'. \(expected) a value with an invalid format.", parameter: field.bracketed, code: "invalid_value")
        }
        guard ["image/png", "image/jpeg", "image/gif", "image/webp"].contains(mediaType.lowercased()) else {
            throw .invalidRequest(message: "Invalid '\(field.bracketed)'. \(expected) unsupported MIME type '\(mediaType)'.", parameter: field.bracketed, code: "invalid_value")
        }
        guard let size = Attachment.decodedSize(ofBase64: base64) else {
            throw .invalidRequest(message: "Invalid '\(field.bracketed)'. \(expected) invalid base64 data.", parameter: field.bracketed, code: "invalid_value")
        }
        return Attachment(kind: .image, source: .inline(mediaType: mediaType.lowercased(), bytes: size))
    }

    /// A `file` part: `file_data` as a base64 data URL, or a `file_id`.
    static func fileAttachment(_ file: JSONField) throws(SimulatedFailure) -> Attachment {
        if let id = try file["file_id"].string() { return Attachment(kind: .file, source: .file(id: id)) }
        let data = file["file_data"]
        guard let url = try data.string() else { throw missing(data.bracketed) }
        guard let (mediaType, base64) = Attachment.dataURL(url), !mediaType.isEmpty, let size = Attachment.decodedSize(ofBase64: base64) else {
            throw .invalidRequest(message: "Invalid '\(data.bracketed)'. Expected a base64-encoded data URL (e.g. 'data:application/pdf;base64,…').", parameter: data.bracketed, code: "invalid_value")
        }
        return Attachment(kind: Attachment.kind(ofMediaType: mediaType), source: .inline(mediaType: mediaType.lowercased(), bytes: size))
    }

    /// A `{type: function, function: {…}}` tool; `nil` for the other tool types, which the simulator never calls.
    private static func functionTool(_ field: JSONField) throws(SimulatedFailure) -> ToolDefinition? {
        guard try field["type"].string() ?? "function" == "function" else { return nil }
        let function = field["function"]
        guard let name = try function["name"].string() else { throw missing(function["name"].bracketed) }
        return ToolDefinition(name: name, description: try function["description"].string(), parameters: function["parameters"].value)
    }

    private static func toolChoice(_ field: JSONField, tools: [ToolDefinition]) throws(SimulatedFailure) -> ToolChoice {
        guard field.isPresent else { return .auto }
        guard !tools.isEmpty else {
            throw .invalidRequest(message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", parameter: "tool_choice")
        }
        if let mode = field.value?.string { return try toolChoice(mode: mode) }
        _ = try field.object()
        switch try field["type"].string() {
        case "function":
            let name = field["function"]["name"]
            guard let tool = try name.string() else { throw missing(name.bracketed) }
            guard tools.contains(where: { $0.name == tool }) else {
                throw .invalidRequest(message: "Invalid value for 'tool_choice': function '\(tool)' is not one of the provided 'tools'.", parameter: "tool_choice")
            }
            return .named(tool)
        case "allowed_tools":
            let allowed = field["allowed_tools"]
            var names: [String] = []
            for tool in try allowed["tools"].array() ?? [] {
                let name = tool["function"]["name"].isPresent ? tool["function"]["name"] : tool["name"]
                if let name = try name.string() { names.append(name) }
            }
            return try allowed["mode"].string() == "required" ? .oneOf(names) : .auto
        default:
            return .auto
        }
    }

    /// A `tool_choice` given as a string, as Chat Completions and the Responses API both take it.
    static func toolChoice(mode: String) throws(SimulatedFailure) -> ToolChoice {
        switch mode {
        case "auto": return .auto
        case "none": return .none
        case "required": return .required
        default:
            throw .invalidRequest(message: "Invalid value: '\(mode)'. Supported values are: 'none', 'auto', and 'required'.", parameter: "tool_choice", code: "invalid_value")
        }
    }

    private static func responseFormat(_ field: JSONField, messages: [JSONField]) throws(SimulatedFailure) -> ResponseFormat {
        guard field.isPresent else { return .text }
        switch try field["type"].string() {
        case "text"?:
            return .text
        case "json_object"?:
            // The conversation was read (and checked) before, so reading its content again cannot fail.
            var mentionsJSON = false
            for message in messages where try content(message["content"]).text.lowercased().contains("json") {
                mentionsJSON = true
            }
            guard mentionsJSON else {
                throw .invalidRequest(
                    message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
                    parameter: "messages"
                )
            }
            return .jsonObject
        case "json_schema"?:
            let schema = field["json_schema"]
            guard let name = try schema["name"].string() else { throw missing(schema["name"].bracketed) }
            return .jsonSchema(schema["schema"].value ?? [:], name: name)
        case let other:
            throw .invalidRequest(
                message: "Invalid value: '\(other ?? "")'. Supported values are: 'json_object', 'json_schema', and 'text'.",
                parameter: "response_format.type",
                code: "invalid_value"
            )
        }
    }

    /// The flavour's reasoning: DeepSeek always shows it (counted for `deepseek-reasoner` and
    /// `thinking: {type: enabled}`; other DeepSeek models keep the simulator's older uncounted
    /// reasoning); Qwen shows it with `enable_thinking`; OpenAI and Cursor count `reasoning_effort`.
    private func reasoning(_ body: JSONField, model: String, provider: ProviderID) throws(SimulatedFailure) -> ReasoningRequest? {
        switch provider {
        case .deepseek:
            let thinking = try body["thinking"]["type"].string()
            if thinking == "disabled" { return nil }
            let reasoner = SimulatorOptions.baseModel(model).lowercased().hasPrefix("deepseek-reasoner")
            return .shown(counted: reasoner || thinking == "enabled")
        case .qwen:
            return try body["enable_thinking"].bool() == true ? .shown() : nil
        default:
            guard let effort = try body["reasoning_effort"].string() else { return nil }
            guard let tokens = Self.reasoningTokens[effort] else {
                throw .invalidRequest(
                    message: "Invalid value: '\(effort)'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', 'xhigh' and 'max'.",
                    parameter: "reasoning_effort",
                    code: "invalid_value"
                )
            }
            return tokens == 0 ? nil : .hidden(tokens: tokens)
        }
    }
}
