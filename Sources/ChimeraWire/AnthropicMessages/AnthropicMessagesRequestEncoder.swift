import ChimeraCore

/// Writes a domain request, from any family, as a Messages request body.
///
/// | domain | wire |
/// |---|---|
/// | system messages before the first turn | `system`: a string, or text blocks when there are several or one carries a cache marker |
/// | a system message after the conversation began | a `system`-role message where it is (Anthropic's mid-conversation system message) |
/// | user messages, and tool-role messages with tool results | `user` turns; consecutive tool-role messages (and a user message right after them) make one turn, `tool_result` blocks first |
/// | assistant messages | `assistant` turns; reasoning first when the turn does not already start with it |
/// | tool calls / results | `tool_use` (id = ``ToolCall/idCarryingSignature``, `input` = the arguments parsed) / `tool_result` (`tool_use_id` = its call's wire id) |
/// | ``ChatRequest/maxTokens`` | `max_tokens`; when absent 4096 (``AnthropicMessagesWire/defaultMaxTokens``), plus the thinking budget when thinking is on |
/// | temperature, top_p, top_k, stop sequences, stream | as they are: the temperature is not clamped (``ChatRequest/validate()`` refuses what Anthropic refuses) |
/// | ``ChatRequest/user`` | `metadata.user_id` |
/// | ``ReasoningOptions`` | `thinking`: disabled → `disabled`; a budget (given, or the effort's, at least 1024, below `max_tokens`) → `enabled`; otherwise `adaptive`; ``ReasoningOptions/includeThoughts`` false → `display: omitted` |
/// | tools, tool choice, parallel tool calls | `tools` (+ the extension's server tools), `tool_choice` (required → `any`, named → `tool`), `disable_parallel_tool_use` |
/// | response format | see ``AnthropicMessagesStructuredOutput`` |
/// | extension of this family | merged back, never over a member written above |
///
/// Seed, penalties and the domain's key-value metadata are left out (Anthropic has none;
/// ``ChatRequest/validate()`` lists them as dropped); another family's extensions are ignored.
enum AnthropicMessagesRequestEncoder {
    /// The extension members a token-count request may carry (Anthropic refuses members it
    /// does not know, and the count endpoint takes no sampling or output-limit options).
    private static let tokenCountMembers: Set<String> = [
        "model", "messages", "system", "tools", "tool_choice", "thinking", "output_config", "output_format",
        "cache_control", "context_management", "mcp_servers", "speed",
    ]

    /// The members written from the domain and merged with the extension's same-named member.
    private static let mergedMembers: Set<String> = ["tools", "metadata", "output_config"]

    /// The body's members.
    ///
    /// - Parameter tokenCount: Whether this is for `/v1/messages/count_tokens`: no `max_tokens`,
    ///   `stream`, sampling options or metadata.
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming what Anthropic cannot express.
    static func body(for request: ChatRequest, tokenCount: Bool) throws(ChimeraError) -> JSONObject {
        let structured = AnthropicMessagesStructuredOutput(for: request)
        try structured.check(request)
        let extensions = request.extensions[.anthropicMessages] ?? [:]
        let provider = request.provider

        var body = JSONObject()
        body["model"] = .string(request.model)
        let thinking = try thinkingConfiguration(request)
        if !tokenCount {
            body["max_tokens"] = .int(request.maxTokens ?? AnthropicMessagesWire.defaultMaxTokens + (thinking.budget ?? 0))
        }
        let (system, turns) = try conversation(request)
        if let system { body["system"] = system }
        body["messages"] = .array(turns)
        if !tokenCount {
            var metadata = extensions["metadata"]?.object ?? [:]
            if let user = request.user { metadata["user_id"] = .string(user) }
            if !metadata.isEmpty { body["metadata"] = .object(metadata) }
            if !request.stopSequences.isEmpty { body["stop_sequences"] = .array(request.stopSequences.map { .string($0) }) }
            if request.stream { body["stream"] = true }
            body["temperature"] = try number(request.temperature, "temperature", provider)
            body["top_p"] = try number(request.topP, "top_p", provider)
            body["top_k"] = request.topK.map { .int($0) }
        }
        body["thinking"] = thinking.json

        var tools = request.tools.map(toolDefinition)
        tools += extensions["tools"]?.array ?? []
        if let forced = structured.forcedToolDefinition { tools.append(forced) }
        if !tools.isEmpty {
            body["tool_choice"] = toolChoice(request, forcedTool: structured.forcedToolName)
            body["tools"] = .array(tools)
        }

        var outputConfig = extensions["output_config"]?.object ?? [:]
        if case .native(let format) = structured { outputConfig["format"] = format }
        if !outputConfig.isEmpty { body["output_config"] = .object(outputConfig) }

        for member in extensions where body[member.key] == nil && !mergedMembers.contains(member.key) {
            body[member.key] = member.value
        }
        if tokenCount {
            for key in body.keys where !tokenCountMembers.contains(key) { body[key] = nil }
        }
        return body
    }

