import ChimeraCore

extension Chimera_Proxy_V1_Model {
    /// The message for a domain model description.
    public init(_ model: ModelInfo) {
        self.init()
        id = model.id
        provider = model.provider.rawValue
        if let displayName = model.displayName { self.displayName = displayName }
    }
}

extension ModelInfo {
    /// The domain model description of a message, or `nil` when its provider is one this
    /// version does not know (a newer proxy may serve more providers than an older client).
    public init?(_ message: Chimera_Proxy_V1_Model) {
        guard let provider = ProviderID(rawValue: message.provider) else { return nil }
        self.init(id: message.id, provider: provider, displayName: message.hasDisplayName ? message.displayName : nil)
    }
}
