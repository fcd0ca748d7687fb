import ChimeraCore
import ChimeraWire
import Testing

/// Drives ``GeminiBinding`` the way a transport and a server do: bodies as bytes, streams
/// through ``SSEParser`` split at any byte offset.
enum GeminiHarness {
    static let binding = GeminiBinding()

    /// A request for `model` with the given messages, as the stream and answer codecs need one.
    static func request(_ messages: [ChatMessage] = [.user("Hi")], model: String = "gemini-2.5-flash", stream: Bool = false) -> ChatRequest {
        ChatRequest(provider: .gemini, model: model, messages: messages, stream: stream)
    }

    /// The domain request a Gemini body decodes to.
    static func decode(_ body: String, model: String? = "gemini-2.5-flash", stream: Bool? = false) throws(ChimeraError) -> ChatRequest {
        try binding.decodeRequest(Array(body.utf8), provider: .gemini, model: model, stream: stream)
    }

    /// The body a domain request encodes to, parsed.
    static func encode(_ request: ChatRequest) throws -> JSONValue {
        try JSONValue(parsing: binding.encodeRequest(request))
    }

    /// The domain events of a Server-Sent Events transcript.
    ///
    /// - Parameter chunkSize: The bytes fed to the parser at a time, to prove that boundaries
    ///   inside lines, UTF-8 sequences and JSON do not matter.
    static func decodeStream(_ text: String, request: ChatRequest = request(stream: true), chunkSize: Int = .max) throws(ChimeraError) -> [ChatStreamEvent] {
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
        if let last = parser.finish() {
            events += try decoder.decode(last)
        }
        events += try decoder.finish()
        return events
    }

    /// The error a transcript makes the decoder throw, or `nil` when it decodes.
    static func streamError(_ text: String) -> ChimeraError? {
        do {
            _ = try decodeStream(text)
            return nil
        } catch {
            return error
        }
    }

    /// The wire text the stream encoder writes for `events`, closed with ``StreamEncoder/finish()``.
    static func encodeStream(_ events: [ChatStreamEvent], request: ChatRequest = request(stream: true)) -> String {
        var encoder = binding.makeStreamEncoder(for: request)
        var bytes: [UInt8] = []
        for event in events { bytes += encoder.encode(event) }
        bytes += encoder.finish()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `data:` payloads of a transcript, parsed.
    static func payloads(_ text: String) throws -> [JSONValue] {
        var parser = SSEParser()
        var events = try parser.parse(Array(text.utf8))
        if let last = parser.finish() { events.append(last) }
        return try events.map { try JSONValue(parsing: $0.data) }
    }

    /// What a watcher concludes about a transcript: the error of the first event that had one,
    /// else the end-of-body verdict.
    static func watch(_ text: String) throws -> (watcher: any StreamWatcher, error: ChimeraError?) {
        var parser = SSEParser()
        var watcher = binding.makeStreamWatcher(for: request(stream: true))
        var events = try parser.parse(Array(text.utf8))
        if let last = parser.finish() { events.append(last) }
        for event in events {
            if let error = watcher.observe(event) { return (watcher, error) }
        }
        let error = watcher.finish()
        return (watcher, error)
    }
}

/// Whether two JSON values mean the same: objects compare as sets of members (the API reads them
/// by name), arrays in order, numbers by value.
func semanticallyEqual(_ left: JSONValue, _ right: JSONValue) -> Bool {
    switch (left, right) {
    case (.object(let a), .object(let b)):
        guard a.count == b.count else { return false }
        return a.allSatisfy { member in b[member.key].map { semanticallyEqual(member.value, $0) } ?? false }
    case (.array(let a), .array(let b)):
        return a.count == b.count && zip(a, b).allSatisfy(semanticallyEqual)
    case (.number(let a), .number(let b)):
        return a.double == b.double
    default:
        return left == right
    }
}

/// The fixture text parsed; a fixture that is not JSON is a bug in the test.
func json(_ text: String) throws -> JSONValue {
    try JSONValue(parsing: text)
}

/// The tool calls a stream's events assemble to.
func assembled(_ events: [ChatStreamEvent]) -> ChatResponseAssembler {
    var assembler = ChatResponseAssembler()
    for event in events { assembler.add(event) }
    return assembler
}
