import ChimeraCore

/// Writes any domain request as a Gemini `generateContent` body (the model and the stream flag
/// go in the URL).
///
/// | domain | Gemini |
/// |---|---|
/// | system messages | one `systemInstruction` with all their parts, in order |
/// | user / tool / assistant messages | `user` / `user` / `model` contents, parts by ``GeminiPartWriter``; consecutive tool messages (OpenAI sends one per result) share one `user` content, since Gemini expects all the results of a step together; other roles are written as they are |
/// | temperature, topP, topK, maxTokens, stopSequences, choiceCount, seed, penalties | `generationConfig` `temperature`, `topP`, `topK`, `maxOutputTokens`, `stopSequences`, `candidateCount`, `seed`, `presencePenalty`, `frequencyPenalty` |
/// | logprobs | `responseLogprobs: true` (+ `logprobs` = top) |
/// | responseFormat text / jsonObject / jsonSchema | `responseMimeType` `text/plain` / `application/json` / `application/json` + `responseJsonSchema` (the schema as it is; its name, description and strict flag have no Gemini counterpart) |
/// | reasoning | `thinkingConfig`: `thinkingBudget` = ``ReasoningOptions/resolvedBudget`` (or the `thinkingLevel` a Gemini caller sent, while the effort is unchanged), `includeThoughts` as asked, else `true` when reasoning is on, so that thoughts and their signatures come back |
/// | tools | one `{functionDeclarations}` entry, `parametersJsonSchema` = the JSON Schema as it is (`strict` and `cacheControl` have no counterpart) |
/// | toolChoice auto / none / required / tool(name) | `toolConfig.functionCallingConfig.mode` `AUTO` / `NONE` / `ANY` / `ANY` + `allowedFunctionNames: [name]` |
///
/// The first function call of each step of the current turn that carries no `thoughtSignature`
/// (a call another provider made) gets the one Google documents for such history,
/// `skip_thought_signature_validator`, since Gemini 3 refuses those steps without one.
/// `user`, `metadata` and `parallelToolCalls` are fields Gemini ignores (validation lists them).
/// The request's Gemini extensions are merged back last, never over a member written here; the
/// forms a Gemini caller used (an OpenAPI `responseSchema` or `parameters`) are written back
/// while the domain value still equals what they were read as.
enum GeminiRequestEncoder {
    static func encode(_ request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        JSONValue.object(try body(request)).serializedBytes()
    }

    /// The `countTokens` body: `{"contents"}` when the request is only a conversation (what
    /// python-genai sends), else the whole request as `generateContentRequest`, so that the
    /// system instruction and the tools are counted too.
    static func encodeTokenCount(_ request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        let body = try body(request)
        if body.keys == ["contents"] { return JSONValue.object(body).serializedBytes() }
        var wrapped: JSONObject = ["model": .string("models/\(request.model)")]
        GeminiWire.merge(body, into: &wrapped)
        return JSONValue.object(["generateContentRequest": .object(wrapped)]).serializedBytes()
    }

    static func body(_ request: ChatRequest) throws(ChimeraError) -> JSONObject {
        let provider = request.provider
        var extensions = request.extensions[GeminiWire.family] ?? JSONObject()
        var body = JSONObject()

        var toolNames: [String: String] = [:]
        for message in request.messages {
            for call in message.toolCalls { toolNames[ToolCall.splitSignature(from: call.id).id] = call.name }
        }
        let toolName: (ToolResult) -> String? = { toolNames[ToolCall.splitSignature(from: $0.toolCallID).id] }

        var contents: [JSONValue] = []
        var systemParts: [JSONValue] = []
        var previousWasTool = false
        for (index, message) in request.messages.enumerated() {
            let writer = GeminiPartWriter.write(message.parts, toolName: toolName)
            if let failure = writer.failures.first {
                throw ChimeraError.invalidRequest("messages[\(index)].\(failure.path): \(failure.reason)", provider: provider)
            }
            let role: String
            switch message.role {
            case .system:
                systemParts += writer.parts
                continue
            case .user, .tool: role = "user"
            case .assistant: role = "model"
            case .unknown(let other): role = other
            }
            // A turn left with nothing (empty, or only redacted reasoning) would be refused by Gemini.
            guard !writer.parts.isEmpty else { continue }
            if message.role == .tool, previousWasTool, case .object(var last)? = contents.last, case .array(let parts)? = last["parts"] {
                last["parts"] = .array(parts + writer.parts)
                contents[contents.count - 1] = .object(last)
            } else {
                contents.append(["role": .string(role), "parts": .array(writer.parts)])
            }
            previousWasTool = message.role == .tool
        }
        body["contents"] = .array(signingCurrentTurn(contents))
        if systemParts.isEmpty {
            extensions["systemInstruction"] = nil
        } else {
            body["systemInstruction"] = ["parts": .array(systemParts)]
        }

        var generationExtensions = extensions["generationConfig"]?.object ?? JSONObject()
        let config = try generationConfig(request, extensions: &generationExtensions)
        extensions["generationConfig"] = generationExtensions.isEmpty ? nil : .object(generationExtensions)
        if !config.isEmpty { body["generationConfig"] = .object(config) }

        var tools: [JSONValue] = []
        if !request.tools.isEmpty {
            tools.append(["functionDeclarations": .array(functionDeclarations(request.tools, extensions: extensions["functionDeclarations"]))])
        }
        tools += extensions["tools"]?.array ?? []
        if !tools.isEmpty { body["tools"] = .array(tools) }
        extensions["tools"] = nil
        extensions["functionDeclarations"] = nil

        if let choice = request.toolChoice {
            let calling: JSONObject = switch choice {
            case .auto: ["mode": "AUTO"]
            case .none: ["mode": "NONE"]
            case .required: ["mode": "ANY"]
            case .tool(let name): ["mode": "ANY", "allowedFunctionNames": [.string(name)]]
            }
            body["toolConfig"] = ["functionCallingConfig": .object(calling)]
        }

        GeminiWire.merge(extensions, into: &body)
        return body
    }