    private static func number(_ value: Double?, _ field: String, _ provider: ProviderID) throws(ChimeraError) -> JSONValue? {
        guard let value else { return nil }
        guard let number = JSONValue.double(value) else { throw ChimeraError.invalidRequest("\(field): \(value) is not a number JSON can write", provider: provider) }
        return number
    }

    // MARK: Conversation

    /// The `system` member and the `messages`.
    private static func conversation(_ request: ChatRequest) throws(ChimeraError) -> (JSONValue?, [JSONValue]) {
        let provider = request.provider
        var toolUseIDs: [String: String] = [:]
        for message in request.messages {
            for call in message.toolCalls where call.idCarryingSignature != call.id { toolUseIDs[call.id] = call.idCarryingSignature }
        }
        func blocks(of message: ChatMessage, at index: Int) throws(ChimeraError) -> [JSONValue] {
            var blocks: [JSONValue] = []
            for (partIndex, part) in message.parts.enumerated() {
                let location = AnthropicMessagesBlocks.Location(field: "messages[\(index)].content[\(partIndex)]", provider: provider)
                if let block = try AnthropicMessagesBlocks.requestBlock(part, at: location, toolUseIDs: toolUseIDs) { blocks.append(block) }
            }
            return blocks
        }

        let leadingSystem = request.messages.prefix { $0.role == .system }
        var systemBlocks: [JSONValue] = []
        for (index, message) in leadingSystem.enumerated() {
            for (partIndex, part) in message.parts.enumerated() {
                switch part {
                case .text, .opaque: break
                default:
                    throw ChimeraError.invalidRequest("messages[\(index)].content[\(partIndex)]: \(provider.displayName)'s system prompt holds text only", provider: provider)
                }
            }
            systemBlocks += try blocks(of: message, at: index)
        }

        var turns: [Turn] = []
        for index in leadingSystem.count..<request.messages.count {
            let message = request.messages[index]
            let content = try blocks(of: message, at: index)
            switch message.role {
            case .system:
                turns.append(Turn(role: "system", blocks: content))
            case .user, .tool:
                let isTool = message.role == .tool
                if var last = turns.last, last.role == "user", isTool || last.holdsToolMessages {
                    last.blocks += content
                    last.holdsToolMessages = last.holdsToolMessages || isTool
                    turns[turns.count - 1] = last
                } else {
                    turns.append(Turn(role: "user", blocks: content, holdsToolMessages: isTool))
                }
            case .assistant:
                turns.append(Turn(role: "assistant", blocks: content))
            case .unknown(let role):
                throw ChimeraError.invalidRequest(
                    "messages[\(index)].role: \"\(role.prefix(64))\" cannot be sent to \(provider.displayName); accepted: system, user, assistant, tool",
                    provider: provider
                )
            }
        }
        // A turn whose only parts were left out (unsigned reasoning) is left out with them:
        // Anthropic refuses empty turns, and it merges the neighbours that then meet.
        let messages = turns.filter { !$0.blocks.isEmpty }.map(\.json)
        // Written out: a bare `nil` beside a JSONValue would be JSON's null.
        let system: JSONValue? = systemBlocks.isEmpty ? .none : content(systemBlocks)
        return (system, messages)
    }

    /// One turn being built.
    private struct Turn {
        var role: String
        var blocks: [JSONValue]
        /// Whether it holds tool-role messages, so that a user message right after them joins it.
        var holdsToolMessages = false

