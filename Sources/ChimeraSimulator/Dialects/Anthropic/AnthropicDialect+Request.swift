import ChimeraCore

/// Reading a Messages request.
///
/// Besides model, `max_tokens`, messages, system, stop sequences and stream, it reads: `tools`
/// (custom tools; server tools are ignored), `tool_choice` with `disable_parallel_tool_use`,
/// `thinking` (`enabled` with `budget_tokens`, `adaptive`, `display: omitted`),
/// `output_config.format` (and the deprecated `output_format`), `cache_control` markers on
/// tools, system blocks and message blocks (and the top-level automatic one), and the blocks
/// `text`, `image`, `document`, `tool_use`, `tool_result`, `thinking` and `redacted_thinking`.
/// `top_k`, `top_p`, `temperature`, `metadata` are accepted and only recorded.
///
/// It refuses, as Anthropic does: a `tool_result` whose `tool_use_id` is not a `tool_use` of the
/// assistant turn just before, a `tool_use` not answered by the next turn, a `thinking` block
/// whose `signature` the simulator did not issue for its text (`redacted_thinking` data
/// likewise), thinking with a forced tool, a budget under 1024 or not under `max_tokens`, an
/// image or document with a bad media type or bad base64.
extension AnthropicDialect {
    /// The smallest `budget_tokens` Anthropic accepts.
    static let minimumThinkingBudget = 1024

    private static func required(_ field: JSONField) -> SimulatedFailure {
        .invalidRequest(message: "\(field.dotted): Field required", parameter: field.dotted)
    }

    private static func refused(_ field: JSONField, _ message: String) -> SimulatedFailure {
        .invalidRequest(message: "\(field.dotted): \(message)", parameter: field.dotted)
    }

    func decodePrompt(_ body: JSONField, context: PromptContext) throws(SimulatedFailure) -> ChatPrompt {
        guard let model = try body["model"].string() else { throw Self.required(body["model"]) }
        let maxTokens = try body["max_tokens"].int()
        guard maxTokens != nil || context.countingTokens else { throw Self.required(body["max_tokens"]) }
        guard let messages = try body["messages"].array() else { throw Self.required(body["messages"]) }
        var prompt = ChatPrompt(
            model: model,
            inputWords: 0,
            lastUserWords: [],
            maxOutputWords: maxTokens,
            stopSequences: try body["stop_sequences"].strings() ?? [],
            stream: try body["stream"].bool() ?? false,
            includeUsage: false
        )
        prompt.implicitCaching = false
        // Anthropic's cache prefix runs tools, then system, then messages.
        var fingerprint = PromptFingerprint(protocol: "anthropic", model: model)
        for field in try body["tools"].array() ?? [] {
            guard let tool = try Self.customTool(field) else { continue }
            prompt.tools.append(tool)
            prompt.inputWords += tool.words
            Self.add(field, words: tool.words, to: &fingerprint)
        }
        try readSystem(body["system"], into: &prompt, fingerprint: &fingerprint)
        try readToolChoice(body["tool_choice"], into: &prompt)
        prompt.reasoning = try Self.thinking(body["thinking"], maxTokens: maxTokens, toolChoice: prompt.toolChoice)
        try readConversation(messages, into: &prompt, fingerprint: &fingerprint)
        if body["cache_control"].isPresent {
            // Automatic caching: a marker on the last block of the request.
            fingerprint.checkpoint()
        }
        prompt.cacheCheckpoints = fingerprint.checkpoints
        let format = body["output_config"]["format"].isPresent ? body["output_config"]["format"] : body["output_format"]
        if format.isPresent {
            guard try format["type"].string() == "json_schema" else { throw Self.refused(format["type"], "Input should be 'json_schema'") }
            prompt.responseFormat = .jsonSchema(format["schema"].value ?? [:], name: nil)
        }
        return prompt
    }

