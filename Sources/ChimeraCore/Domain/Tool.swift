/// A function the model may call.
public struct Tool: Sendable, Hashable {
    /// The name the model calls it by.
    public var name: String
    /// What it does, for the model.
    public var description: String?
    /// The JSON Schema of its arguments (an object schema), kept in the order written.
    public var parameters: JSONValue?
    /// Whether the provider must hold the arguments to the schema exactly (OpenAI `strict`).
    public var strict: Bool?
    /// Anthropic's prompt-cache marker after this tool.
    public var cacheControl: CacheControl?

    /// Creates a tool.
    public init(name: String, description: String? = nil, parameters: JSONValue? = nil, strict: Bool? = nil, cacheControl: CacheControl? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.strict = strict
        self.cacheControl = cacheControl
    }
}

/// Whether and which tool the model must call.
public enum ToolChoice: Sendable, Hashable {
    /// The model decides.
    case auto
    /// The model must not call a tool.
    case none
    /// The model must call at least one tool.
    case required
    /// The model must call this tool.
    case tool(String)
}

/// The shape the answer's text must have.
public enum ResponseFormat: Sendable, Hashable {
    /// Free text (the default).
    case text
    /// Any JSON object.
    case jsonObject
    /// JSON that satisfies a schema.
    case jsonSchema(JSONSchemaFormat)
}

/// A named JSON Schema for structured output.
public struct JSONSchemaFormat: Sendable, Hashable {
    /// The schema's name (OpenAI requires one).
    public var name: String
    /// What the output is, for the model.
    public var description: String?
    /// The JSON Schema.
    public var schema: JSONValue
    /// Whether the provider must hold the output to the schema exactly.
    public var strict: Bool?

    /// Creates a schema format.
    public init(name: String, description: String? = nil, schema: JSONValue, strict: Bool? = nil) {
        self.name = name
        self.description = description
        self.schema = schema
        self.strict = strict
    }
}
