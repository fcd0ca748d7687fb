import ChimeraCore

/// Reads an inbound `generateContent` / `streamGenerateContent` / `countTokens` body into a
/// ``ChatRequest``; the model and the stream flag come from the URL.
///
/// | Gemini | domain |
/// |---|---|
/// | `systemInstruction.parts` | one ``ChatMessage/Role/system`` message (its `role`, which python-genai sets to `user`, is kept in the extension `systemInstruction`) |
/// | `contents[]` role `user` (or none) / `model` / other | `.user` / `.assistant` / `.unknown`, parts by ``GeminiPartReader`` |
/// | `generationConfig.temperature`, `topP`, `topK`, `maxOutputTokens`, `stopSequences`, `candidateCount`, `seed`, `presencePenalty`, `frequencyPenalty` | the fields of the same meaning (`candidateCount` → ``ChatRequest/choiceCount``) |
/// | `responseLogprobs: true` + `logprobs` | ``ChatRequest/logprobs`` (`top` = `logprobs`) |
/// | `responseMimeType: application/json` + `responseJsonSchema` / `responseSchema` / neither | `.jsonSchema` named `response` (an OpenAPI-subset `responseSchema` converted by ``GeminiSchema``) / `.jsonObject`; `text/plain` alone → `.text` |
/// | `thinkingConfig {thinkingBudget ≥ 0, thinkingLevel, includeThoughts}` | ``ReasoningOptions`` (budget, effort, `includeThoughts`, false when not sent) |
/// | `tools[].functionDeclarations[]` | ``Tool``s, `parameters` converted to JSON Schema, `parametersJsonSchema` as sent |
/// | `toolConfig.functionCallingConfig` `AUTO` / `NONE` / `ANY` / `ANY` + one allowed name | `.auto` / `.none` / `.required` / `.tool(name)` |
///
/// Everything else is kept in `extensions[.geminiGenerateContent]` (see ``GeminiBinding`` for
/// the keys) and written back by ``GeminiRequestEncoder``. A `countTokens` body that wraps a
/// whole request in `generateContentRequest` is read as that request.
enum GeminiRequestDecoder {
    static func decode(_ body: [UInt8], provider: ProviderID, model: String?, stream: Bool?) throws(ChimeraError) -> ChatRequest {
        let request: ChatRequest
        do {
            request = try read(body, provider: provider, model: model, stream: stream ?? false)
        } catch {
            throw error.invalidRequest(provider: provider)
        }
        return try request.validated()
    }

    private static func read(_ body: [UInt8], provider: ProviderID, model urlModel: String?, stream: Bool) throws(FieldError) -> ChatRequest {
        var root = try JSONField.parse(body)
        var top = try GeminiMembers(root)
        var bodyModel: String?
        if top.ordered.count == 1, top.ordered[0].key == "generateContentRequest" {
            root = top.ordered[0].field
            top = try GeminiMembers(root)
            bodyModel = try top["model"].optionalString()
        }
        guard let model = (urlModel ?? bodyModel).map(GeminiWire.modelID), !model.isEmpty else {
            throw FieldError("model: required in the URL path (/v1beta/models/{model}:generateContent)")
        }
        var request = ChatRequest(provider: provider, model: model, messages: [], stream: stream)
        var extensions = JSONObject()
        var system: [ChatMessage] = []
        for member in top.ordered {
            switch member.key {
            case "contents":
                request.messages = try contents(member.field)
            case "systemInstruction":
                let content = try GeminiMembers(member.field)
                try rejectUnknown(content, known: ["role", "parts"])
                var reader = GeminiPartReader(idStyle: .request)
                system = [ChatMessage(role: .system, parts: try reader.read(parts: content["parts"]))]
                if let role = content["role"].value, content["role"].isPresent {
                    extensions["systemInstruction"] = .object(["role": role])
                }
            case "generationConfig":
                try generationConfig(member.field, into: &request, extensions: &extensions)
            case "tools":
                try tools(member.field, into: &request, extensions: &extensions)
            case "toolConfig":
                try toolConfig(member.field, into: &request, extensions: &extensions)
            case "model" where bodyModel != nil:
                continue
            default:
                extensions[member.original] = member.field.value
            }
        }
        request.messages = system + request.messages
        if !extensions.isEmpty { request.extensions[GeminiWire.family] = extensions }
        return request
    }