    /// Adds a part to the cache fingerprint, and marks a prefix when the part has a `cache_control`.
    private static func add(_ field: JSONField, words: Int, to fingerprint: inout PromptFingerprint) {
        fingerprint.add(field.value ?? .null, words: words)
        if field["cache_control"].isPresent { fingerprint.checkpoint() }
    }

    /// A custom tool; `nil` for Anthropic's server tools (`web_search_…`, `bash_…`), which the simulator never calls.
    private static func customTool(_ field: JSONField) throws(SimulatedFailure) -> ToolDefinition? {
        if let type = try field["type"].string(), type != "custom" { return nil }
        guard let name = try field["name"].string() else { throw required(field["name"]) }
        return ToolDefinition(name: name, description: try field["description"].string(), parameters: field["input_schema"].value)
    }

    private func readSystem(_ field: JSONField, into prompt: inout ChatPrompt, fingerprint: inout PromptFingerprint) throws(SimulatedFailure) {
        guard field.isPresent else { return }
        if let text = field.value?.string {
            let words = text.split(whereSeparator: \.isWhitespace).count
            prompt.inputWords += words
            fingerprint.add(.string(text), words: words)
            return
        }
        guard let blocks = try field.array() else { return }
        for block in blocks {
            guard let text = try block["text"].string() else { throw Self.required(block["text"]) }
            let words = text.split(whereSeparator: \.isWhitespace).count
            prompt.inputWords += words
            Self.add(block, words: words, to: &fingerprint)
        }
    }

    private func readToolChoice(_ field: JSONField, into prompt: inout ChatPrompt) throws(SimulatedFailure) {
        guard field.isPresent else { return }
        switch try field["type"].string() {
        case "auto": prompt.toolChoice = .auto
        case "any": prompt.toolChoice = .required
        case "none": prompt.toolChoice = .none
        case "tool":
            guard let name = try field["name"].string() else { throw Self.required(field["name"]) }
            guard prompt.tools.contains(where: { $0.name == name }) else {
                throw Self.refused(field["name"], "Tool '\(name)' not found in tools")
            }
            prompt.toolChoice = .named(name)
        default:
            throw Self.refused(field["type"], "Input should be 'auto', 'any', 'tool' or 'none'")
        }
        if try field["disable_parallel_tool_use"].bool() == true { prompt.parallelToolCalls = false }
    }

    private static func thinking(_ field: JSONField, maxTokens: Int?, toolChoice: ToolChoice) throws(SimulatedFailure) -> ReasoningRequest? {
        guard field.isPresent else { return nil }
        switch try field["type"].string() {
        case "disabled":
            return nil
        case "enabled":
            guard let budget = try field["budget_tokens"].int() else { throw required(field["budget_tokens"]) }
            guard budget >= minimumThinkingBudget else {
                throw .invalidRequest(message: "thinking.enabled.budget_tokens: Input should be greater than or equal to \(minimumThinkingBudget)", parameter: "thinking.budget_tokens")
            }
            if let maxTokens, maxTokens <= budget {
                throw .invalidRequest(message: "`max_tokens` must be greater than `thinking.budget_tokens`.", parameter: "max_tokens")
            }
        case "adaptive":
            break
        default:
            throw refused(field["type"], "Input should be 'enabled', 'adaptive' or 'disabled'")
        }
        switch toolChoice {
        case .required, .named, .oneOf:
            throw .invalidRequest(message: "Thinking may not be enabled when tool_choice forces tool use.", parameter: "tool_choice")
        case .auto, .none:
            break
        }
        let omitted = try field["display"].string() == "omitted"
        return ReasoningRequest(shownText: omitted ? "" : ReasoningRequest.text, tokens: ReasoningRequest.words)
    }

