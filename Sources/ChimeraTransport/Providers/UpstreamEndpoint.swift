import ChimeraCore
import ChimeraWire
import Foundation

/// Where one provider's API is reached, and the headers every request to it carries.
///
/// The base URL has the meaning it has in the provider's official SDK (OpenAI-compatible SDKs
/// append `/chat/completions`, Anthropic's `/v1/messages`, Google's `/v1beta/models/…`), so the
/// same type describes a provider's own API and the same protocol on a proxy route.
public struct UpstreamEndpoint: Sendable {
    /// The provider whose protocol is spoken.
    public let provider: ProviderID
    /// The base URL, without a trailing slash.
    public let baseURL: URL
    /// Authentication and protocol-version headers.
    public let headers: [(name: String, value: String)]
    /// The protocol spoken: the provider's own, or the Responses API for an OpenAI-compatible one.
    public let family: ProtocolFamily
    /// The binding of the protocol spoken, in the provider's dialect.
    public let binding: any ProtocolBinding
    /// The chat URLs, unary and streamed, when they do not name the model: built once, since
    /// building a URL costs a request more than anything else it does here.
    private let fixedChatURLs: (unary: String, streamed: String)?

    /// Creates an endpoint.
    public init(provider: ProviderID, baseURL: URL, headers: [(name: String, value: String)], family: ProtocolFamily? = nil) {
        self.provider = provider
        self.baseURL = baseURL
        self.headers = headers
        self.family = family ?? provider.family
        let binding = ProtocolBindings.binding(for: provider, speaking: self.family)
        self.binding = binding
        fixedChatURLs = binding.chatURLNamesModel ? nil : (
            unary: binding.chatURL(base: baseURL, model: "", stream: false).absoluteString,
            streamed: binding.chatURL(base: baseURL, model: "", stream: true).absoluteString
        )
    }

    /// The provider's own API, authenticated with its key.
    public static func direct(_ provider: ProviderID, baseURL: URL, apiKey: Secret?, family: ProtocolFamily? = nil) -> UpstreamEndpoint {
        UpstreamEndpoint(provider: provider, baseURL: baseURL, headers: ProtocolBindings.binding(for: provider).authenticationHeaders(apiKey: apiKey), family: family)
    }

    /// The provider's protocol on a proxy route: `/<route>/v1/chat/completions`,
    /// `/<route>/v1/messages`, `/<route>/v1beta/models/…`, authenticated with the proxy's key as
    /// `Authorization: Bearer` (which AIClient-2-API and `chimera proxy` accept for every protocol).
    public static func proxied(_ provider: ProviderID, proxyURL: URL, route: String, proxyKey: Secret?, family: ProtocolFamily? = nil) -> UpstreamEndpoint {
        var base = proxyURL.appending(path: route)
        if provider.family == .openAIChat { base = base.appending(path: "v1") }
        var headers = ProtocolBindings.binding(for: provider).authenticationHeaders(apiKey: nil)
        if let proxyKey { headers.append((name: "authorization", value: "Bearer \(proxyKey.value)")) }
        return UpstreamEndpoint(provider: provider, baseURL: base, headers: headers, family: family)
    }

    /// The URL of a chat request.
    public func chatURL(model: String, stream: Bool) -> String {
        if let fixedChatURLs { return stream ? fixedChatURLs.streamed : fixedChatURLs.unary }
        return binding.chatURL(base: baseURL, model: model, stream: stream).absoluteString
    }

    /// The URL of the model list.
    public var modelsURL: URL {
        binding.modelsURL(base: baseURL)
    }

    /// The URL that counts a request's tokens, when the provider's protocol has one.
    public func countTokensURL(model: String) -> URL? {
        binding.countTokensURL(base: baseURL, model: model)
    }
}
