import ChimeraCore
import ChimeraWire
import Testing

/// Drives ``OpenAIChatBinding`` the way a transport and a server do: bodies as bytes, streams
/// through ``SSEParser`` split at any byte offset, written JSON read back as ``JSONValue``.
enum OpenAIChatHarness {
    static let binding = OpenAIChatBinding(provider: .openai)

    /// A minimal request to `provider`, for the answer and stream codecs, which read the
    /// provider's dialect from it.
    static func request(provider: ProviderID = .openai, stream: Bool = false) -> ChatRequest {
        ChatRequest(provider: provider, model: "gpt-4.1", messages: [.user("Hi")], stream: stream)
    }

    /// The body a request encodes to, parsed.
    static func encode(_ request: ChatRequest) throws -> JSONValue {
        try JSONValue(parsing: OpenAIChatBinding(provider: request.provider).encodeRequest(request))
    }

    /// The domain request an inbound body decodes to.
    static func decode(_ body: String, provider: ProviderID = .openai) throws(ChimeraError) -> ChatRequest {
        try binding.decodeRequest(Array(body.utf8), provider: provider, model: nil, stream: nil)
    }

    /// The domain answer a unary body decodes to.
    static func decodeResponse(_ body: String, provider: ProviderID = .openai) throws(ChimeraError) -> ChatResponse {
        try binding.decodeResponse(Array(body.utf8), for: request(provider: provider))
    }

    /// The domain events of a Server-Sent Events transcript, fed `chunkSize` bytes at a time.
    static func decodeStream(_ text: String, provider: ProviderID = .openai, chunkSize: Int = .max) throws(ChimeraError) -> [ChatStreamEvent] {
        try StreamHarness.decode(text, binding: binding, request: request(provider: provider, stream: true), chunkSize: chunkSize)
    }

    /// The error a transcript makes the decoder throw, or `nil` when it decodes.
    static func streamError(_ text: String, provider: ProviderID = .openai) -> ChimeraError? {
        StreamHarness.error(decoding: text, binding: binding, request: request(provider: provider, stream: true))
    }

    /// The `data:` payloads of a transcript other than `[DONE]`, parsed.
    static func payloads(_ text: String) throws -> [JSONValue] {
        var parser = SSEParser()
        var events = try parser.parse(Array(text.utf8))
        if let last = parser.finish() { events.append(last) }
        return try events.filter { $0.data != "[DONE]" }.map { try JSONValue(parsing: $0.data) }
    }
}
