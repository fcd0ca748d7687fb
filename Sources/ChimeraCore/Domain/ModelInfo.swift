/// A model a provider offers.
public struct ModelInfo: Sendable, Hashable {
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

/// What a provider's public API accepts, from its documentation: the one table
/// ``ChatRequest/validate()`` checks requests against, on every path.
public struct ProviderCapabilities: Sendable, Hashable {
    /// How a provider treats an option it may not have.
    public enum Support: Sendable, Hashable {
        /// It has the option.
        case supported
        /// It has no such option, and leaving it out changes nothing the caller relies on (a
        /// sampling hint, a monitoring id): the option is dropped and listed in
        /// `chimera-dropped-fields`.
        case ignored
        /// It has no such option, and leaving it out would change the answer: the request is refused.
        case refused
    }

    /// Whether answers can be streamed.
    public var streaming = true
    /// Whether the provider lists its models.
    public var modelListing = true
    /// The accepted temperature range.
    public var temperatureRange: ClosedRange<Double>
    /// Whether the provider requires a maximum token count (Chimera sends a default when the caller gives none).
    public var requiresMaxTokens: Bool
    /// How many stop sequences the provider accepts, when it limits them.
    public var maxStopSequences: Int?
    /// The most choices one request may ask for.
    public var maxChoices: Int
    /// Whether image parts are accepted.
    public var acceptsImages: Bool
    /// Whether document parts (PDF) are accepted.
    public var acceptsDocuments: Bool
    /// Whether structured output may name a JSON Schema (else only "any JSON object").
    public var acceptsJSONSchema: Bool
    /// `top_k`.
    public var topK: Support
    /// `seed`.
    public var seed: Support
    /// `presence_penalty` and `frequency_penalty`.
    public var penalties: Support
    /// `logprobs` and `top_logprobs`.
    public var logprobs: Support
    /// An end-user id.
    public var endUser: Support
    /// Key-value metadata.
    public var metadata: Support
    /// Switching parallel tool calls on or off.
    public var parallelToolCalls: Support
    /// Prompt-cache markers (`cache_control`); providers without them cache on their own.
    public var cacheControl: Support

    /// The capabilities of a provider's public API.
    public static func of(_ provider: ProviderID) -> ProviderCapabilities {
        switch provider {
        case .openai, .cursor:
            ProviderCapabilities(
                temperatureRange: 0...2, requiresMaxTokens: false, maxStopSequences: 4, maxChoices: 128,
                acceptsImages: true, acceptsDocuments: true, acceptsJSONSchema: true,
                topK: .ignored, seed: .supported, penalties: .supported, logprobs: .supported,
                endUser: .supported, metadata: .supported, parallelToolCalls: .supported, cacheControl: .ignored
            )
        case .deepseek:
            ProviderCapabilities(
                temperatureRange: 0...2, requiresMaxTokens: false, maxStopSequences: 16, maxChoices: 1,
                acceptsImages: false, acceptsDocuments: false, acceptsJSONSchema: false,
                topK: .ignored, seed: .ignored, penalties: .supported, logprobs: .supported,
                endUser: .ignored, metadata: .ignored, parallelToolCalls: .ignored, cacheControl: .ignored
            )
        case .qwen:
            ProviderCapabilities(
                temperatureRange: 0...2, requiresMaxTokens: false, maxStopSequences: 4, maxChoices: 4,
                acceptsImages: true, acceptsDocuments: false, acceptsJSONSchema: true,
                topK: .supported, seed: .supported, penalties: .supported, logprobs: .supported,
                endUser: .ignored, metadata: .ignored, parallelToolCalls: .supported, cacheControl: .ignored
            )
        case .anthropic:
            ProviderCapabilities(
                temperatureRange: 0...1, requiresMaxTokens: true, maxStopSequences: nil, maxChoices: 1,
                acceptsImages: true, acceptsDocuments: true, acceptsJSONSchema: true,
                topK: .supported, seed: .ignored, penalties: .ignored, logprobs: .refused,
                endUser: .supported, metadata: .ignored, parallelToolCalls: .supported, cacheControl: .supported
            )
        case .gemini:
            ProviderCapabilities(
                temperatureRange: 0...2, requiresMaxTokens: false, maxStopSequences: 5, maxChoices: 8,
                acceptsImages: true, acceptsDocuments: true, acceptsJSONSchema: true,
                topK: .supported, seed: .supported, penalties: .supported, logprobs: .supported,
                endUser: .ignored, metadata: .ignored, parallelToolCalls: .ignored, cacheControl: .ignored
            )
        }
    }
}