    /// The messages: words, the last user turn, tool use and results, and the reasoning sent back.
    private func readConversation(_ messages: [JSONField], into prompt: inout ChatPrompt, fingerprint: inout PromptFingerprint) throws(SimulatedFailure) {
        // The `tool_use` ids of the assistant turn just before, and their names.
        var previousUses: [(id: String, name: String)] = []
        var previousIndex = 0
        for (index, message) in messages.enumerated() {
            guard let role = try message["role"].string() else { throw Self.required(message["role"]) }
            guard role == "user" || role == "assistant" else { throw Self.refused(message["role"], "Input should be 'user' or 'assistant'") }
            var content = TurnContent()
            var results: [(id: String, result: ToolResult)] = []
            var uses: [(id: String, name: String)] = []
            if let text = message["content"].value?.string {
                content.append(text: text)
                fingerprint.add(.string(text), words: content.words)
            } else {
                guard let blocks = try message["content"].array() else { throw Self.required(message["content"]) }
                for block in blocks {
                    var blockContent = TurnContent()
                    try readBlock(block, role: role, previousUses: previousUses, content: &blockContent, results: &results, uses: &uses)
                    content.append(contentsOf: blockContent)
                    Self.add(block, words: blockContent.words, to: &fingerprint)
                }
            }
            prompt.inputWords += content.words
            if role == "user" {
                let answered = Set(results.map(\.id))
                let unanswered = previousUses.map(\.id).filter { !answered.contains($0) }
                if !unanswered.isEmpty {
                    throw .invalidRequest(
                        message: "messages.\(previousIndex): `tool_use` ids were found without `tool_result` blocks immediately after: \(unanswered.joined(separator: ", ")). Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
                        parameter: "messages.\(previousIndex)"
                    )
                }
                prompt.lastUserWords = content.echoWords
            }
            previousUses = role == "assistant" ? uses : []
            previousIndex = index
            if index == messages.count - 1 {
                // A last assistant turn is a prefill: the answer continues it and calls no tool.
                prompt.endsWithUserTurn = role == "user" && results.isEmpty
                prompt.toolResults = role == "user" ? results.map(\.result) : []
            }
        }
        if messages.isEmpty { prompt.endsWithUserTurn = false }
    }

    /// One content block: its words and attachments go to `content`, its tool use or result to
    /// `uses` or `results`; reasoning sent back is verified.
    private func readBlock(
        _ block: JSONField,
        role: String,
        previousUses: [(id: String, name: String)],
        content: inout TurnContent,
        results: inout [(id: String, result: ToolResult)],
        uses: inout [(id: String, name: String)]
    ) throws(SimulatedFailure) {
        guard let type = try block["type"].string() else { throw Self.required(block["type"]) }
        switch type {
        case "text":
            guard let text = try block["text"].string() else { throw Self.required(block["text"]) }
            content.append(text: text)
        case "image":
            content.append(try Self.image(block["source"]))
        case "document":
            content.append(try Self.document(block["source"]))
        case "tool_use":
            guard let id = try block["id"].string() else { throw Self.required(block["id"]) }
            guard let name = try block["name"].string() else { throw Self.required(block["name"]) }
            uses.append((id, name))
        case "tool_result":
            guard let id = try block["tool_use_id"].string() else { throw Self.required(block["tool_use_id"]) }
            guard let use = previousUses.first(where: { $0.id == id }) else {
                throw .invalidRequest(
                    message: "\(block.dotted): unexpected `tool_use_id` found in `tool_result` blocks: \(id). Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
                    parameter: block.dotted
                )
            }
            let resultContent = try toolResultContent(block["content"])
            content.append(contentsOf: resultContent)
            results.append((id, ToolResult(name: use.name, content: resultContent.text, isError: try block["is_error"].bool() ?? false)))
        case "thinking":
            guard let thinking = try block["thinking"].string() else { throw Self.required(block["thinking"]) }
            guard let signature = try block["signature"].string() else { throw Self.required(block["signature"]) }
            guard ThoughtSignature.verify(signature, of: thinking, for: .anthropicThinking) else {
                throw .invalidRequest(message: "\(block.dotted): Invalid `signature` in `thinking` block", parameter: "\(block.dotted).signature")
            }
        case "redacted_thinking":
            guard let data = try block["data"].string() else { throw Self.required(block["data"]) }
            guard ThoughtSignature.unseal(data, for: .anthropicRedacted) != nil else {
                throw .invalidRequest(message: "\(block.dotted): Invalid `data` in `redacted_thinking` block", parameter: "\(block.dotted).data")
            }
        default:
            // Server-tool blocks, search results, containers: accepted, nothing to count.
            break
        }
    }