    private static func rejectUnknown(_ members: GeminiMembers, known: Set<String>) throws(FieldError) {
        if let unknown = members.keys(notIn: known).first {
            throw members.parent.failure("unknown member \"\(unknown.prefix(64))\"; accepted: \(known.sorted().joined(separator: ", "))")
        }
    }

    private static func contents(_ field: JSONField) throws(FieldError) -> [ChatMessage] {
        var reader = GeminiPartReader(idStyle: .request)
        var messages: [ChatMessage] = []
        for (turn, element) in try field.elements().enumerated() {
            let content = try GeminiMembers(element)
            try rejectUnknown(content, known: ["role", "parts"])
            let wireRole = try content["role"].optionalString()
            let role: ChatMessage.Role
            switch wireRole {
            case nil, "user": role = .user  // Gemini's default role is user
            case "model": role = .assistant
            case let other?: role = .unknown(other)
            }
            reader.beginTurn(turn, isModel: role == .assistant)
            messages.append(ChatMessage(role: role, parts: try reader.read(parts: content["parts"])))
        }
        return messages
    }

    // MARK: generationConfig

    private static func generationConfig(_ field: JSONField, into request: inout ChatRequest, extensions: inout JSONObject) throws(FieldError) {
        var rest = JSONObject()
        var deferred: [String: GeminiMembers.Member] = [:]
        for member in try GeminiMembers(field).ordered {
            let value = member.field
            switch member.key {
            case "temperature": request.temperature = try value.optionalDouble()
            case "topP": request.topP = try value.optionalDouble()
            case "topK": request.topK = try value.optionalInt()
            case "maxOutputTokens": request.maxTokens = try value.optionalInt()
            case "stopSequences": request.stopSequences = try value.optionalElements().map { (element) throws(FieldError) in try element.string() }
            case "candidateCount": request.choiceCount = try value.optionalInt()
            case "seed": request.seed = try value.optionalInt()
            case "presencePenalty": request.presencePenalty = try value.optionalDouble()
            case "frequencyPenalty": request.frequencyPenalty = try value.optionalDouble()
            case "responseLogprobs", "logprobs", "responseMimeType", "responseSchema", "responseJsonSchema", "thinkingConfig":
                deferred[member.key] = member
            default:
                rest[member.original] = value.value
            }
        }
        func keep(_ key: String) {
            if let member = deferred[key] { rest[member.original] = member.field.value }
        }

        if let flag = deferred["responseLogprobs"], try flag.field.optionalBool() == true {
            request.logprobs = LogprobOptions(top: try deferred["logprobs"]?.field.optionalInt())
        } else {
            keep("responseLogprobs")
            keep("logprobs")
        }

        let mimeType = try deferred["responseMimeType"]?.field.optionalString()
        let jsonSchema = deferred["responseJsonSchema"]?.field.value
        let openAPISchema = deferred["responseSchema"]?.field.value
        switch (mimeType, jsonSchema, openAPISchema) {
        case ("application/json", let schema?, _):
            request.responseFormat = .jsonSchema(JSONSchemaFormat(name: "response", schema: schema))
            keep("responseSchema")
        case ("application/json", nil, let schema?):
            request.responseFormat = .jsonSchema(JSONSchemaFormat(name: "response", schema: GeminiSchema.jsonSchema(fromOpenAPI: schema)))
            // Kept so that the encoder can write the schema back in the form it came in.
            rest["responseSchema"] = schema
        case ("application/json", nil, nil):
            request.responseFormat = .jsonObject
        case ("text/plain", nil, nil):
            request.responseFormat = .text
        default:
            // Another output type (`text/x.enum`, …) or a schema without one: Gemini's own business.
            keep("responseMimeType")
            keep("responseJsonSchema")
            keep("responseSchema")
        }

        if let thinking = deferred["thinkingConfig"], thinking.field.isPresent {
            var options = ReasoningOptions()
            var kept = JSONObject()
            for member in try GeminiMembers(thinking.field).ordered {
                switch member.key {
                case "includeThoughts":
                    options.includeThoughts = try member.field.optionalBool()
                case "thinkingBudget":
                    // -1 asks for a dynamic budget, which the domain has no value for.
                    if let budget = try member.field.optionalInt(), budget >= 0 {
                        options.budgetTokens = budget
                    } else {
                        kept[member.original] = member.field.value
                    }
                case "thinkingLevel":
                    if let level = try member.field.optionalString() { options.effort = effort(level: level) }
                    // Kept so that the encoder writes a level (Gemini 3) rather than a budget.
                    kept["thinkingLevel"] = member.field.value
                default:
                    kept[member.original] = member.field.value
                }
            }
            // Gemini's default: a request that configures thinking without asking for thoughts gets none.
            options.includeThoughts = options.includeThoughts ?? false
            request.reasoning = options
            if !kept.isEmpty { rest["thinkingConfig"] = .object(kept) }
        }
        if !rest.isEmpty { extensions["generationConfig"] = .object(rest) }
    }

