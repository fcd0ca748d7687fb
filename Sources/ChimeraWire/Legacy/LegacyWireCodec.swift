import ChimeraCore
import Foundation

/// Translates between Chimera's domain types and one protocol family's JSON, in both directions.
///
/// A client (direct mode, proxy mode) encodes requests and decodes responses, streams and errors;
/// the proxy server does the reverse (decodes inbound requests, encodes responses, streams and
/// errors in the caller's protocol). Each codec is written once and used on both sides.
public protocol LegacyCodec: Sendable {
    /// The protocol family spoken.
    var family: ProtocolFamily { get }

    // MARK: Client side

    /// The headers that carry `apiKey` and any protocol version this family requires.
    func authenticationHeaders(apiKey: Secret?) -> [(name: String, value: String)]

    /// The request body for `request`.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` when the request cannot be expressed.
    func encodeRequest(_ request: ChatRequest) throws(ChimeraError) -> Data

    /// Reads a successful unary response body. `route` and `wireProtocol` of the result are
    /// `.direct` / `.json`; the transport sets the real ones.
    func decodeResponse(_ body: Data, provider: ProviderID) throws(ChimeraError) -> ChatResponse

    /// A decoder for the Server-Sent Events of one streamed response.
    func makeStreamDecoder(provider: ProviderID) -> any StreamDecoder

    /// Reads a non-2xx answer into an error: kind, status, upstream message, retryability and
    /// retry-after (from `headers` and from the body, e.g. Gemini's `RetryInfo`).
    func decodeError(status: Int, headers: [(name: String, value: String)], body: Data, provider: ProviderID) -> ChimeraError

    /// Reads a model-list body.
    func decodeModelList(_ body: Data, provider: ProviderID) throws(ChimeraError) -> [ModelInfo]

    // MARK: Server side

    /// Reads an inbound request body.
    ///
    /// - Parameters:
    ///   - body: The JSON body.
    ///   - provider: The provider the request will be sent to.
    ///   - model: The model from the URL path, for protocols that put it there (Gemini).
    ///   - stream: Whether the URL asked for a stream, for protocols that say it there (Gemini);
    ///     `nil` to read it from the body.
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the bad field.
    func decodeRequest(_ body: Data, provider: ProviderID, model: String?, stream: Bool?) throws(ChimeraError) -> ChatRequest

    /// The body of a unary response.
    func encodeResponse(_ response: ChatResponse) -> Data

    /// An encoder for the Server-Sent Events of one streamed response.
    func makeStreamEncoder(id: String, model: String) -> any LegacyStreamEncoder

    /// The body of an error response in this protocol's shape; the HTTP status is `error.status`
    /// (or the one ``httpStatus(for:)`` gives).
    func encodeError(_ error: ChimeraError) -> Data

    /// The body of a model list in this protocol's shape.
    func encodeModelList(_ models: [ModelInfo]) -> Data
}

/// Turns domain events into the Server-Sent Events of one protocol.
public protocol LegacyStreamEncoder: Sendable {
    /// The events that open the stream (Anthropic's `message_start`, …), sent before the first
    /// domain event.
    mutating func start() -> [SSEEvent]

    /// The events for one domain event.
    mutating func encode(_ event: ChatStreamEvent) -> [SSEEvent]

    /// The events that close a complete stream (`[DONE]`, `message_stop`, Gemini's final chunk).
    mutating func finish() -> [SSEEvent]

    /// The in-band error event that ends a stream which failed after it began.
    func encodeError(_ error: ChimeraError) -> SSEEvent
}

/// The codec of each provider.
public enum LegacyCodecs {
    /// The codec that speaks `provider`'s protocol, with its per-provider differences
    /// (OpenAI's `max_completion_tokens` versus `max_tokens` on compatible servers).
    public static func codec(for provider: ProviderID) -> any LegacyCodec {
        switch provider.family {
        case .openAIChat: LegacyOpenAICodec(provider: provider)
        case .anthropicMessages: LegacyAnthropicCodec()
        case .geminiGenerateContent: LegacyGeminiCodec()
        }
    }

    /// The codec of a protocol family, for servers that decode inbound requests.
    public static func codec(for family: ProtocolFamily) -> any LegacyCodec {
        switch family {
        case .openAIChat: LegacyOpenAICodec(provider: .openai)
        case .anthropicMessages: LegacyAnthropicCodec()
        case .geminiGenerateContent: LegacyGeminiCodec()
        }
    }
}
