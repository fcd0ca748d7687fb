import ChimeraCore

/// Writes a ``ChatRequest`` (from any family, or from the library) as a Chat Completions body in
/// the dialect of one OpenAI-compatible provider.
///
/// | domain | OpenAI | DeepSeek | Qwen | Cursor |
/// |---|---|---|---|---|
/// | ``ChatRequest/maxTokens`` | `max_completion_tokens` | `max_tokens` | `max_tokens` | `max_tokens` |
/// | ``ChatRequest/reasoning`` | `reasoning_effort` (a budget as its effort, off as `none`) | `thinking: {type: enabled\|disabled}` + `reasoning_effort` | `enable_thinking` + `thinking_budget` (an effort as its budget) | `reasoning_effort` |
/// | ``ChatRequest/topK`` | — | — | `top_k` | — |
/// | reasoning parts of assistant turns | left out | `reasoning_content` (thinking mode with tool calls wants it back) | left out | left out |
/// | cache markers | `prompt_cache_breakpoint` for gpt-5.6 and later, else left out | left out | left out | left out |
///
/// Everywhere: system instructions as role `system` (OpenAI treats `system` as `developer` for
/// the models that have the newer name, and compatible servers know only `system`); `stop` as an
/// array; `stream_options.include_usage: true` when streaming, unless the request's own
/// `stream_options` says otherwise; options that ``ProviderCapabilities`` marks ignored for the
/// provider are left out (validation listed them). Tool results become `tool` messages ahead of
/// the rest of their turn, with the id their call was written with (``ToolCall/idCarryingSignature``);
/// a result's `is_error` has no place in OpenAI's format and is left out (its text says what
/// failed). The `openai` extensions are merged last, never over a member written here.
struct OpenAIChatRequestEncoder {
    /// The dialect.
    let provider: ProviderID

