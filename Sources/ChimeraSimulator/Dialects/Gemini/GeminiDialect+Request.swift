import ChimeraCore

/// Reading a generateContent request (and a countTokens one, bare or as `generateContentRequest`).
///
/// Besides contents, `systemInstruction`, `maxOutputTokens` and `stopSequences`, it reads:
/// `tools[].functionDeclarations` (`parameters` or `parametersJsonSchema`),
/// `toolConfig.functionCallingConfig` (`mode`, `allowedFunctionNames`), the parts `text`,
/// `inlineData`, `fileData`, `functionCall` and `functionResponse`, `responseMimeType` with
/// `responseSchema` or `responseJsonSchema`, and `thinkingConfig`. Other fields (`safetySettings`,
/// `cachedContent`, `temperature`, …) are accepted and only recorded.
///
/// Thinking is on for `gemini-3…` models and whenever `thinkingConfig` is sent (unless its
/// `thinkingBudget` is 0). Then the answer carries thought signatures, and the history must
/// return them: the first `functionCall` part of every model turn needs the `thoughtSignature`
/// the simulator issued for that call (other calls of the turn may omit theirs, as Gemini issues
/// only one), else a 400 like Gemini 3's. The documented dummy signatures
/// `skip_thought_signature_validator` and `context_engineering_is_the_way_to_go` pass.
///
/// It also refuses a `functionResponse` whose name matches no `functionCall` of the model turn
/// just before, and inline data without a media type or with bad base64.
extension GeminiDialect {
    /// The signatures Google documents for history it did not sign.
    static let dummySignatures: Set<String> = ["skip_thought_signature_validator", "context_engineering_is_the_way_to_go"]

    private static func invalid(_ field: JSONField, _ message: String) -> SimulatedFailure {
        .invalidRequest(message: "Invalid value at '\(field.bracketed)': \(message)", parameter: field.bracketed)
    }

    /// The signature Gemini's answer carries on a function call, and expects back with it.
    static func signature(ofCall name: String, arguments: JSONValue) -> String {
        ThoughtSignature.sign(name + "\n" + arguments.canonicalSerialized, for: .geminiFunctionCall)
    }

    func decodePrompt(_ body: JSONField, context: PromptContext) throws(SimulatedFailure) -> ChatPrompt {
        let request = context.countingTokens && body["generateContentRequest"].isPresent ? body["generateContentRequest"] : body
        guard let contents = try request["contents"].array() else {
            throw .invalidRequest(message: "* GenerateContentRequest.contents: contents is not specified", parameter: "contents")
        }
        let model = context.pathModel ?? ""
        let config = request["generationConfig"]
        var prompt = ChatPrompt(
            model: model,
            inputWords: 0,
            lastUserWords: [],
            maxOutputWords: try config["maxOutputTokens"].int(),
            stopSequences: try config["stopSequences"].strings() ?? [],
            stream: context.routeStreams,
            includeUsage: false
        )
        var fingerprint = PromptFingerprint(protocol: "gemini", model: model)
        if request["systemInstruction"].isPresent {
            let system = try Self.content(request["systemInstruction"]["parts"])
            prompt.inputWords += system.words
            fingerprint.add(request["systemInstruction"].value ?? .null, words: system.words)
        }
        for tool in try request["tools"].array() ?? [] {
            for declaration in try tool["functionDeclarations"].array() ?? [] {
                guard let name = try declaration["name"].string() else { throw Self.invalid(declaration["name"], "function name is required") }
                let parameters = declaration["parametersJsonSchema"].isPresent ? declaration["parametersJsonSchema"] : declaration["parameters"]
                let definition = ToolDefinition(name: name, description: try declaration["description"].string(), parameters: parameters.value)
                prompt.tools.append(definition)
                prompt.inputWords += definition.words
                fingerprint.add(declaration.value ?? .null, words: definition.words)
            }
        }
        prompt.toolChoice = try Self.toolChoice(request["toolConfig"]["functionCallingConfig"])
        let thinking = try Self.thinking(config["thinkingConfig"], model: model)
        prompt.reasoning = thinking
        try readContents(contents, into: &prompt, fingerprint: &fingerprint, signed: thinking != nil)
        prompt.cacheCheckpoints = fingerprint.checkpoints
        prompt.responseFormat = try Self.responseFormat(config)
        return prompt
    }

    private static func toolChoice(_ field: JSONField) throws(SimulatedFailure) -> ToolChoice {
        switch try field["mode"].string()?.uppercased() {
        case nil, "AUTO", "VALIDATED", "MODE_UNSPECIFIED": return .auto
        case "NONE": return .none
        case "ANY":
            let names = try field["allowedFunctionNames"].strings() ?? []
            return names.isEmpty ? .required : .oneOf(names)
        case let other?:
            throw invalid(field["mode"], "(type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), \"\(other)\"")
        }
    }

    /// On for `gemini-3…` models and with a `thinkingConfig` whose budget is not 0; shown with `includeThoughts`.
    private static func thinking(_ field: JSONField, model: String) throws(SimulatedFailure) -> ReasoningRequest? {
        let alwaysThinks = SimulatorOptions.baseModel(model).lowercased().hasPrefix("gemini-3")
        let budget = try field["thinkingBudget"].int()
        _ = try field["thinkingLevel"].string()
        guard alwaysThinks || (field.isPresent && budget != 0) else { return nil }
        return try field["includeThoughts"].bool() == true ? .shown() : .hidden()
    }

