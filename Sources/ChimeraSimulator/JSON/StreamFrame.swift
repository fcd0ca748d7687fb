import ChimeraCore
import Foundation

/// One unit of a Server-Sent Events body: an event, or a comment line such as DeepSeek's keep-alive.
enum StreamFrame: Sendable, Equatable {
    case event(SSEEvent)
    case comment(String)

    /// A data-only event, as OpenAI and Gemini send them.
    static func data(_ json: JSONValue) -> StreamFrame {
        .event(SSEEvent(data: json.serialized()))
    }

    /// A named event, as Anthropic sends them.
    static func named(_ name: String, _ json: JSONValue) -> StreamFrame {
        .event(SSEEvent(event: name, data: json.serialized()))
    }

    /// The frame with its data cut in half, so that it is no longer valid JSON.
    var truncated: StreamFrame {
        switch self {
        case .event(var event):
            event.data = String(event.data.prefix(event.data.count / 2))
            return .event(event)
        case .comment:
            return self
        }
    }

    /// The frame in wire form, ending with the blank line that dispatches it.
    ///
    /// - Parameter lineEnding: `"\n"` or `"\r\n"`.
    func serialized(lineEnding: String) -> String {
        let text =
            switch self {
            case .event(let event): event.serialized
            case .comment(let comment): ": \(comment)\n\n"
            }
        // Event data is serialized JSON, which never holds a raw line break.
        return lineEnding == "\n" ? text : text.replacingOccurrences(of: "\n", with: lineEnding)
    }
}