        var json: JSONValue {
            var ordered = blocks
            switch role {
            case "user":
                // Anthropic wants a turn's tool results before anything else in it.
                ordered = blocks.filter(Self.isToolResult) + blocks.filter { !Self.isToolResult($0) }
            case "assistant" where !Self.isReasoning(blocks.first) && blocks.contains(where: Self.isReasoning):
                // With thinking on, Anthropic wants an assistant turn to start with its thinking.
                ordered = blocks.filter(Self.isReasoning) + blocks.filter { !Self.isReasoning($0) }
            default:
                break
            }
            return ["role": .string(role), "content": content(ordered)]
        }

        private static func isToolResult(_ block: JSONValue) -> Bool { block["type"]?.string == "tool_result" }

        private static func isReasoning(_ block: JSONValue?) -> Bool {
            block?["type"]?.string == "thinking" || block?["type"]?.string == "redacted_thinking"
        }
    }

    /// Content as Anthropic's shorthand string when it is one plain text block, else the blocks.
    private static func content(_ blocks: [JSONValue]) -> JSONValue {
        if blocks.count == 1, let block = blocks.first?.object, block.count == 2, block["type"] == "text", let text = block["text"] {
            return text
        }
        return .array(blocks)
    }

    // MARK: Options

    /// The `thinking` member and the budget it sets.
    private static func thinkingConfiguration(_ request: ChatRequest) throws(ChimeraError) -> (json: JSONValue?, budget: Int?) {
        guard let reasoning = request.reasoning else { return (nil, nil) }
        if reasoning.isDisabled { return (["type": "disabled"], nil) }
        var object: JSONObject
        var budget: Int?
        if var tokens = reasoning.resolvedBudget {
            tokens = max(tokens, AnthropicMessagesWire.minimumThinkingBudget)
            if let maxTokens = request.maxTokens, tokens >= maxTokens {
                // Anthropic counts thinking within max_tokens, as OpenAI counts reasoning within
                // max_completion_tokens: a budget at or above the limit is cut to fit under it.
                guard maxTokens - 1 >= AnthropicMessagesWire.minimumThinkingBudget else {
                    throw ChimeraError.invalidRequest(
                        "max_tokens: \(maxTokens) leaves no room for thinking; \(request.provider.displayName) needs max_tokens above the thinking budget, which is at least \(AnthropicMessagesWire.minimumThinkingBudget)",
                        provider: request.provider
                    )
                }
                tokens = maxTokens - 1
            }
            object = ["type": "enabled", "budget_tokens": .int(tokens)]
            budget = tokens
        } else {
            object = ["type": "adaptive"]
        }
        // `summarized` is Anthropic's default, so only the request not to see thoughts is written.
        if reasoning.includeThoughts == false { object["display"] = "omitted" }
        return (.object(object), budget)
    }

    private static func toolDefinition(_ tool: Tool) -> JSONValue {
        var object: JSONObject = ["name": .string(tool.name)]
        if let description = tool.description { object["description"] = .string(description) }
        // Anthropic requires a schema; a tool without one takes no arguments.
        object["input_schema"] = tool.parameters ?? ["type": "object", "properties": [:]]
        if let strict = tool.strict { object["strict"] = .bool(strict) }
        if let cacheControl = tool.cacheControl { object["cache_control"] = AnthropicMessagesWire.json(cacheControl) }
        return .object(object)
    }

    private static func toolChoice(_ request: ChatRequest, forcedTool: String?) -> JSONValue? {
        if let forcedTool {
            return ["type": "tool", "name": .string(forcedTool), "disable_parallel_tool_use": true]
        }
        var object: JSONObject
        switch request.toolChoice {
        case nil:
            guard request.parallelToolCalls == false else { return nil }
            object = ["type": "auto"]
        case .auto?: object = ["type": "auto"]
        case .required?: object = ["type": "any"]
        case .tool(let name)?: object = ["type": "tool", "name": .string(name)]
        // `none` has no parallel switch: no tool is called at all.
        case .none?: return ["type": "none"]
        }
        if let parallel = request.parallelToolCalls { object["disable_parallel_tool_use"] = .bool(!parallel) }
        return .object(object)
    }
}
