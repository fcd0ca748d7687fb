/// Why a model stopped generating. Open: providers add reasons, so unknown values are kept.
///
/// Each wire codec maps its provider's values here and back; the table is in the reference
/// (`provider-wire-formats.md` §8).
public enum FinishReason: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A natural end.
    case stop
    /// One of the request's stop sequences was produced.
    case stopSequence
    /// The output token limit (or the context window) was reached.
    case length
    /// The model asked for a tool call.
    case toolCalls
    /// The provider filtered or refused the output.
    case contentFilter
    /// A value Chimera does not know, kept as the provider sent it.
    case unknown(String)

    /// The neutral name, as Chimera's own APIs write it.
    public var rawValue: String {
        switch self {
        case .stop: "stop"
        case .stopSequence: "stop_sequence"
        case .length: "length"
        case .toolCalls: "tool_calls"
        case .contentFilter: "content_filter"
        case .unknown(let value): value
        }
    }

    /// Reads a neutral name; anything else becomes ``unknown(_:)``.
    public init(rawValue: String) {
        switch rawValue {
        case "stop": self = .stop
        case "stop_sequence": self = .stopSequence
        case "length": self = .length
        case "tool_calls": self = .toolCalls
        case "content_filter": self = .contentFilter
        default: self = .unknown(rawValue)
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
