/// One turn of a conversation.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// Who wrote the turn.
    public var role: Role
    /// The text of the turn.
    public var content: String

    /// Creates a message.
    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }

    /// A system instruction.
    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    /// A user turn.
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    /// An assistant turn.
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }

    /// The author of a turn. Open: providers add roles, so unknown values are kept, not rejected.
    public enum Role: Sendable, Hashable, Codable, CustomStringConvertible {
        case system
        case user
        case assistant
        case unknown(String)

        /// Maps a wire value to a role; anything unrecognised becomes ``unknown(_:)``.
        public init(rawValue: String) {
            switch rawValue {
            case "system": self = .system
            case "user": self = .user
            case "assistant": self = .assistant
            default: self = .unknown(rawValue)
            }
        }

        /// The wire value.
        public var rawValue: String {
            switch self {
            case .system: "system"
            case .user: "user"
            case .assistant: "assistant"
            case .unknown(let value): value
            }
        }

        public var description: String { rawValue }

        public init(from decoder: any Decoder) throws {
            self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }
}
