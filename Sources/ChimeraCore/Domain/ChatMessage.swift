/// One turn of a conversation: who wrote it, and its parts in order.
///
/// ```swift
/// let turns: [ChatMessage] = [
///     .system("Be brief."),
///     .user([.text("What is in this picture?"), .image(url: "https://example.com/cat.png")]),
///     .assistant([.toolCall(ToolCall(id: "call_1", name: "look", arguments: "{}"))]),
///     .toolResult(ToolResult(toolCallID: "call_1", text: "a cat")),
/// ]
/// ```
public struct ChatMessage: Sendable, Hashable {
    /// Who wrote the turn.
    public var role: Role
    /// What the turn holds, in order.
    public var parts: [ContentPart]
    /// A participant name (OpenAI's `name`).
    public var name: String?

    /// Creates a message from parts.
    public init(role: Role, parts: [ContentPart], name: String? = nil) {
        self.role = role
        self.parts = parts
        self.name = name
    }

    /// Creates a message holding one piece of text.
    public init(role: Role, content: String) {
        self.init(role: role, parts: [.text(content)])
    }

    /// A system instruction.
    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    /// A user turn of text.
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    /// A user turn of parts (text, images, documents).
    public static func user(_ parts: [ContentPart]) -> ChatMessage { ChatMessage(role: .user, parts: parts) }
    /// An assistant turn of text.
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }
    /// An assistant turn of parts (text, tool calls, reasoning), e.g. a previous answer's ``ChatResponse/parts``.
    public static func assistant(_ parts: [ContentPart]) -> ChatMessage { ChatMessage(role: .assistant, parts: parts) }
    /// The result of a tool call, as a turn of its own (OpenAI's `tool` message).
    public static func toolResult(_ result: ToolResult) -> ChatMessage { ChatMessage(role: .tool, parts: [.toolResult(result)]) }

    /// The text parts joined.
    public var text: String { parts.compactMap(\.text).joined() }

    /// The tool calls among the parts.
    public var toolCalls: [ToolCall] {
        parts.compactMap { if case .toolCall(let call) = $0 { call } else { nil } }
    }

    /// The tool results among the parts.
    public var toolResults: [ToolResult] {
        parts.compactMap { if case .toolResult(let result) = $0 { result } else { nil } }
    }

    /// The author of a turn. Open: providers add roles, so unknown values are kept, not rejected.
    public enum Role: Sendable, Hashable, CustomStringConvertible {
        case system
        case user
        case assistant
        /// A turn that carries tool results (OpenAI's `tool` role; the other families put tool
        /// results in user turns, and every codec accepts both).
        case tool
        case unknown(String)

        /// Maps a wire value to a role; anything unrecognised becomes ``unknown(_:)``.
        public init(rawValue: String) {
            switch rawValue {
            case "system": self = .system
            case "user": self = .user
            case "assistant": self = .assistant
            case "tool": self = .tool
            default: self = .unknown(rawValue)
            }
        }

        /// The wire value.
        public var rawValue: String {
            switch self {
            case .system: "system"
            case .user: "user"
            case .assistant: "assistant"
            case .tool: "tool"
            case .unknown(let value): value
            }
        }

        public var description: String { rawValue }
    }
}
