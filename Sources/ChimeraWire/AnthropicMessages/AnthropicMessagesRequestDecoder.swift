import ChimeraCore

/// Reads an inbound Messages request (or a token-count request) into the domain.
///
/// | wire | domain |
/// |---|---|
/// | `model`, `max_tokens` (required for messages), `temperature`, `top_p`, `top_k`, `stop_sequences`, `stream` | the fields of the same meaning |
/// | `system` (string, or text blocks) | one ``ChatMessage/Role/system`` message per block, first, cache markers kept |
/// | `messages[]` (`user`, `assistant`, mid-conversation `system`) | messages in order; blocks → parts (``AnthropicMessagesBlocks``) |
/// | `metadata.user_id` | ``ChatRequest/user``; other `metadata` members → extension `metadata` |
/// | `tools[]` custom (`name`, `description`, `input_schema`, `cache_control`, `strict`) | ``Tool``; server tools and custom tools with other members (`input_examples`, `defer_loading`, …) → extension `tools`, as sent |
/// | `tool_choice` `auto` / `any` / `tool` / `none`, `disable_parallel_tool_use` | ``ToolChoice``, ``ChatRequest/parallelToolCalls`` (a choice naming a tool kept in the extension stays there too) |
/// | `thinking` `enabled` (`budget_tokens`) / `disabled` / `adaptive`, `display` | ``ReasoningOptions`` (budget; ``ReasoningEffort/disabled``; nothing set = the model decides), `display` summarized/omitted → ``ReasoningOptions/includeThoughts`` true/false |
/// | `output_config.format` (and the deprecated `output_format`) `json_schema` | ``ResponseFormat/jsonSchema(_:)`` named `response`, strict; other `output_config` members → extension `output_config` |
/// | anything else (`service_tier`, `container`, `mcp_servers`, `context_management`, `inference_geo`, top-level `cache_control`, …) | the extension, as sent |
///
/// Range checks are ``ChatRequest/validate()``'s; this reads structure only.
enum AnthropicMessagesRequestDecoder {
    /// Decodes a body.
    ///
    /// - Parameters:
    ///   - stream: Overrides the body's `stream` when given.
    ///   - requireMaxTokens: Whether `max_tokens` must be there (messages: yes; token counts: no).
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field.
    static func decode(_ body: [UInt8], provider: ProviderID, stream: Bool?, requireMaxTokens: Bool) throws(ChimeraError) -> ChatRequest {
        do {
            return try read(JSONField.parse(body), provider: provider, stream: stream, requireMaxTokens: requireMaxTokens)
        } catch {
            throw error.invalidRequest(provider: provider)
        }
    }

    private static func read(_ root: JSONField, provider: ProviderID, stream: Bool?, requireMaxTokens: Bool) throws(FieldError) -> ChatRequest {
        guard root.value?.object != nil else { throw root.failure("expected a JSON object") }
        var request = ChatRequest(provider: provider, model: try root["model"].string(), messages: [])
        if requireMaxTokens { _ = try root["max_tokens"].int() }
        _ = try root["messages"].elements()

        var extensions = JSONObject()
        var system: [ChatMessage] = []
        var conversation: [ChatMessage] = []
        var wireStream: Bool?
        for (key, field) in try root.members() {
            switch key {
            case "model": break
            case "max_tokens": request.maxTokens = try field.optionalInt()
            case "system": system = try systemMessages(field)
            case "messages": conversation = try messages(field)
            case "temperature": request.temperature = try field.optionalDouble()
            case "top_p": request.topP = try field.optionalDouble()
            case "top_k": request.topK = try field.optionalInt()
            case "stop_sequences": request.stopSequences = try field.optionalElements().map { (element) throws(FieldError) in try element.string() }
            case "stream": wireStream = try field.optionalBool()
            case "metadata": try readMetadata(field, into: &request, extensions: &extensions)
            case "tools": try readTools(field, into: &request, extensions: &extensions)
            // Read once the tools are known: a choice may name one.
            case "tool_choice": break
            case "thinking": try readThinking(field, into: &request, extensions: &extensions)
            case "output_config": try readOutputConfig(field, into: &request, extensions: &extensions)
            // The deprecated spelling of output_config.format, which wins when both are there.
            case "output_format": break
            default: extensions[key] = field.value
            }
        }
        if root["tool_choice"].isPresent { try readToolChoice(root["tool_choice"], into: &request, extensions: &extensions) }
        if root["output_format"].isPresent {
            if request.responseFormat == nil, let format = try schemaFormat(root["output_format"]) {
                request.responseFormat = format
            } else {
                extensions["output_format"] = root["output_format"].value
            }
        }
        request.messages = system + conversation
        request.stream = stream ?? wireStream ?? false
        if !extensions.isEmpty { request.extensions[.anthropicMessages] = extensions }
        return request
    }

    // MARK: Messages

    private static func systemMessages(_ field: JSONField) throws(FieldError) -> [ChatMessage] {
        guard field.isPresent else { return [] }
        if let text = field.value?.string { return [ChatMessage(role: .system, content: text)] }
        guard field.value?.array != nil else { throw field.failure("expected a string or an array of text blocks, found \(field.value?.typeName ?? "nothing")") }
        return try field.elements().map { (block) throws(FieldError) in
            ChatMessage(role: .system, parts: [try AnthropicMessagesBlocks.requestPart(block)])
        }
    }