    /// A `tool_result`'s content: a string, or text and image blocks.
    private func toolResultContent(_ field: JSONField) throws(SimulatedFailure) -> TurnContent {
        var content = TurnContent()
        if let text = field.value?.string {
            content.append(text: text)
            return content
        }
        for block in try field.array() ?? [] {
            switch try block["type"].string() {
            case "text": content.append(text: try block["text"].string() ?? "")
            case "image": content.append(try Self.image(block["source"]))
            case "document": content.append(try Self.document(block["source"]))
            default: break
            }
        }
        return content
    }

    private static let imageTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"]

    /// An `image` block's source: base64 with an image media type, a URL or an uploaded file.
    private static func image(_ source: JSONField) throws(SimulatedFailure) -> Attachment {
        switch try source["type"].string() {
        case "base64":
            guard let mediaType = try source["media_type"].string(), imageTypes.contains(mediaType) else {
                throw .invalidRequest(
                    message: "\(source.dotted).base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
                    parameter: "\(source.dotted).media_type"
                )
            }
            return Attachment(kind: .image, source: .inline(mediaType: mediaType, bytes: try base64Size(source)))
        case "url", "file":
            return Attachment(kind: .image, source: try linked(source))
        default:
            throw refused(source["type"], "Input should be 'base64', 'url' or 'file'")
        }
    }

    /// A `document` block's source: a base64 PDF, plain text, a URL, content blocks or an uploaded file.
    private static func document(_ source: JSONField) throws(SimulatedFailure) -> Attachment {
        switch try source["type"].string() {
        case "base64":
            guard try source["media_type"].string() == "application/pdf" else {
                throw .invalidRequest(message: "\(source.dotted).base64.media_type: Input should be 'application/pdf'", parameter: "\(source.dotted).media_type")
            }
            return Attachment(kind: .document, source: .inline(mediaType: "application/pdf", bytes: try base64Size(source)))
        case "text":
            guard let data = try source["data"].string() else { throw required(source["data"]) }
            return Attachment(kind: .document, source: .inline(mediaType: try source["media_type"].string() ?? "text/plain", bytes: data.utf8.count))
        case "content":
            let text = (try source["content"].array() ?? []).compactMap { $0["text"].value?.string }.joined(separator: " ")
            let single = source["content"].value?.string
            return Attachment(kind: .document, source: .inline(mediaType: "text/plain", bytes: (single ?? text).utf8.count))
        case "url", "file":
            return Attachment(kind: .document, source: try linked(source))
        default:
            throw refused(source["type"], "Input should be 'base64', 'text', 'content', 'url' or 'file'")
        }
    }

    /// A source of type `url` (its `url`) or `file` (its `file_id`).
    private static func linked(_ source: JSONField) throws(SimulatedFailure) -> Attachment.Source {
        if try source["type"].string() == "url" {
            guard let url = try source["url"].string() else { throw required(source["url"]) }
            return .url(url)
        }
        guard let id = try source["file_id"].string() else { throw required(source["file_id"]) }
        return .file(id: id)
    }

    private static func base64Size(_ source: JSONField) throws(SimulatedFailure) -> Int {
        guard let data = try source["data"].string() else { throw required(source["data"]) }
        guard let size = Attachment.decodedSize(ofBase64: data) else {
            throw .invalidRequest(message: "\(source.dotted).base64.data: Invalid base64 data", parameter: "\(source.dotted).data")
        }
        return size
    }
}
