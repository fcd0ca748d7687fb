import ChimeraCore

extension Chimera_Proxy_V1_Capabilities {
    /// The version of the binary protocol this build speaks, sent as `protocol_version`.
    ///
    /// It changes only with an incompatible change to `chimera.proxy.v1`; added fields and
    /// values do not change it.
    public static let currentProtocolVersion: UInt32 = 1

    /// The feature a proxy lists when its messages carry every field of full-fidelity
    /// conversations (content parts, tools, reasoning, structured output, sampling options,
    /// extensions, usage details, the stream events beyond text).
    ///
    /// Added fields do not change ``currentProtocolVersion``; this is how a client tells a proxy
    /// that reads them from one that ignores them and would send the provider plain text only.
    public static let fullFidelityFeature = "full_fidelity"

    /// What a proxy of this build offers.
    ///
    /// - Parameters:
    ///   - encodings: The encodings accepted on the proxy's port.
    ///   - providers: The providers the proxy routes to.
    ///   - models: The models it knows of; empty when it does not list them.
    public init(encodings: [WireProtocol], providers: [ProviderID], models: [ModelInfo] = []) {
        self.init()
        protocolVersion = Self.currentProtocolVersion
        self.encodings = encodings.map(\.rawValue)
        self.providers = providers.map(\.rawValue)
        self.models = models.map(Chimera_Proxy_V1_Model.init)
        features = [Self.fullFidelityFeature]
    }

    /// Whether the proxy reads every field of full-fidelity conversations; `false` for a proxy
    /// older than them, which reads only plain text.
    public var offersFullFidelity: Bool { features.contains(Self.fullFidelityFeature) }

    /// The offered encodings this version knows; others are skipped.
    public var offeredEncodings: [WireProtocol] { encodings.compactMap(WireProtocol.init(rawValue:)) }

    /// The served providers this version knows; others are skipped.
    public var servedProviders: [ProviderID] { providers.compactMap(ProviderID.init(rawValue:)) }

    /// The listed models of providers this version knows; others are skipped.
    public var knownModels: [ModelInfo] { models.compactMap(ModelInfo.init) }
}
