import ChimeraCore

/// Reading a Responses API request.
///
/// `input` is a string (one user message) or items: `message` (roles `user`, `system`,
/// `developer`, `assistant`; content a string or `input_text`, `input_image`, `input_file`,
/// `output_text` parts), `function_call`, `function_call_output` and `reasoning`. Also read:
/// `instructions`, function `tools`, `tool_choice`, `parallel_tool_calls`, `text.format`,
/// `reasoning.effort`/`summary`, `max_output_tokens`, `store`, `previous_response_id`, `include`.
/// Other fields are accepted and only recorded.
///
/// It refuses, as OpenAI does: a `previous_response_id` the simulator did not issue (or did not
/// store, or has forgotten: it remembers 100), a `function_call_output` whose `call_id` is no
/// call of this input or of the previous response, and a `reasoning` item whose
/// `encrypted_content` the simulator did not issue.
extension ResponsesDialect {
    func decodePrompt(_ body: JSONField, context: PromptContext) throws(SimulatedFailure) -> ChatPrompt {
        guard let model = try body["model"].string() else { throw OpenAIDialect.missing("model") }
        var settings = ResponsesSettings()
        var prompt = ChatPrompt(
            model: model,
            inputWords: 0,
            lastUserWords: [],
            maxOutputWords: try body["max_output_tokens"].int(),
            stopSequences: [],
            stream: try body["stream"].bool() ?? false,
            includeUsage: false
        )
        settings.maxOutputTokens = body["max_output_tokens"].value ?? nil
        var fingerprint = PromptFingerprint(protocol: "openai-responses", model: model)
        if let instructions = try body["instructions"].string() {
            settings.instructions = .string(instructions)
            let words = instructions.split(whereSeparator: \.isWhitespace).count
            prompt.inputWords += words
            fingerprint.add(.string(instructions), words: words)
        }
        for field in try body["tools"].array() ?? [] where try field["type"].string() == "function" {
            guard let name = try field["name"].string() else { throw OpenAIDialect.missing(field["name"].bracketed) }
            let tool = ToolDefinition(name: name, description: try field["description"].string(), parameters: field["parameters"].value)
            prompt.tools.append(tool)
            prompt.inputWords += tool.words
            fingerprint.add(field.value ?? .null, words: tool.words)
        }
        settings.tools = body["tools"].value ?? []
        prompt.toolChoice = try Self.toolChoice(body["tool_choice"], tools: prompt.tools)
        settings.toolChoice = body["tool_choice"].value ?? "auto"
        prompt.parallelToolCalls = try body["parallel_tool_calls"].bool() ?? true
        settings.parallelToolCalls = prompt.parallelToolCalls

        var knownCalls: [String: String] = [:]
        if let previous = try body["previous_response_id"].string() {
            guard let calls = context.responses?.calls(ofResponse: previous) else {
                throw .invalidRequest(message: "Previous response with id '\(previous)' not found.", parameter: "previous_response_id", code: "previous_response_not_found")
            }
            settings.previousResponseID = previous
            knownCalls = calls
        }
        try readInput(body["input"], into: &prompt, knownCalls: knownCalls, fingerprint: &fingerprint)
        prompt.cacheCheckpoints = fingerprint.checkpoints

        try readFormat(body["text"], into: &prompt, settings: &settings)
        try readReasoning(body["reasoning"], into: &prompt, settings: &settings)
        settings.store = try body["store"].bool() ?? true
        settings.includeEncryptedReasoning = (try body["include"].strings() ?? []).contains("reasoning.encrypted_content")
        settings.temperature = body["temperature"].value ?? settings.temperature
        settings.topP = body["top_p"].value ?? settings.topP
        settings.metadata = body["metadata"].value ?? settings.metadata
        settings.user = body["user"].value ?? nil
        prompt.responses = settings
        return prompt
    }

    private static func toolChoice(_ field: JSONField, tools: [ToolDefinition]) throws(SimulatedFailure) -> ToolChoice {
        guard field.isPresent else { return .auto }
        if let mode = field.value?.string { return try OpenAIDialect.toolChoice(mode: mode) }
        guard try field["type"].string() == "function" else { return .auto }
        guard let name = try field["name"].string() else { throw OpenAIDialect.missing("tool_choice.name") }
        guard tools.contains(where: { $0.name == name }) else {
            throw .invalidRequest(message: "Tool choice '\(name)' not found in 'tools' parameter.", parameter: "tool_choice")
        }
        return .named(name)
    }

