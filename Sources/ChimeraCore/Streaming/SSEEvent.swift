/// One Server-Sent Event.
public struct SSEEvent: Sendable, Hashable {
    /// The `event:` field, if any (Anthropic names every event; OpenAI and Gemini never do).
    public var event: String?
    /// The `data:` lines, joined with `\n`.
    public var data: String
    /// The `id:` field, if any.
    public var id: String?
    /// The `retry:` field in milliseconds, if any.
    public var retry: Int?

    /// Creates an event.
    public init(event: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }

    /// The event in wire form, ending with the blank line that dispatches it.
    ///
    /// Multi-line data becomes several `data:` lines, so the text survives a round trip.
    public var serialized: String {
        var text = ""
        if let event { text += "event: \(event)\n" }
        if let id { text += "id: \(id)\n" }
        if let retry { text += "retry: \(retry)\n" }
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line)\n"
        }
        return text + "\n"
    }
}