    private static func messages(_ field: JSONField) throws(FieldError) -> [ChatMessage] {
        try field.elements().map { (message) throws(FieldError) in
            let roleName = try message["role"].string()
            let role: ChatMessage.Role
            switch roleName {
            case "user": role = .user
            case "assistant": role = .assistant
            // Anthropic's mid-conversation system message: kept where it is.
            case "system": role = .system
            default: throw message["role"].failure("\"\(roleName.prefix(64))\" is not a role of Anthropic Messages; accepted: user, assistant, system")
            }
            for (key, member) in try message.members() where key != "role" && key != "content" && member.isPresent {
                throw member.failure("not a member of a message; a message has role and content")
            }
            let content = message["content"]
            if let text = content.value?.string { return ChatMessage(role: role, content: text) }
            guard content.value?.array != nil else {
                throw content.failure(content.isPresent ? "expected a string or an array of content blocks, found \(content.value?.typeName ?? "")" : "required")
            }
            return ChatMessage(role: role, parts: try content.elements().map { (block) throws(FieldError) in
                try AnthropicMessagesBlocks.requestPart(block)
            })
        }
    }

    // MARK: Options

    private static func readMetadata(_ field: JSONField, into request: inout ChatRequest, extensions: inout JSONObject) throws(FieldError) {
        guard field.isPresent else { return }
        var others = try field.object()
        request.user = try field["user_id"].optionalString()
        others["user_id"] = nil
        if !others.isEmpty { extensions["metadata"] = .object(others) }
    }

    private static let customToolMembers: Set<String> = ["type", "name", "description", "input_schema", "cache_control", "strict"]

    private static func readTools(_ field: JSONField, into request: inout ChatRequest, extensions: inout JSONObject) throws(FieldError) {
        var kept: [JSONValue] = []
        for tool in try field.optionalElements() {
            let type = try tool["type"].optionalString()
            guard type == nil || type == "custom", AnthropicMessagesWire.hasOnly(tool, customToolMembers) else {
                _ = try tool.object()
                kept.append(tool.value ?? .null)
                continue
            }
            request.tools.append(Tool(
                name: try tool["name"].string(),
                description: try tool["description"].optionalString(),
                parameters: .object(try tool["input_schema"].object()),
                strict: try tool["strict"].optionalBool(),
                cacheControl: try AnthropicMessagesWire.cacheControl(tool["cache_control"])
            ))
        }
        if !kept.isEmpty { extensions["tools"] = .array(kept) }
    }

    private static func readToolChoice(_ field: JSONField, into request: inout ChatRequest, extensions: inout JSONObject) throws(FieldError) {
        let choice: ToolChoice?
        var members: Set<String> = ["type", "disable_parallel_tool_use"]
        switch try field["type"].string() {
        case "auto": choice = .auto
        case "any": choice = .required
        case "none": choice = ToolChoice.none; members = ["type"]
        case "tool":
            let name = try field["name"].string()
            members.insert("name")
            // A tool the domain does not hold (a server tool, a tool kept as sent) is named by
            // a choice that stays with it, as sent.
            choice = request.tools.contains { $0.name == name } ? .tool(name) : nil
        default: choice = nil
        }
        guard let choice, AnthropicMessagesWire.hasOnly(field, members) else {
            extensions["tool_choice"] = field.value
            return
        }
        request.toolChoice = choice
        if let disabled = try field["disable_parallel_tool_use"].optionalBool() { request.parallelToolCalls = !disabled }
    }

    private static func readThinking(_ field: JSONField, into request: inout ChatRequest, extensions: inout JSONObject) throws(FieldError) {
        guard field.isPresent else { return }
        var includeThoughts: Bool?
        switch try field["display"].optionalString() {
        case nil: includeThoughts = nil
        case "summarized": includeThoughts = true
        case "omitted": includeThoughts = false
        default:
            extensions["thinking"] = field.value
            return
        }
        let reasoning: ReasoningOptions
        switch try field["type"].string() {
        case "enabled" where AnthropicMessagesWire.hasOnly(field, ["type", "budget_tokens", "display"]):
            reasoning = ReasoningOptions(budgetTokens: try field["budget_tokens"].int(), includeThoughts: includeThoughts)
        case "disabled" where AnthropicMessagesWire.hasOnly(field, ["type"]):
            reasoning = ReasoningOptions(effort: .disabled)
        case "adaptive" where AnthropicMessagesWire.hasOnly(field, ["type", "display"]):
            reasoning = ReasoningOptions(includeThoughts: includeThoughts)
        default:
            extensions["thinking"] = field.value
            return
        }
        request.reasoning = reasoning
    }

    private static func readOutputConfig(_ field: JSONField, into request: inout ChatRequest, extensions: inout JSONObject) throws(FieldError) {
        guard field.isPresent else { return }
        var others = try field.object()
        if field["format"].isPresent, let format = try schemaFormat(field["format"]) {
            request.responseFormat = format
            others["format"] = nil
        }
        if !others.isEmpty { extensions["output_config"] = .object(others) }
    }

    /// `{"type":"json_schema","schema":{…}}` as a schema format, or `nil` for another shape
    /// (kept as sent).
    private static func schemaFormat(_ field: JSONField) throws(FieldError) -> ResponseFormat? {
        guard try field["type"].optionalString() == "json_schema", AnthropicMessagesWire.hasOnly(field, ["type", "schema"]) else { return nil }
        // Anthropic's format has no name and always holds the output to the schema.
        return .jsonSchema(JSONSchemaFormat(name: "response", schema: .object(try field["schema"].object()), strict: true))
    }
}
