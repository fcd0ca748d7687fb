import ChimeraCore
import Foundation

/// What an inbound path asks for, parsed as AIClient-2-API does: an optional provider-id
/// prefix, then a data-plane route. One trailing slash is ignored.
struct ProxyEndpoint: Equatable {
    enum Route: Equatable {
        /// A chat request in a protocol family's JSON; Gemini puts the model and the stream flag in the path.
        case chat(ProtocolFamily, model: String?, stream: Bool?)
        /// A model list in a family's shape.
        case models(ProtocolFamily)
    }

    /// The provider-id prefix, if the path had one.
    var prefix: String?
    var route: Route

    /// Parses `path`; `nil` when it names no data-plane route.
    init?(method: String, path: String) {
        var trimmed = path
        if trimmed.hasSuffix("/") { trimmed.removeLast() }
        var segments = trimmed.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        var prefix: String?
        if let first = segments.first, first != "v1", first != "v1beta", segments.count > 1 {
            prefix = first
            segments.removeFirst()
        }
        guard let route = Self.route(method: method, segments: segments) else { return nil }
        self.prefix = prefix
        self.route = route
    }

    private static func route(method: String, segments: [String]) -> Route? {
        switch (method, segments.count) {
        case ("POST", 3) where segments == ["v1", "chat", "completions"]:
            return .chat(.openAIChat, model: nil, stream: nil)
        case ("POST", 2) where segments == ["v1", "messages"]:
            return .chat(.anthropicMessages, model: nil, stream: nil)
        case ("POST", 3) where segments[0] == "v1beta" && segments[1] == "models":
            let target = segments[2].removingPercentEncoding ?? segments[2]
            guard let colon = target.lastIndex(of: ":") else { return nil }
            let model = String(target[..<colon])
            switch target[target.index(after: colon)...] {
            case "generateContent": return .chat(.geminiGenerateContent, model: model, stream: false)
            case "streamGenerateContent": return .chat(.geminiGenerateContent, model: model, stream: true)
            default: return nil
            }
        case ("GET", 2) where segments == ["v1", "models"]:
            return .models(.openAIChat)
        case ("GET", 2) where segments == ["v1beta", "models"]:
            return .models(.geminiGenerateContent)
        default:
            return nil
        }
    }

    /// The protocol family whose error shape fits this path.
    var family: ProtocolFamily {
        switch route {
        case .chat(let family, _, _), .models(let family): family
        }
    }

    /// The family a path implies for error bodies, even when it names no known route
    /// (AIClient-2-API infers it from the URL the same way).
    static func family(guessedFrom path: String) -> ProtocolFamily? {
        if path.contains("/v1/messages") { return .anthropicMessages }
        if path.contains("/v1/chat/completions") || path.hasSuffix("/v1/models") { return .openAIChat }
        if path.contains("/v1beta/models") { return .geminiGenerateContent }
        return nil
    }
}
