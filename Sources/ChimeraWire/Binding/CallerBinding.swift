import ChimeraCore

/// How a caller speaks to a Chimera server: how its request is read and how answers, streams and
/// errors are written back to it. The relay needs only this; the JSON families'
/// ``ProtocolBinding``s, Connect's ``ConnectBinding`` and Chimera's own ``ChimeraGenerateBinding``
/// provide it.
public protocol CallerBinding: Sendable {
    /// The family whose upstreams may receive the caller's request as sent (same-family
    /// pass-through); `nil` when the caller's protocol is no provider's.
    var passThroughFamily: ProtocolFamily? { get }

    /// Reads an inbound request body (see ``ProtocolBinding/decodeRequest(_:provider:model:stream:)``).
    func decodeRequest(_ body: [UInt8], provider: ProviderID, model: String?, stream: Bool?) throws(ChimeraError) -> ChatRequest

    /// The `Content-Type` of a unary answer.
    var responseContentType: String { get }

    /// The body of a unary answer to `request`.
    ///
    /// - Throws: ``ChimeraError`` when the answer cannot be written (a protobuf message over 2 GiB).
    func encodeResponse(_ response: ChatResponse, for request: ChatRequest) throws(ChimeraError) -> [UInt8]

    /// An encoder of one streamed answer to `request`, which travels `route` over `wireProtocol`
    /// (Chimera's own protocol says so in its last event; the providers' have no place for it).
    func makeStreamEncoder(for request: ChatRequest, route: Route, wireProtocol: WireProtocol) -> any StreamEncoder

    /// The answer to a request that failed before any answer began.
    ///
    /// - Parameter streaming: Whether the caller asked for a stream (Connect answers failed
    ///   streams with 200 and the error in the end-of-stream envelope).
    func errorAnswer(_ error: ChimeraError, streaming: Bool) -> ErrorAnswer
}

/// An error answer: status, content type and body.
public struct ErrorAnswer: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The `Content-Type`.
    public var contentType: String
    /// The body.
    public var body: [UInt8]

    /// Creates an error answer.
    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

extension ProtocolBinding {
    /// The binding's own family.
    public var passThroughFamily: ProtocolFamily? { family }

    /// `application/json`.
    public var responseContentType: String { "application/json" }

    /// The family's own stream encoder: its events have no place for the route.
    public func makeStreamEncoder(for request: ChatRequest, route: Route, wireProtocol: WireProtocol) -> any StreamEncoder {
        makeStreamEncoder(for: request)
    }

    /// The family's error body with the error's status, streaming or not (a stream that fails
    /// before it began still has its status line to say so).
    public func errorAnswer(_ error: ChimeraError, streaming: Bool) -> ErrorAnswer {
        ErrorAnswer(status: error.httpStatus, contentType: "application/json", body: encodeError(error))
    }
}

/// The binding of each protocol family.
public enum ProtocolBindings {
    /// The binding that speaks `family`.
    public static func binding(for family: ProtocolFamily) -> any ProtocolBinding {
        binding(for: .openai, speaking: family)
    }

    /// The binding that speaks `provider`'s protocol, in its dialect.
    public static func binding(for provider: ProviderID) -> any ProtocolBinding {
        binding(for: provider, speaking: provider.family)
    }

    /// The binding that speaks `family` to `provider` (an OpenAI-compatible provider may be
    /// called over the Responses API), in the provider's dialect where the family has dialects.
    public static func binding(for provider: ProviderID, speaking family: ProtocolFamily) -> any ProtocolBinding {
        switch family {
        case .openAIChat: OpenAIChatBinding(provider: provider.family == .openAIChat ? provider : .openai)
        case .openAIResponses: OpenAIResponsesBinding(provider: provider.family == .openAIChat ? provider : .openai)
        case .anthropicMessages: AnthropicMessagesBinding()
        case .geminiGenerateContent: GeminiBinding()
        }
    }
}
