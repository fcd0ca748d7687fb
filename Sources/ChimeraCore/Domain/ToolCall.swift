/// A call of one of the request's tools, as the model wrote it.
public struct ToolCall: Sendable, Hashable {
    /// The call's id, which its result refers to (Gemini gives none; Chimera makes one).
    public var id: String
    /// The tool's name.
    public var name: String
    /// The arguments as the model wrote them: JSON text, normally an object. Kept as text
    /// because a model may write invalid JSON, and the caller decides what to do then.
    public var arguments: String
    /// An opaque token the provider attached to the call (Gemini's `thoughtSignature`), which
    /// must come back with it on the next turn.
    public var signature: String?

    /// Creates a tool call.
    public init(id: String, name: String, arguments: String, signature: String? = nil) {
        self.id = id
        self.name = name
        self.arguments = arguments
        self.signature = signature
    }

    /// The arguments parsed, or `nil` when they are not JSON.
    public var parsedArguments: JSONValue? {
        do {
            return try JSONValue(parsing: arguments)
        } catch {
            return nil
        }
    }
}

/// The result of a tool call, sent back to the model.
public struct ToolResult: Sendable, Hashable {
    /// The id of the call this answers.
    public var toolCallID: String
    /// The tool's name, when known (Gemini answers by name).
    public var name: String?
    /// What the tool returned: text, and images or documents where the provider accepts them.
    public var content: [ContentPart]
    /// Whether the tool failed (Anthropic's `is_error`).
    public var isError: Bool
    /// Anthropic's prompt-cache marker after this part.
    public var cacheControl: CacheControl?

    /// Creates a tool result.
    public init(toolCallID: String, name: String? = nil, content: [ContentPart], isError: Bool = false, cacheControl: CacheControl? = nil) {
        self.toolCallID = toolCallID
        self.name = name
        self.content = content
        self.isError = isError
        self.cacheControl = cacheControl
    }

    /// A result that is one piece of text.
    public init(toolCallID: String, name: String? = nil, text: String, isError: Bool = false) {
        self.init(toolCallID: toolCallID, name: name, content: [.text(text)], isError: isError)
    }

    /// The text parts joined.
    public var text: String { content.compactMap(\.text).joined() }
}
