import ChimeraCore

/// One embeddings request as a server received it, before the relay read it.
public struct InboundEmbedding: Sendable {
    /// The provider the route or headers chose; `nil` when only the body names it (`chimera
    /// serve`'s `"model": "<provider>/<model>"`, read by ``retarget``).
    public var provider: ProviderID?
    /// The body as sent.
    public var body: [UInt8]
    /// The model from the URL (Gemini), if any.
    public var model: String?
    /// Reads the provider and model from the request's model (`chimera serve`); `nil` keeps
    /// ``provider``.
    public var retarget: (@Sendable (String) throws(ChimeraError) -> (provider: ProviderID, model: String))?

    /// Creates an inbound embeddings request.
    public init(
        provider: ProviderID?,
        body: [UInt8],
        model: String? = nil,
        retarget: (@Sendable (String) throws(ChimeraError) -> (provider: ProviderID, model: String))? = nil
    ) {
        self.provider = provider
        self.body = body
        self.model = model
        self.retarget = retarget
    }
}
