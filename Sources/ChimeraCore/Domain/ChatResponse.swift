/// A complete answer, in the same shape whichever provider and connection mode produced it.
public struct ChatResponse: Sendable, Hashable, Codable {
    /// The provider's response id (or one Chimera made when the provider gave none).
    public var id: String
    /// The provider that answered.
    public var provider: ProviderID
    /// The model that answered, as the provider reports it.
    public var model: String
    /// The generated text.
    public var text: String
    /// Why generation stopped, when the provider said.
    public var finishReason: FinishReason?
    /// Token counts, when the provider reported them.
    public var usage: Usage?
    /// How the request travelled: directly, through the proxy, or directly after the proxy failed.
    public var route: Route
    /// The wire protocol used on the hop Chimera made itself.
    public var wireProtocol: WireProtocol

    /// Creates a response.
    public init(
        id: String,
        provider: ProviderID,
        model: String,
        text: String,
        finishReason: FinishReason?,
        usage: Usage?,
        route: Route = .direct,
        wireProtocol: WireProtocol = .json
    ) {
        self.id = id
        self.provider = provider
        self.model = model
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.route = route
        self.wireProtocol = wireProtocol
    }
}

/// How a request reached its provider.
public enum Route: String, Sendable, Hashable, Codable, CaseIterable {
    /// Chimera called the provider's API itself.
    case direct
    /// The request went through the configured LLM proxy.
    case proxy
    /// The proxy failed and `PROXY_FALLBACK_TO_DIRECT` sent the request directly.
    case directFallback = "direct-fallback"
}

/// The encoding of Chimera's own hop.
public enum WireProtocol: String, Sendable, Hashable, Codable, CaseIterable {
    /// JSON (and Server-Sent Events for streams): what every provider and AIClient-2-API speak.
    case json
    /// Protocol buffers, offered by `chimera proxy`.
    case protobuf
}
