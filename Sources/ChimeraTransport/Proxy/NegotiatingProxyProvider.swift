import ChimeraCore
import Logging

/// An ``LLMProvider`` that reaches the proxy in the wire protocol ``NegotiatedProxyProtocol``
/// chooses: the binary ``ProtobufProxyProvider`` or the JSON ``HTTPProvider``.
///
/// With `PROXY_PROTOCOL=auto`, a binary request the proxy answers as unsupported
/// (``ChimeraError/Kind/protocolMismatch``: 404, 406, 415, or a JSON or HTML body where protobuf
/// was asked) is sent again in JSON at once, and the proxy is switched to JSON for everyone, so
/// the caller never sees the refusal. Only a request that has not started answering is sent
/// again; a refusal always comes before any event. Answers report the protocol that carried them
/// (``ChatResponse/wireProtocol``, ``ChatStream/wireProtocol``).
///
/// Models are always listed over JSON: the binary protocol has no call for them, and every proxy
/// lists them on its JSON routes.
public struct NegotiatingProxyProvider: LLMProvider {
    public var id: ProviderID { json.id }
    public var capabilities: ProviderCapabilities { json.capabilities }

    private let json: any LLMProvider
    private let protobuf: any LLMProvider
    private let negotiation: NegotiatedProxyProtocol

    /// Creates a provider over the two encodings of one provider's proxy route.
    ///
    /// - Parameters:
    ///   - json: The provider in JSON, e.g. ``HTTPProvider/proxied(_:configuration:transport:observer:logger:)``.
    ///   - protobuf: The provider in the binary protocol, e.g. ``ProtobufProxyProvider/proxied(_:configuration:transport:observer:logger:)``.
    ///   - negotiation: The proxy's negotiation, shared by every provider that reaches it.
    public init(json: any LLMProvider, protobuf: any LLMProvider, negotiation: NegotiatedProxyProtocol) {
        self.json = json
        self.protobuf = protobuf
        self.negotiation = negotiation
    }

    /// The provider `id` reached through the configured proxy, in the protocol `negotiation` picks.
    public static func proxied(
        _ id: ProviderID,
        configuration: ChimeraConfiguration,
        transport: HTTPTransport,
        negotiation: NegotiatedProxyProtocol,
        observer: RequestObserver? = nil,
        logger: Logger
    ) -> NegotiatingProxyProvider {
        NegotiatingProxyProvider(
            json: HTTPProvider.proxied(id, configuration: configuration, transport: transport, observer: observer, logger: logger),
            protobuf: ProtobufProxyProvider.proxied(id, configuration: configuration, transport: transport, observer: observer, logger: logger),
            negotiation: negotiation
        )
    }

    public func complete(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatResponse {
        try await negotiated { (provider) throws(ChimeraError) in try await provider.complete(request, context: context) }
    }

    public func stream(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatStream {
        try await negotiated { (provider) throws(ChimeraError) in try await provider.stream(request, context: context) }
    }

    /// A proxy that predates `Embed` answers it 404, which switches the proxy to JSON like any
    /// refusal of the binary protocol.
    public func embed(_ request: EmbeddingRequest, context: CallContext) async throws(ChimeraError) -> EmbeddingResponse {
        try await negotiated { (provider) throws(ChimeraError) in try await provider.embed(request, context: context) }
    }

    public func listModels(context: CallContext) async throws(ChimeraError) -> [ModelInfo] {
        try await json.listModels(context: context)
    }

    /// Counted over JSON: the binary protocol has no call for it.
    public func countTokens(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> TokenCount {
        try await json.countTokens(request, context: context)
    }

    /// Runs `call` on the provider of the chosen protocol, and again on the JSON one when the
    /// proxy refused the binary protocol and the preference allows falling back.
    private func negotiated<Value>(_ call: (any LLMProvider) async throws(ChimeraError) -> Value) async throws(ChimeraError) -> Value {
        guard await negotiation.choose() == .protobuf else { return try await call(json) }
        do {
            return try await call(protobuf)
        } catch let error where error.kind == .protocolMismatch && negotiation.fallsBackToJSON {
            negotiation.recordRefusal(error)
            return try await call(json)
        }
    }
}
