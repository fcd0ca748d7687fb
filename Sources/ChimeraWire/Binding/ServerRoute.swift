/// One route a server serves for a protocol binding.
public struct ServerRoute: Sendable, Hashable {
    /// The HTTP method.
    public enum Method: String, Sendable, Hashable {
        case get = "GET"
        case post = "POST"
    }

    /// What the route does.
    public enum Action: Sendable, Hashable {
        /// A chat request; the stream flag is in the body.
        case chat
        /// A chat request that never streams (Gemini's `generateContent`).
        case unaryChat
        /// A chat request that always streams (Gemini's `streamGenerateContent`).
        case streamingChat
        /// The model list.
        case models
        /// Counting a request's input tokens.
        case countTokens
    }

    /// The HTTP method.
    public var method: Method
    /// The path, as a Hummingbird route template without a leading slash (`v1/chat/completions`,
    /// `v1beta/models/{model}:generateContent`); a `{model}` capture names the model.
    public var path: String
    /// What the route does.
    public var action: Action
    /// A header whose presence selects this binding when several share a path (Anthropic's
    /// `anthropic-version` on `GET /v1/models`), lowercased.
    public var selectingHeader: String?

    /// Creates a route.
    public init(_ method: Method, _ path: String, _ action: Action, selectingHeader: String? = nil) {
        self.method = method
        self.path = path
        self.action = action
        self.selectingHeader = selectingHeader
    }
}
