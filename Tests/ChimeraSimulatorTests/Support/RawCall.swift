import AsyncHTTPClient
import ChimeraSimulator
import NIOCore

/// A route of the simulator, with the credentials its protocol expects.
enum Endpoint {
    case openAIChat
    case responses
    case embeddings
    case anthropicMessages
    case anthropicCountTokens
    /// A Gemini method (`generateContent`, `streamGenerateContent?alt=sse`, `countTokens`,
    /// `embedContent`, `batchEmbedContents`) under `v1beta` or `v1`.
    case gemini(model: String, method: String, version: String = "v1beta")

    var path: String {
        switch self {
        case .openAIChat: "/v1/chat/completions"
        case .responses: "/v1/responses"
        case .embeddings: "/v1/embeddings"
        case .anthropicMessages: "/v1/messages"
        case .anthropicCountTokens: "/v1/messages/count_tokens"
        case .gemini(let model, let method, let version): "/\(version)/models/\(model):\(method)"
        }
    }

    /// The headers that authenticate a request to this route.
    var credentials: [(String, String)] {
        switch self {
        case .openAIChat, .responses, .embeddings: [("Authorization", "Bearer test-key")]
        case .anthropicMessages, .anthropicCountTokens: [("x-api-key", "test-key"), ("anthropic-version", "2023-06-01")]
        case .gemini: [("x-goog-api-key", "test-key")]
        }
    }
}

/// Posts a hand-written JSON body, for the fields ``ChatCall`` does not write; the text goes on
/// the wire exactly as given, key order included.
func post(
    _ endpoint: Endpoint,
    _ body: String,
    to simulator: RunningSimulator,
    headers: [(String, String)] = [],
    authenticated: Bool = true
) async throws -> CollectedResponse {
    var request = HTTPClientRequest(url: "http://\(simulator.host):\(simulator.port)\(endpoint.path)")
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    for (name, value) in (authenticated ? endpoint.credentials : []) + headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(string: body))
    return try await send(request)
}

/// The payloads of a stream's events, `[DONE]` left out.
func payloads(_ response: CollectedResponse) throws -> [JSONTree] {
    try response.events().filter { $0.data != "[DONE]" }.map { try JSONTree(parsing: $0.data) }
}
