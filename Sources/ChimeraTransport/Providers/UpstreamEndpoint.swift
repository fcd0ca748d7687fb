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
    public var provider: ProviderID
    /// The base URL, without a trailing slash.
    public var baseURL: URL
    /// Authentication and protocol-version headers.
    public var headers: [(name: String, value: String)]

    /// Creates an endpoint.
    public init(provider: ProviderID, baseURL: URL, headers: [(name: String, value: String)]) {
        self.provider = provider
        self.baseURL = baseURL
        self.headers = headers
    }

    /// The provider's own API, authenticated with its key.
    public static func direct(_ provider: ProviderID, baseURL: URL, apiKey: Secret?) -> UpstreamEndpoint {
        UpstreamEndpoint(provider: provider, baseURL: baseURL, headers: LegacyCodecs.codec(for: provider).authenticationHeaders(apiKey: apiKey))
    }

    /// The provider's protocol on a proxy route: `/<route>/v1/chat/completions`,
    /// `/<route>/v1/messages`, `/<route>/v1beta/models/…`, authenticated with the proxy's key as
    /// `Authorization: Bearer` (which AIClient-2-API and `chimera proxy` accept for every protocol).
    public static func proxied(_ provider: ProviderID, proxyURL: URL, route: String, proxyKey: Secret?) -> UpstreamEndpoint {
        var base = proxyURL.appending(path: route)
        if provider.family == .openAIChat { base = base.appending(path: "v1") }
        var headers = LegacyCodecs.codec(for: provider).authenticationHeaders(apiKey: nil)
        if let proxyKey { headers.append((name: "authorization", value: "Bearer \(proxyKey.value)")) }
        return UpstreamEndpoint(provider: provider, baseURL: base, headers: headers)
    }

    /// The URL of a chat request.
    public func chatURL(model: String, stream: Bool) -> URL {
        switch provider.family {
        case .openAIChat:
            return baseURL.appending(path: "chat/completions")
        case .anthropicMessages:
            return baseURL.appending(path: "v1/messages")
        case .geminiGenerateContent:
            let method = stream ? "streamGenerateContent" : "generateContent"
            let escaped = model.addingPercentEncoding(withAllowedCharacters: Self.pathSegmentCharacters) ?? model
            let url = URL(string: geminiVersionedBase.absoluteString + "/models/\(escaped):\(method)")!
            return stream ? url.appending(queryItems: [URLQueryItem(name: "alt", value: "sse")]) : url
        }
    }

    /// The URL of the model list.
    public var modelsURL: URL {
        switch provider.family {
        case .openAIChat: baseURL.appending(path: "models")
        case .anthropicMessages: baseURL.appending(path: "v1/models")
        case .geminiGenerateContent: geminiVersionedBase.appending(path: "models")
        }
    }

    /// Google's SDK appends the API version to its base URL; a base URL that already names a
    /// version (as the reference table writes it) is used as it is.
    private var geminiVersionedBase: URL {
        let last = baseURL.lastPathComponent
        return ["v1beta", "v1", "v1alpha"].contains(last) ? baseURL : baseURL.appending(path: "v1beta")
    }

    private static let pathSegmentCharacters: CharacterSet = {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return allowed
    }()
}
