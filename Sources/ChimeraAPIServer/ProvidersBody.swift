import ChimeraCore

/// The body of `GET /api/v1/providers`.
///
/// ```json
/// {"mode": "direct", "fallback_to_direct": false,
///  "providers": [{"id": "openai", "name": "OpenAI", "family": "openai", "configured": true,
///                 "capabilities": {"streaming": true, "model_listing": true, "temperature_min": 0,
///                                  "temperature_max": 2, "requires_max_tokens": false, "max_stop_sequences": 4},
///                 "models": [{"id": "gpt-4.1"}]}]}
/// ```
///
/// `models` is there for configured providers whose list arrived; `models_error` says why
/// another's did not.
struct ProvidersBody: Encodable {
    var mode: String
    var fallbackToDirect: Bool
    var providers: [Entry]

    enum CodingKeys: String, CodingKey {
        case mode, providers
        case fallbackToDirect = "fallback_to_direct"
    }

    /// One provider.
    struct Entry: Encodable {
        var id: String
        var name: String
        var family: String
        var configured: Bool
        var capabilities: Capabilities
        var models: [Model]?
        var modelsError: String?

        enum CodingKeys: String, CodingKey {
            case id, name, family, configured, capabilities, models
            case modelsError = "models_error"
        }
    }

    /// What a provider accepts (``ProviderCapabilities``).
    struct Capabilities: Encodable {
        var streaming: Bool
        var modelListing: Bool
        var temperatureMin: Double
        var temperatureMax: Double
        var requiresMaxTokens: Bool
        var maxStopSequences: Int?

        init(_ capabilities: ProviderCapabilities) {
            streaming = capabilities.streaming
            modelListing = capabilities.modelListing
            temperatureMin = capabilities.temperatureRange.lowerBound
            temperatureMax = capabilities.temperatureRange.upperBound
            requiresMaxTokens = capabilities.requiresMaxTokens
            maxStopSequences = capabilities.maxStopSequences
        }

        enum CodingKeys: String, CodingKey {
            case streaming
            case modelListing = "model_listing"
            case temperatureMin = "temperature_min"
            case temperatureMax = "temperature_max"
            case requiresMaxTokens = "requires_max_tokens"
            case maxStopSequences = "max_stop_sequences"
        }
    }

    /// One model.
    struct Model: Encodable {
        var id: String
        var displayName: String?

        enum CodingKeys: String, CodingKey {
            case id
            case displayName = "display_name"
        }
    }
}
