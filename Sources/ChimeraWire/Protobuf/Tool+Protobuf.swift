import ChimeraCore

extension Chimera_Proxy_V1_Tool {
    /// The message for a tool definition; the parameters' JSON Schema goes as JSON text.
    public init(_ tool: Tool) {
        self.init()
        name = tool.name
        if let description = tool.description { self.description_p = description }
        if let parameters = tool.parameters { self.parameters = parameters.serialized() }
        if let strict = tool.strict { self.strict = strict }
        if let cacheControl = tool.cacheControl { self.cacheControl = Chimera_Proxy_V1_CacheControl(cacheControl) }
    }
}

extension Chimera_Proxy_V1_ToolChoice {
    /// The message for a tool choice: a mode, and the tool's name for one named tool.
    public init(_ choice: ToolChoice) {
        self.init()
        switch choice {
        case .auto: mode = "auto"
        case .none: mode = "none"
        case .required: mode = "required"
        case .tool(let name):
            mode = "tool"
            toolName = name
        }
    }
}

extension Chimera_Proxy_V1_ResponseFormat {
    /// The message for a response format; a JSON Schema goes as JSON text.
    public init(_ format: ResponseFormat) {
        self.init()
        switch format {
        case .text: type = "text"
        case .jsonObject: type = "json_object"
        case .jsonSchema(let schema):
            type = "json_schema"
            jsonSchema.name = schema.name
            if let description = schema.description { jsonSchema.description_p = description }
            jsonSchema.schema = schema.schema.serialized()
            if let strict = schema.strict { jsonSchema.strict = strict }
        }
    }
}

extension Chimera_Proxy_V1_ReasoningOptions {
    /// The message for reasoning options; the effort goes as its OpenAI name.
    public init(_ options: ReasoningOptions) {
        self.init()
        if let effort = options.effort { self.effort = effort.rawValue }
        if let budget = options.budgetTokens { budgetTokens = Int64(budget) }
        if let includeThoughts = options.includeThoughts { self.includeThoughts = includeThoughts }
    }
}

extension ProtobufReader {
    /// The domain tool definitions of a request.
    ///
    /// - Throws: ``failure(_:_:)`` naming `tools[i].parameters` when a schema is not JSON.
    func tools(_ tools: [Chimera_Proxy_V1_Tool]) throws(ChimeraError) -> [Tool] {
        var result: [Tool] = []
        result.reserveCapacity(tools.count)
        for (index, tool) in tools.enumerated() {
            // Not a `?:` with `nil`: JSONValue is ExpressibleByNilLiteral, so that `nil` would
            // be JSON's null, not an absent schema.
            let parameters: JSONValue? = if tool.hasParameters { try json(tool.parameters, at: "tools[\(index)].parameters") } else { nil }
            result.append(Tool(
                name: tool.name,
                description: tool.hasDescription_p ? tool.description_p : nil,
                parameters: parameters,
                strict: tool.hasStrict ? tool.strict : nil,
                cacheControl: tool.hasCacheControl ? CacheControl(tool.cacheControl) : nil
            ))
        }
        return result
    }

    /// The domain tool choice of a request.
    ///
    /// - Throws: ``failure(_:_:)`` naming `tool_choice.mode` when it is none of the four modes.
    func toolChoice(_ choice: Chimera_Proxy_V1_ToolChoice) throws(ChimeraError) -> ToolChoice {
        switch choice.mode {
        case "auto": return .auto
        case "none": return .none
        case "required": return .required
        case "tool": return .tool(choice.toolName)
        default:
            throw failure("tool_choice.mode", "\"\(choice.mode.prefix(64))\" is not a tool choice; accepted: auto, none, required, tool")
        }
    }

    /// The domain response format of a request.
    ///
    /// - Throws: ``failure(_:_:)`` naming `response_format.type` (none of the three types),
    ///   `response_format.json_schema` (missing) or `response_format.json_schema.schema` (not JSON).
    func responseFormat(_ format: Chimera_Proxy_V1_ResponseFormat) throws(ChimeraError) -> ResponseFormat {
        switch format.type {
        case "text": return .text
        case "json_object": return .jsonObject
        case "json_schema":
            guard format.hasJsonSchema else {
                throw failure("response_format.json_schema", "must be set when type is \"json_schema\"")
            }
            let schema = format.jsonSchema
            return .jsonSchema(JSONSchemaFormat(
                name: schema.name,
                description: schema.hasDescription_p ? schema.description_p : nil,
                schema: try json(schema.schema, at: "response_format.json_schema.schema"),
                strict: schema.hasStrict ? schema.strict : nil
            ))
        default:
            throw failure("response_format.type", "\"\(format.type.prefix(64))\" is not a response format; accepted: text, json_object, json_schema")
        }
    }
}

extension ReasoningOptions {
    /// The domain reasoning options of a message; an effort this version does not know is kept
    /// as ``ReasoningEffort/unknown(_:)``.
    public init(_ message: Chimera_Proxy_V1_ReasoningOptions) {
        // Int is 64 bits wide on every platform Chimera supports, so this conversion is exact.
        self.init(
            effort: message.hasEffort ? ReasoningEffort(rawValue: message.effort) : nil,
            budgetTokens: message.hasBudgetTokens ? Int(message.budgetTokens) : nil,
            includeThoughts: message.hasIncludeThoughts ? message.includeThoughts : nil
        )
    }
}