    private static func responseFormat(_ config: JSONField) throws(SimulatedFailure) -> ResponseFormat {
        let jsonSchema = ["responseJsonSchema", "_responseJsonSchema", "responseSchema"].map { config[$0] }.first { $0.isPresent }
        switch try config["responseMimeType"].string() {
        case "application/json"?:
            return jsonSchema.map { .jsonSchema($0.value ?? [:], name: nil) } ?? .jsonObject
        case "text/x.enum"?:
            guard let schema = jsonSchema?.value else { throw invalid(config["responseSchema"], "an enum schema is required for text/x.enum") }
            return .enumeration(schema)
        default:
            return .text
        }
    }

    /// The contents: words, the last user turn, function calls and responses, thought signatures.
    private func readContents(_ contents: [JSONField], into prompt: inout ChatPrompt, fingerprint: inout PromptFingerprint, signed: Bool) throws(SimulatedFailure) {
        var previousCalls: [String] = []
        for (index, item) in contents.enumerated() {
            // A content without a role is the user's, as the API documents.
            let role = try item["role"].string() ?? "user"
            let parts = try item["parts"].array() ?? []
            var content = TurnContent()
            var calls: [String] = []
            var results: [ToolResult] = []
            var firstCall = true
            for part in parts {
                if try part["thought"].bool() == true { continue }
                if part["functionCall"].isPresent {
                    let call = part["functionCall"]
                    guard let name = try call["name"].string() else { throw Self.invalid(call["name"], "function name is required") }
                    calls.append(name)
                    if signed, role == "model" {
                        try Self.verifySignature(part, name: name, arguments: call["args"].value ?? [:], required: firstCall, position: index + 1)
                    }
                    firstCall = false
                } else if part["functionResponse"].isPresent {
                    let response = part["functionResponse"]
                    guard let name = try response["name"].string() else { throw Self.invalid(response["name"], "function name is required") }
                    guard !previousCalls.isEmpty else {
                        throw .invalidRequest(message: "Please ensure that function response turn comes immediately after a function call turn.", parameter: response.bracketed)
                    }
                    guard previousCalls.contains(name) else {
                        throw .invalidRequest(
                            message: "Invalid value at '\(response["name"].bracketed)': function response `\(name)` matches no function call of the preceding model turn (\(previousCalls.joined(separator: ", "))).",
                            parameter: response["name"].bracketed
                        )
                    }
                    let text = (response["response"].value ?? [:]).serialized()
                    content.append(text: text)
                    results.append(ToolResult(name: name, content: text))
                } else {
                    content.append(contentsOf: try Self.content([part]))
                }
            }
            prompt.inputWords += content.words
            if index < contents.count - 1 { fingerprint.add(item.value ?? .null, words: content.words) }
            if role == "user" { prompt.lastUserWords = content.echoWords }
            previousCalls = role == "model" ? calls : []
            if index == contents.count - 1 {
                prompt.endsWithUserTurn = role == "user" && results.isEmpty
                prompt.toolResults = role == "user" ? results : []
            }
        }
        fingerprint.checkpoint()
        if contents.isEmpty { prompt.endsWithUserTurn = false }
    }

    private static func verifySignature(_ part: JSONField, name: String, arguments: JSONValue, required: Bool, position: Int) throws(SimulatedFailure) {
        guard let signature = try part["thoughtSignature"].string() else {
            guard required else { return }
            throw .invalidRequest(
                message: "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:\(name)` , position \(position). Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.",
                parameter: part["thoughtSignature"].bracketed
            )
        }
        // Google reads the bytes in either base64 alphabet, as google-genai sends them back.
        guard dummySignatures.contains(signature) || Base64Text.standard(signature) == Self.signature(ofCall: name, arguments: arguments) else {
            throw .invalidRequest(
                message: "Thought signature is not valid for function call `default_api:\(name)` , position \(position). Send back the thoughtSignature of the functionCall part exactly as received.",
                parameter: part["thoughtSignature"].bracketed
            )
        }
    }

    /// Text, `inlineData` and `fileData` parts; others carry nothing the simulator counts.
    private static func content(_ parts: [JSONField]) throws(SimulatedFailure) -> TurnContent {
        var content = TurnContent()
        for part in parts {
            if let text = try part["text"].string() {
                if try part["thought"].bool() != true { content.append(text: text) }
            } else if part["inlineData"].isPresent {
                let data = part["inlineData"]
                guard let mediaType = try data["mimeType"].string(), mediaType.contains("/") else {
                    throw invalid(data["mimeType"], "a MIME type such as image/png is required")
                }
                guard let base64 = try data["data"].string(), let size = Attachment.decodedSize(ofBase64: base64) else {
                    throw .invalidRequest(
                        message: "Invalid value at '\(data["data"].bracketed)' (TYPE_BYTES), Base64 decoding failed",
                        parameter: data["data"].bracketed
                    )
                }
                content.append(Attachment(kind: Attachment.kind(ofMediaType: mediaType), source: .inline(mediaType: mediaType, bytes: size)))
            } else if part["fileData"].isPresent {
                let file = part["fileData"]
                guard let uri = try file["fileUri"].string() else { throw invalid(file["fileUri"], "a file URI is required") }
                let kind = Attachment.kind(ofMediaType: try file["mimeType"].string() ?? "")
                content.append(Attachment(kind: kind, source: .url(uri)))
            }
        }
        return content
    }

    /// The parts of a content field (`systemInstruction.parts`).
    private static func content(_ field: JSONField) throws(SimulatedFailure) -> TurnContent {
        try content(try field.array() ?? [])
    }
}
