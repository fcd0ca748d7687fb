import Foundation

/// How to reach one provider directly: its key and base URL.
public struct ProviderConfiguration: Sendable, Hashable {
    /// The provider's API key (`<P>_API_KEY`).
    public var apiKey: Secret?
    /// The base URL, with the meaning it has in the provider's official SDK (`<P>_BASE_URL`).
    /// `nil` only for Cursor, which has no public API.
    public var baseURL: URL?
    /// The path prefix that selects this provider on the proxy (`<P>_PROXY_ROUTE`).
    public var proxyRoute: String
    /// Which of OpenAI's two APIs an OpenAI-compatible provider is called with (`<P>_WIRE_API`).
    public var wireAPI: OpenAIWireAPI

    /// Creates a provider configuration.
    public init(apiKey: Secret? = nil, baseURL: URL?, proxyRoute: String, wireAPI: OpenAIWireAPI = .chat) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.proxyRoute = proxyRoute
        self.wireAPI = wireAPI
    }

    /// The official defaults of a provider, without a key.
    public static func defaults(for provider: ProviderID) -> ProviderConfiguration {
        ProviderConfiguration(apiKey: nil, baseURL: defaultBaseURL(for: provider), proxyRoute: defaultProxyRoute(for: provider))
    }

    /// The official base URL of each provider, as its SDK means it.
    ///
    /// OpenAI-compatible SDKs append `/chat/completions`; Anthropic's appends `/v1/messages`;
    /// Google's appends `/v1beta/models/…`. Cursor has no public API and so no default.
    public static func defaultBaseURL(for provider: ProviderID) -> URL? {
        switch provider {
        case .openai: URL(string: "https://api.openai.com/v1")
        case .anthropic: URL(string: "https://api.anthropic.com")
        case .gemini: URL(string: "https://generativelanguage.googleapis.com")
        case .deepseek: URL(string: "https://api.deepseek.com")
        case .qwen: URL(string: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1")
        case .cursor: nil
        }
    }

    /// The provider id that selects each provider on `chimera proxy` (and, for the families,
    /// on AIClient-2-API).
    public static func defaultProxyRoute(for provider: ProviderID) -> String {
        switch provider {
        case .openai: "openai-custom"
        case .anthropic: "claude-custom"
        case .gemini: "gemini-cli-oauth"
        case .deepseek: "openai-custom-deepseek"
        case .qwen: "openai-qwen-oauth"
        case .cursor: "openai-custom-cursor"
        }
    }
}
