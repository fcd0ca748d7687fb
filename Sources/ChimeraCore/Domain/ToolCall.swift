import Foundation

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

extension ToolCall {
    /// What separates a call's id from the signature folded into it.
    static let signatureSeparator = "__sig_"

    /// The id with the signature folded in, for protocols that have no place for a tool call's
    /// signature (OpenAI Chat, Anthropic Messages): a caller of those protocols sends the id back
    /// unchanged with the call and its result, so a Gemini signature survives the round trip.
    /// The signature is written base64url, so the id stays within `[A-Za-z0-9_-]`.
    public var idCarryingSignature: String {
        guard let signature, !signature.isEmpty else { return id }
        return id + Self.signatureSeparator + Base64Text.urlSafe(signature)
    }

    /// Splits an id written by ``idCarryingSignature`` into the call's id and its signature
    /// (base64, as the provider wrote it); any other id comes back whole, without a signature.
    public static func splitSignature(from id: String) -> (id: String, signature: String?) {
        guard let range = id.range(of: signatureSeparator, options: .backwards) else { return (id, nil) }
        guard let base64 = Base64Text.standard(String(id[range.upperBound...])) else { return (id, nil) }
        return (String(id[..<range.lowerBound]), base64)
    }
}