    /// The signature Google documents for function calls Gemini did not make (another
    /// provider's, a hand-built history): Gemini 3 refuses a step whose first call has none.
    static let foreignCallSignature = "skip_thought_signature_validator"

    /// `contents` with ``foreignCallSignature`` on the first `functionCall` of each model step
    /// of the current turn (the model contents after the last user content that is not only
    /// function results) whose first call carries no signature: only that turn is checked, and
    /// calls that came from Gemini keep their own.
    private static func signingCurrentTurn(_ contents: [JSONValue]) -> [JSONValue] {
        let turnStart = contents.lastIndex { content in
            content["role"] == "user" && (content["parts"]?.array ?? []).contains { $0["functionResponse"] == nil }
        }.map { $0 + 1 } ?? 0
        var contents = contents
        for index in turnStart..<contents.count where contents[index]["role"] == "model" {
            guard case .object(var content) = contents[index], var parts = content["parts"]?.array,
                  let first = parts.firstIndex(where: { $0["functionCall"] != nil }),
                  case .object(var part) = parts[first], part["thoughtSignature"] == nil
            else { continue }
            part["thoughtSignature"] = .string(foreignCallSignature)
            parts[first] = .object(part)
            content["parts"] = .array(parts)
            contents[index] = .object(content)
        }
        return contents
    }

    private static func generationConfig(_ request: ChatRequest, extensions: inout JSONObject) throws(ChimeraError) -> JSONObject {
        let provider = request.provider
        let support = ProviderCapabilities.of(provider)
        var config = JSONObject()
        if let value = request.temperature { config["temperature"] = try GeminiWire.number(value, field: "temperature", provider: provider) }
        if let value = request.topP { config["topP"] = try GeminiWire.number(value, field: "top_p", provider: provider) }
        if let value = request.topK, support.topK == .supported { config["topK"] = .int(value) }
        if let value = request.choiceCount { config["candidateCount"] = .int(value) }
        if let value = request.maxTokens { config["maxOutputTokens"] = .int(value) }
        if !request.stopSequences.isEmpty { config["stopSequences"] = .array(request.stopSequences.map(JSONValue.string)) }
        if let value = request.seed, support.seed == .supported { config["seed"] = .int(value) }
        if support.penalties == .supported {
            if let value = request.presencePenalty { config["presencePenalty"] = try GeminiWire.number(value, field: "presence_penalty", provider: provider) }
            if let value = request.frequencyPenalty { config["frequencyPenalty"] = try GeminiWire.number(value, field: "frequency_penalty", provider: provider) }
        }
        if let logprobs = request.logprobs, support.logprobs == .supported {
            config["responseLogprobs"] = true
            if let top = logprobs.top { config["logprobs"] = .int(top) }
        }

        if let format = request.responseFormat {
            let openAPISchema = extensions["responseSchema"]
            extensions["responseSchema"] = nil
            switch format {
            case .text:
                config["responseMimeType"] = "text/plain"
            case .jsonObject:
                config["responseMimeType"] = "application/json"
            case .jsonSchema(let format):
                config["responseMimeType"] = "application/json"
                if let openAPISchema, GeminiSchema.jsonSchema(fromOpenAPI: openAPISchema) == format.schema {
                    config["responseSchema"] = openAPISchema
                } else {
                    config["responseJsonSchema"] = format.schema
                }
            }
        }

        if let reasoning = request.reasoning {
            var thinking = JSONObject()
            var keptThinking = extensions["thinkingConfig"]?.object ?? JSONObject()
            let level = keptThinking["thinkingLevel"]?.string
            keptThinking["thinkingLevel"] = nil
            if reasoning.budgetTokens == nil, let effort = reasoning.effort, let level, GeminiRequestDecoder.effort(level: level) == effort {
                thinking["thinkingLevel"] = .string(level)
            } else if let budget = reasoning.resolvedBudget {
                thinking["thinkingBudget"] = .int(budget)
            }
            if let include = reasoning.includeThoughts ?? (reasoning.isDisabled ? nil : true) {
                thinking["includeThoughts"] = .bool(include)
            }
            extensions["thinkingConfig"] = keptThinking.isEmpty ? nil : .object(keptThinking)
            config["thinkingConfig"] = .object(thinking)
        }
        return config
    }

    /// The declarations of the tools, with what a Gemini caller sent that the domain had no place for.
    private static func functionDeclarations(_ tools: [Tool], extensions: JSONValue?) -> [JSONValue] {
        var extras: [String: JSONObject] = [:]
        for case .object(let object) in extensions?.array ?? [] {
            if let name = object["name"]?.string, extras[name] == nil { extras[name] = object }
        }
        return tools.map { tool in
            var declaration: JSONObject = ["name": .string(tool.name)]
            if let description = tool.description { declaration["description"] = .string(description) }
            var extra = extras[tool.name] ?? JSONObject()
            if let parameters = tool.parameters {
                if let openAPI = extra["parameters"], GeminiSchema.jsonSchema(fromOpenAPI: openAPI) == parameters {
                    declaration["parameters"] = openAPI
                } else {
                    declaration["parametersJsonSchema"] = parameters
                }
            }
            extra["parameters"] = nil
            GeminiWire.merge(extra, into: &declaration)
            return .object(declaration)
        }
    }
}