    /// Gemini's `thinkingLevel` as an effort.
    static func effort(level: String) -> ReasoningEffort {
        switch level.uppercased() {
        case "MINIMAL": .minimal
        case "LOW": .low
        case "MEDIUM": .medium
        case "HIGH": .high
        default: .unknown(level)
        }
    }

    // MARK: tools

    private static func tools(_ field: JSONField, into request: inout ChatRequest, extensions: inout JSONObject) throws(FieldError) {
        var others: [JSONValue] = []
        var declarationExtras: [JSONValue] = []
        for element in try field.elements() {
            var rest = JSONObject()
            for member in try GeminiMembers(element).ordered {
                guard member.key == "functionDeclarations" else {
                    rest[member.original] = member.field.value
                    continue
                }
                for declaration in try member.field.elements() {
                    let (tool, extras) = try functionDeclaration(declaration)
                    request.tools.append(tool)
                    if let extras { declarationExtras.append(.object(extras)) }
                }
            }
            if !rest.isEmpty { others.append(.object(rest)) }
        }
        if !others.isEmpty { extensions["tools"] = .array(others) }
        if !declarationExtras.isEmpty { extensions["functionDeclarations"] = .array(declarationExtras) }
    }

    /// A tool, and the declaration's members the tool has no place for (with its name), if any.
    private static func functionDeclaration(_ field: JSONField) throws(FieldError) -> (Tool, JSONObject?) {
        let members = try GeminiMembers(field)
        var tool = Tool(name: try members["name"].string(), description: try members["description"].optionalString())
        var extras: JSONObject = ["name": .string(tool.name)]
        let jsonSchema = members["parametersJsonSchema"]
        if jsonSchema.isPresent {
            _ = try jsonSchema.object()
            tool.parameters = jsonSchema.value
        }
        for member in members.ordered {
            switch member.key {
            case "name", "description", "parametersJsonSchema":
                continue
            case "parameters" where tool.parameters == nil && member.field.isPresent:
                _ = try member.field.object()
                tool.parameters = GeminiSchema.jsonSchema(fromOpenAPI: member.field.value ?? .null)
                // Kept so that the encoder can write the schema back in the form it came in.
                extras["parameters"] = member.field.value
            default:
                extras[member.original] = member.field.value
            }
        }
        return (tool, extras.count > 1 ? extras : nil)
    }

    private static func toolConfig(_ field: JSONField, into request: inout ChatRequest, extensions: inout JSONObject) throws(FieldError) {
        var rest = JSONObject()
        for member in try GeminiMembers(field).ordered {
            guard member.key == "functionCallingConfig", member.field.isPresent else {
                rest[member.original] = member.field.value
                continue
            }
            let config = try GeminiMembers(member.field)
            let mode = try config["mode"].optionalString()
            let names = try config["allowedFunctionNames"].optionalElements().map { (element) throws(FieldError) in try element.string() }
            let onlyKnown = config.keys(notIn: ["mode", "allowedFunctionNames"]).isEmpty
            switch (mode, names.count) {
            case ("AUTO", 0) where onlyKnown: request.toolChoice = .auto
            case ("NONE", 0) where onlyKnown: request.toolChoice = ToolChoice.none
            case ("ANY", 0) where onlyKnown: request.toolChoice = .required
            case ("ANY", 1) where onlyKnown: request.toolChoice = .tool(names[0])
            case ("ANY", _) where onlyKnown:
                request.toolChoice = .required
                rest["functionCallingConfig"] = .object(["allowedFunctionNames": .array(names.map(JSONValue.string))])
            default:
                // VALIDATED, an unspecified mode, or members Chimera does not know: as sent.
                rest["functionCallingConfig"] = member.field.value
            }
        }
        if !rest.isEmpty { extensions["toolConfig"] = .object(rest) }
    }
}