    /// The input: a string, or items in order.
    private func readInput(_ field: JSONField, into prompt: inout ChatPrompt, knownCalls: [String: String], fingerprint: inout PromptFingerprint) throws(SimulatedFailure) {
        if let text = field.value?.string {
            var content = TurnContent()
            content.append(text: text)
            prompt.inputWords += content.words
            prompt.lastUserWords = content.echoWords
            fingerprint.checkpoint()
            return
        }
        guard let items = try field.array() else { throw OpenAIDialect.missing("input") }
        var callNames = knownCalls
        var trailingResults: [ToolResult] = []
        for (index, item) in items.enumerated() {
            let type = try item["type"].string() ?? "message"
            var content = TurnContent()
            switch type {
            case "message":
                let role = try item["role"].string() ?? "user"
                content = try Self.content(item["content"])
                if role == "user" { prompt.lastUserWords = content.echoWords }
                trailingResults = []
            case "function_call":
                guard let id = try item["call_id"].string() else { throw OpenAIDialect.missing(item["call_id"].bracketed) }
                callNames[id] = try item["name"].string() ?? ""
                trailingResults = []
            case "function_call_output":
                guard let id = try item["call_id"].string() else { throw OpenAIDialect.missing(item["call_id"].bracketed) }
                guard let name = callNames[id] else {
                    throw .invalidRequest(message: "No tool call found for function call output with call_id \(id).", parameter: "input")
                }
                content = try Self.content(item["output"])
                trailingResults.append(ToolResult(name: name, content: content.text))
            case "reasoning":
                if let sealed = try item["encrypted_content"].string(), ThoughtSignature.unseal(sealed, for: .responsesReasoning) == nil {
                    let id = try item["id"].string() ?? "at input[\(index)]"
                    throw .invalidRequest(message: "The encrypted content for item \(id) could not be verified.", parameter: "\(item.bracketed).encrypted_content", code: "invalid_encrypted_content")
                }
                trailingResults = []
            default:
                // Item references and built-in tool items: accepted, nothing to count.
                trailingResults = []
            }
            prompt.inputWords += content.words
            if index < items.count - 1 { fingerprint.add(item.value ?? .null, words: content.words) }
        }
        fingerprint.checkpoint()
        guard let last = items.last else {
            prompt.endsWithUserTurn = false
            return
        }
        let lastType = try last["type"].string() ?? "message"
        let lastRole = try last["role"].string() ?? "user"
        prompt.toolResults = lastType == "function_call_output" ? trailingResults : []
        prompt.endsWithUserTurn = lastType == "message" && lastRole == "user"
    }

    /// A message's or a function output's content: a string or input parts.
    private static func content(_ field: JSONField) throws(SimulatedFailure) -> TurnContent {
        var content = TurnContent()
        if let text = field.value?.string {
            content.append(text: text)
            return content
        }
        for part in try field.array() ?? [] {
            switch try part["type"].string() {
            case "input_text", "output_text", "text":
                content.append(text: try part["text"].string() ?? "")
            case "input_image":
                if let id = try part["file_id"].string() {
                    content.append(Attachment(kind: .image, source: .file(id: id)))
                } else {
                    guard let url = try part["image_url"].string() else { throw OpenAIDialect.missing(part["image_url"].bracketed) }
                    content.append(try OpenAIDialect.imageAttachment(url, field: part["image_url"]))
                }
            case "input_file":
                if let url = try part["file_url"].string() {
                    content.append(Attachment(kind: .document, source: .url(url)))
                } else {
                    content.append(try OpenAIDialect.fileAttachment(part))
                }
            default:
                break
            }
        }
        return content
    }

    private func readFormat(_ field: JSONField, into prompt: inout ChatPrompt, settings: inout ResponsesSettings) throws(SimulatedFailure) {
        let format = field["format"]
        guard format.isPresent else { return }
        settings.text = field.value ?? settings.text
        switch try format["type"].string() {
        case "text"?: prompt.responseFormat = .text
        case "json_object"?: prompt.responseFormat = .jsonObject
        case "json_schema"?:
            guard let name = try format["name"].string() else { throw OpenAIDialect.missing("text.format.name") }
            prompt.responseFormat = .jsonSchema(format["schema"].value ?? [:], name: name)
        case let other:
            throw .invalidRequest(
                message: "Invalid value: '\(other ?? "")'. Supported values are: 'text', 'json_object' and 'json_schema'.",
                parameter: "text.format.type",
                code: "invalid_value"
            )
        }
    }

    private func readReasoning(_ field: JSONField, into prompt: inout ChatPrompt, settings: inout ResponsesSettings) throws(SimulatedFailure) {
        guard field.isPresent else { return }
        let effort = try field["effort"].string()
        let summary = try field["summary"].string()
        settings.reasoning = ["effort": .nullable(effort), "summary": .nullable(summary)]
        guard let effort else { return }
        guard let tokens = OpenAIDialect.reasoningTokens[effort] else {
            throw .invalidRequest(
                message: "Invalid value: '\(effort)'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', 'xhigh' and 'max'.",
                parameter: "reasoning.effort",
                code: "invalid_value"
            )
        }
        if tokens > 0 {
            prompt.reasoning = .hidden(tokens: tokens)
            settings.reasoningSummary = summary != nil
        }
    }
}
