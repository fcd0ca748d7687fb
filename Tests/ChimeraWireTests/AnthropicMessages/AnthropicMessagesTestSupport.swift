import ChimeraCore
import ChimeraWire
import Testing

/// The binding under test and helpers around it: bodies as bytes, JSON compared without
/// member order, streams run through ``SSEParser`` at awkward chunk sizes.
enum AnthropicMessagesHarness {
    static let binding = AnthropicMessagesBinding()

    /// A minimal request to the Anthropic provider, for the answer and stream codecs.
    static func request(
        _ messages: [ChatMessage] = [.user("Hi")], responseFormat: ResponseFormat? = nil, stream: Bool = false
    ) -> ChatRequest {
        ChatRequest(provider: .anthropic, model: "claude-sonnet-4-5", messages: messages, stream: stream, responseFormat: responseFormat)
    }

    /// Parses JSON text.
    static func json(_ text: String) throws -> JSONValue {
        try JSONValue(parsing: text)
    }

    /// Parses bytes a codec wrote.
    static func json(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONValue(parsing: bytes)
    }

    /// The value with every object's members sorted by key: two bodies with the same members
    /// and values compare equal whatever the order they were written in.
    static func unordered(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(JSONObject(object.members.sorted { $0.key < $1.key }.map { ($0.key, unordered($0.value)) }))
        case .array(let elements):
            return .array(elements.map(unordered))
        default:
            return value
        }
    }

    /// Expects two bodies to have the same members and values, whatever their order; a
    /// mismatch shows both as compact JSON.
    static func expectSame(_ actual: JSONValue, _ expected: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) {
        let actualText = unordered(actual).serialized()
        let expectedText = unordered(expected).serialized()
        #expect(actualText == expectedText, sourceLocation: sourceLocation)
    }

    /// Decodes an inbound body and encodes the request again, as a same-family hop through the
    /// domain does.
    static func roundTrip(_ body: String) throws -> JSONValue {
        let request = try binding.decodeRequest(Array(body.utf8), provider: .anthropic, model: nil, stream: nil)
        return try json(binding.encodeRequest(request))
    }

    /// The error an operation threw, or `nil` when it succeeded.
    static func error<T>(_ operation: () throws(ChimeraError) -> T) -> ChimeraError? {
        do {
            _ = try operation()
            return nil
        } catch {
            return error
        }
    }

    // MARK: Streams

    /// The domain events of an SSE transcript, fed to the parser `chunkSize` bytes at a time.
    static func decodeStream(_ text: String, for request: ChatRequest = request(stream: true), chunkSize: Int = .max) throws(ChimeraError) -> [ChatStreamEvent] {
        var parser = SSEParser()
        var decoder = binding.makeStreamDecoder(for: request)
        var events: [ChatStreamEvent] = []
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            for event in try parser.parse(bytes[start..<end]) {
                events += try decoder.decode(event)
            }
            start = end
        }
        if let last = parser.finish() { events += try decoder.decode(last) }
        events += try decoder.finish()
        return events
    }

    /// The wire text the stream encoder writes for `events`, closed by `finish()`.
    static func encodeStream(_ events: [ChatStreamEvent], for request: ChatRequest = request(stream: true)) -> String {
        var encoder = binding.makeStreamEncoder(for: request)
        var bytes: [UInt8] = []
        for event in events { bytes += encoder.encode(event) }
        bytes += encoder.finish()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The SSE events of wire text.
    static func sseEvents(_ text: String) throws(ChimeraError) -> [SSEEvent] {
        var parser = SSEParser()
        var events = try parser.parse(Array(text.utf8))
        if let last = parser.finish() { events.append(last) }
        return events
    }

    /// The payload of each event, as `(event line, JSON data)`.
    static func payloads(_ text: String) throws -> [(event: String?, data: JSONValue)] {
        try sseEvents(text).map { ($0.event, try JSONValue(parsing: $0.data)) }
    }

    /// Chunk sizes that split lines, JSON and multi-byte characters everywhere.
    static let chunkSizes = [1, 2, 3, 7, 13, 64, Int.max]
}
