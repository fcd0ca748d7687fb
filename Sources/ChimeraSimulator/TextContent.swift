/// The text of a message's content, whichever way the protocol spells it.
///
/// Decodes a plain string or an array of parts. A part counts when it has a `text` and is a
/// text part: OpenAI and Anthropic parts say `"type": "text"`, Gemini parts have no type and
/// mark thinking with `"thought": true`. Other parts (images, tool calls, tool results) carry
/// no words the simulator counts.
struct TextContent: Decodable, Sendable {
    /// The texts of the counted parts, in order.
    var texts: [String]

    private struct Part: Decodable {
        var type: String?
        var text: String?
        var thought: Bool?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            texts = []
        } else if let text = try? container.decode(String.self) {
            texts = [text]
        } else {
            let parts = try container.decode([Part].self)
            texts = parts.compactMap { part in
                guard part.type == nil || part.type == "text", part.thought != true else { return nil }
                return part.text
            }
        }
    }

    /// The whitespace-separated words of all counted parts.
    var words: [Substring] {
        texts.flatMap { $0.split(whereSeparator: \.isWhitespace) }
    }
}