    func encode(_ request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        let capabilities = ProviderCapabilities.of(provider)
        let extensions = request.extensions[.openAIChat] ?? [:]
        var body: JSONObject = [
            "model": .string(request.model),
            "messages": .array(try messages(request)),
        ]
        if let maxTokens = request.maxTokens {
            body[provider == .openai ? "max_completion_tokens" : "max_tokens"] = .int(maxTokens)
        }
        try write(request.temperature, as: "temperature", into: &body)
        try write(request.topP, as: "top_p", into: &body)
        if let topK = request.topK, capabilities.topK == .supported { body["top_k"] = .int(topK) }
        if !request.stopSequences.isEmpty { body["stop"] = .array(request.stopSequences.map(JSONValue.string)) }
        if request.stream {
            body["stream"] = true
            // The library always wants usage; a caller that said otherwise is obeyed.
            var options = extensions["stream_options"]?.object ?? [:]
            if options["include_usage"] == nil || options["include_usage"] == .null { options["include_usage"] = true }
            body["stream_options"] = .object(options)
        }
        if let count = request.choiceCount, capabilities.maxChoices > 1 { body["n"] = .int(count) }
        if let seed = request.seed, capabilities.seed == .supported { body["seed"] = .int(seed) }
        if capabilities.penalties == .supported {
            try write(request.presencePenalty, as: "presence_penalty", into: &body)
            try write(request.frequencyPenalty, as: "frequency_penalty", into: &body)
        }
        if let logprobs = request.logprobs, capabilities.logprobs == .supported {
            body["logprobs"] = true
            if let top = logprobs.top { body["top_logprobs"] = .int(top) }
        }
        if let user = request.user, capabilities.endUser == .supported { body["user"] = .string(user) }
        if !request.metadata.isEmpty, capabilities.metadata == .supported {
            body["metadata"] = .object(JSONObject(request.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        }
        let tools = request.tools.map(Self.tool) + (extensions["tools"]?.array ?? [])
        if !tools.isEmpty { body["tools"] = .array(tools) }
        if let choice = request.toolChoice { body["tool_choice"] = Self.toolChoice(choice) }
        if let parallel = request.parallelToolCalls, !tools.isEmpty, capabilities.parallelToolCalls == .supported {
            body["parallel_tool_calls"] = .bool(parallel)
        }
        if let format = request.responseFormat { body["response_format"] = Self.responseFormat(format) }
        if let reasoning = request.reasoning { writeReasoning(reasoning, into: &body) }
        for member in extensions where member.key != "tools" && body[member.key] == nil {
            body[member.key] = member.value
        }
        return JSONValue.object(body).serializedBytes()
    }

    // MARK: Messages

    private func messages(_ request: ChatRequest) throws(ChimeraError) -> [JSONValue] {
        let breakpoints = provider == .openai && Self.takesCacheBreakpoints(model: request.model)
        // A tool result refers to its call by the id the call was written with.
        var callIDs: [String: String] = [:]
        for message in request.messages {
            for call in message.toolCalls { callIDs[call.id] = call.idCarryingSignature }
        }
        var wire: [JSONValue] = []
        for (index, message) in request.messages.enumerated() {
            let path = "messages[\(index)]"
            if message.role == .assistant {
                let style: OpenAIChatPartWriter.ReasoningStyle = provider == .deepseek ? .text : .omitted
                let (object, unwritable) = OpenAIChatPartWriter.assistantMessage(message.parts, name: message.name, provider: provider, reasoning: style)
                if let first = unwritable.first { throw refuse("\(path).content[\(first.index)]: \(first.reason)") }
                wire.append(.object(object))
                continue
            }
            var produced: [JSONObject] = []
            var rest: [(index: Int, part: ContentPart)] = []
            var members = JSONObject()
            for (partIndex, part) in message.parts.enumerated() {
                switch part {
                case .toolResult(let result):
                    produced.append(try toolMessage(result, name: message.role == .tool ? message.name : nil, callIDs: callIDs, breakpoints: breakpoints, path: "\(path).content[\(partIndex)]"))
                case .reasoning:
                    // Only assistant turns carry reasoning; elsewhere there is nothing to send back.
                    continue
                case .opaque(let opaque):
                    if case .messageMember(let key, let value)? = OpenAIChatOpaque(opaque) { members[key] = value } else { rest.append((partIndex, part)) }
                default:
                    rest.append((partIndex, part))
                }
            }
            if !rest.isEmpty || produced.isEmpty {
                produced.append(try turn(message, parts: rest, bareMembers: !members.isEmpty, breakpoints: breakpoints, path: path))
            }
            produced[produced.count - 1] = OpenAIChatWire.merging(members, into: produced[produced.count - 1])
            wire += produced.map(JSONValue.object)
        }
        return wire
    }

    /// A system, user or other turn (a `tool` turn's parts that are not results go as a user turn).
    private func turn(_ message: ChatMessage, parts: [(index: Int, part: ContentPart)], bareMembers: Bool, breakpoints: Bool, path: String) throws(ChimeraError) -> JSONObject {
        let role: String
        switch message.role {
        case .system: role = "system"
        case .user, .tool, .assistant: role = "user"
        case .unknown(let name): role = name
        }
        if message.role == .system, let other = parts.first(where: { if case .text = $0.part { false } else if case .opaque = $0.part { false } else { true } }) {
            throw refuse("\(path).content[\(other.index)]: \(provider.displayName) system messages take text only")
        }
        var object: JSONObject = ["role": .string(role)]
        // A legacy `function` message carries its content as an opaque member.
        if !(parts.isEmpty && bareMembers) {
            do {
                object["content"] = try OpenAIChatPartWriter.content(parts.map(\.part), provider: provider, breakpoints: breakpoints)
            } catch {
                throw refuse("\(path).content[\(parts[error.index].index)]: \(error.reason)")
            }
        }
        if let name = message.name { object["name"] = .string(name) }
        return object
    }

    private func toolMessage(_ result: ToolResult, name: String?, callIDs: [String: String], breakpoints: Bool, path: String) throws(ChimeraError) -> JSONObject {
        var object: JSONObject = ["role": "tool", "tool_call_id": .string(callIDs[result.toolCallID] ?? result.toolCallID)]
        for (index, part) in result.content.enumerated() {
            switch part {
            case .image, .document:
                throw refuse("\(path).content[\(index)]: \(provider.displayName) tool results carry text only; the result holds an image or a file")
            default:
                continue
            }
        }
        if result.content.isEmpty {
            object["content"] = ""
        } else if breakpoints, result.cacheControl != nil {
            // The result's own marker goes on its last part.
            var parts = result.content
            if case .text(var last) = parts[parts.count - 1] {
                last.cacheControl = last.cacheControl ?? result.cacheControl
                parts[parts.count - 1] = .text(last)
            }
            object["content"] = try content(parts, breakpoints: true, path: path)
        } else {
            object["content"] = try content(result.content, breakpoints: breakpoints, path: path)
        }
        if let name { object["name"] = .string(name) }
        return object
    }

    private func content(_ parts: [ContentPart], breakpoints: Bool, path: String) throws(ChimeraError) -> JSONValue {
        do {
            return try OpenAIChatPartWriter.content(parts, provider: provider, breakpoints: breakpoints)
        } catch {
            throw refuse("\(path).content[\(error.index)]: \(error.reason)")
        }
    }

    // MARK: Parameters

    private static func tool(_ tool: Tool) -> JSONValue {
        var function: JSONObject = ["name": .string(tool.name)]
        if let description = tool.description { function["description"] = .string(description) }
        if let parameters = tool.parameters { function["parameters"] = parameters }
        if let strict = tool.strict { function["strict"] = .bool(strict) }
        return ["type": "function", "function": .object(function)]
    }

    private static func toolChoice(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: "auto"
        case .none: "none"
        case .required: "required"
        case .tool(let name): ["type": "function", "function": ["name": .string(name)]]
        }
    }

    private static func responseFormat(_ format: ResponseFormat) -> JSONValue {
        switch format {
        case .text: return ["type": "text"]
        case .jsonObject: return ["type": "json_object"]
        case .jsonSchema(let schema):
            var definition: JSONObject = ["name": .string(schema.name)]
            if let description = schema.description { definition["description"] = .string(description) }
            definition["schema"] = schema.schema
            if let strict = schema.strict { definition["strict"] = .bool(strict) }
            return ["type": "json_schema", "json_schema": .object(definition)]
        }
    }

    private func writeReasoning(_ reasoning: ReasoningOptions, into body: inout JSONObject) {
        switch provider {
        case .deepseek:
            if reasoning.isDisabled {
                body["thinking"] = ["type": "disabled"]
            } else {
                body["thinking"] = ["type": "enabled"]
                if let effort = reasoning.resolvedEffort { body["reasoning_effort"] = .string(effort.rawValue) }
            }
        case .qwen:
            body["enable_thinking"] = .bool(!reasoning.isDisabled)
            if !reasoning.isDisabled, let budget = reasoning.resolvedBudget, budget > 0 { body["thinking_budget"] = .int(budget) }
        default:
            if let effort = reasoning.resolvedEffort { body["reasoning_effort"] = .string(effort.rawValue) }
        }
    }

    private func write(_ value: Double?, as key: String, into body: inout JSONObject) throws(ChimeraError) {
        guard let value else { return }
        guard let number = JSONValue.double(value) else { throw refuse("\(key): \(value) is not a number JSON can write") }
        body[key] = number
    }

    private func refuse(_ message: String) -> ChimeraError {
        .invalidRequest(message, provider: provider)
    }

    /// Whether an OpenAI model takes explicit `prompt_cache_breakpoint`s: gpt-5.6 and later (the
    /// SDK's `prompt_cache_options` documentation). Earlier models cache on their own, and
    /// whether they refuse the member is not documented, so they never see it.
    static func takesCacheBreakpoints(model: String) -> Bool {
        guard let range = model.range(of: "gpt-") else { return false }
        let rest = model[range.upperBound...]
        let majorDigits = rest.prefix(while: \.isNumber)
        guard let major = Int(majorDigits) else { return false }
        guard major == 5 else { return major > 5 }
        let afterMajor = rest.dropFirst(majorDigits.count)
        guard afterMajor.first == "." else { return false }
        return (Int(afterMajor.dropFirst().prefix(while: \.isNumber)) ?? 0) >= 6
    }
}
