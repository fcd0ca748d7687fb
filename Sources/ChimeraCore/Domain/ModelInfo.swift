/// A model a provider offers.
public struct ModelInfo: Sendable, Hashable, Codable {
    /// The id to put in ``ChatRequest/model``.
    public var id: String
    /// The provider that serves it.
    public var provider: ProviderID
    /// A name for people, when the provider gives one.
    public var displayName: String?

    /// Creates a model description.
    public init(id: String, provider: ProviderID, displayName: String? = nil) {
        self.id = id
        self.provider = provider
        self.displayName = displayName
    }
}

/// What a provider accepts, so callers can check a request before sending it.
public struct ProviderCapabilities: Sendable, Hashable, Codable {
    /// Whether answers can be streamed.
    public var streaming: Bool
    /// Whether the provider lists its models.
    public var modelListing: Bool
    /// The accepted temperature range.
    public var temperatureRange: ClosedRange<Double>
    /// Whether the provider requires a maximum token count (Chimera sends a default when the caller gives none).
    public var requiresMaxTokens: Bool
    /// How many stop sequences the provider accepts, when it limits them.
    public var maxStopSequences: Int?

    /// Creates a capability description.
    public init(
        streaming: Bool = true,
        modelListing: Bool = true,
        temperatureRange: ClosedRange<Double>,
        requiresMaxTokens: Bool,
        maxStopSequences: Int? = nil
    ) {
        self.streaming = streaming
        self.modelListing = modelListing
        self.temperatureRange = temperatureRange
        self.requiresMaxTokens = requiresMaxTokens
        self.maxStopSequences = maxStopSequences
    }

    /// The capabilities of a provider's public API, from its documentation.
    public static func of(_ provider: ProviderID) -> ProviderCapabilities {
        switch provider.family {
        case .openAIChat:
            ProviderCapabilities(temperatureRange: 0...2, requiresMaxTokens: false, maxStopSequences: 4)
        case .anthropicMessages:
            ProviderCapabilities(temperatureRange: 0...1, requiresMaxTokens: true)
        case .geminiGenerateContent:
            ProviderCapabilities(temperatureRange: 0...2, requiresMaxTokens: false, maxStopSequences: 5)
        }
    }
}
