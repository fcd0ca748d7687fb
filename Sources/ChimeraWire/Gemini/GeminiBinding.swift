import ChimeraCore
import Foundation

/// Google Gemini `generateContent` / `streamGenerateContent` (Generative Language API, `v1beta`
/// and `v1`), in both directions.
///
/// The model and the stream flag travel in the URL (`models/{model}:generateContent`,
/// `:streamGenerateContent?alt=sse`), so a body holds the conversation and its configuration
/// only. The codecs, each documented with its mapping table:
///
/// - ``GeminiRequestDecoder`` / ``GeminiRequestEncoder``: request bodies (parts by
///   ``GeminiPartReader`` / ``GeminiPartWriter``, schemas by ``GeminiSchema``);
/// - ``GeminiResponseCodec``: unary answers, finish reasons, usage;
/// - ``GeminiStreamDecoder`` / ``GeminiStreamEncoder`` / ``GeminiStreamWatcher``: `alt=sse` streams;
/// - ``GeminiErrorBody``: error bodies.
///
/// ## Extensions
///
/// What a Gemini body holds and the domain has no field for travels in
/// `extensions[.geminiGenerateContent]` (requests and answers), as sent, and is merged back by
/// the encoders, never over a member they wrote (objects are merged member by member):
///
/// | key | holds |
/// |---|---|
/// | any unknown top-level member | as sent: `safetySettings`, `cachedContent`, `labels`, `serviceTier`, …; in answers `promptFeedback`, `modelStatus`, … |
/// | `generationConfig` | only the members the domain does not map (`responseModalities`, `speechConfig`, `mediaResolution`, `imageConfig`, …, `thinkingConfig` members such as `thinkingBudget: -1`); also the `responseSchema` and `thinkingLevel` a caller sent, so that they are written back in that form while the domain value is unchanged |
/// | `tools` | the non-function tools (`googleSearch`, `codeExecution`, `urlContext`, …), an array as sent |
/// | `functionDeclarations` | per function (by `name`), declaration members the domain has no place for (`behavior`, `response`, …) and an OpenAPI `parameters` schema as sent |
/// | `toolConfig` | what ``ToolChoice`` cannot say: `retrievalConfig`, mode `VALIDATED`, several allowed function names |
/// | `systemInstruction` | the system content's `role` (python-genai sends `user`) |
/// | `candidates` (answers) | one object per candidate with its members the domain has no place for (`safetyRatings`, `citationMetadata`, `groundingMetadata`, `logprobsResult`, …, and a `finishReason` that maps to a shared domain reason, e.g. `RECITATION`) |
/// | `usageMetadata` (answers) | the usage details (`promptTokensDetails`, `toolUsePromptTokenCount`, …) |
///
/// ## Tool-call ids and signatures
///
/// Gemini's function calls mostly have no id: requests get ids from the call's turn and index,
/// answers `call_<index>_<hash>` (``GeminiToolCallID``); a `functionResponse` without an id
/// answers the first unanswered call of its name in the last model turn. Ids Chimera made up
/// are never written to Gemini; any other id (one Gemini gave, or an OpenAI or Anthropic caller's)
/// is written as `functionCall.id` / `functionResponse.id`, which the API accepts from clients
/// and which keeps call and result paired. `thoughtSignature` rides on ``ToolCall/signature``
/// (or on the id, folded by another family's binding, see ``ToolCall/splitSignature(from:)``) and
/// on reasoning parts.
///
/// ## Headers
///
/// The key goes in `x-goog-api-key`. No inbound header is forwarded: the Gemini API needs none
/// with an API key, and `x-goog-user-project` names the caller's Google Cloud project, which
/// would make Google bill or refuse the relay's own key against it.
public struct GeminiBinding: ProtocolBinding {
    /// Creates the binding.
    public init() {}

    /// ``ProtocolFamily/geminiGenerateContent``.
    public var family: ProtocolFamily { .geminiGenerateContent }

    // MARK: Routes

    /// `POST {v}/models/{model}:generateContent`, `:streamGenerateContent` and `:countTokens`,
    /// and `GET {v}/models`, for `v1beta` and `v1` (google-genai 3.x calls `v1` by default).
    public var serverRoutes: [ServerRoute] {
        ["v1beta", "v1"].flatMap { version in
            [
                ServerRoute(.post, "\(version)/models/{model}:generateContent", .unaryChat),
                ServerRoute(.post, "\(version)/models/{model}:streamGenerateContent", .streamingChat),
                ServerRoute(.post, "\(version)/models/{model}:countTokens", .countTokens),
                ServerRoute(.get, "\(version)/models", .models),
            ]
        }
    }

    /// `{base}/models/{model}:generateContent`, or `:streamGenerateContent?alt=sse`, with the
    /// model percent-encoded as one path segment. Google's SDK appends the API version to its
    /// base URL; a base URL that already ends in `/v1beta`, `/v1` or `/v1alpha` is used as it is,
    /// any other gets `/v1beta`.
    public var chatURLNamesModel: Bool { true }

    public func chatURL(base: URL, model: String, stream: Bool) -> URL {
        let url = Self.modelURL(base: base, model: model, method: stream ? "streamGenerateContent" : "generateContent")
        return stream ? url.appending(queryItems: [URLQueryItem(name: "alt", value: "sse")]) : url
    }

    /// `{base}/models`, the version added as for ``chatURL(base:model:stream:)``.
    public func modelsURL(base: URL) -> URL {
        URL(string: Self.versionedBase(base) + "/models")!
    }

    private static func versionedBase(_ base: URL) -> String {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return ["v1beta", "v1", "v1alpha"].contains(base.lastPathComponent) ? text : text + "/v1beta"
    }

    static func modelURL(base: URL, model: String, method: String) -> URL {
        let escaped = model.addingPercentEncoding(withAllowedCharacters: pathSegmentCharacters) ?? model
        return URL(string: versionedBase(base) + "/models/\(escaped):\(method)")!
    }

    private static let pathSegmentCharacters: CharacterSet = {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return allowed
    }()

    // MARK: Headers

    /// `x-goog-api-key: <key>`, or nothing without a key.
    public func authenticationHeaders(apiKey: Secret?) -> [(name: String, value: String)] {
        guard let apiKey else { return [] }
        return [("x-goog-api-key", apiKey.value)]
    }

    /// None (see the type's discussion).
    public var forwardedHeaders: Set<String> { [] }

    // MARK: Requests

    public func encodeRequest(_ request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        try GeminiRequestEncoder.encode(request)
    }

    public func decodeRequest(_ body: [UInt8], provider: ProviderID, model: String?, stream: Bool?) throws(ChimeraError) -> ChatRequest {
        try GeminiRequestDecoder.decode(body, provider: provider, model: model, stream: stream)
    }

    /// `body` as it is: the model is in the URL.
    public func replacingModel(in body: [UInt8], with model: String) throws(ChimeraError) -> [UInt8] {
        body
    }

    // MARK: Answers

    public func decodeResponse(_ body: [UInt8], for request: ChatRequest) throws(ChimeraError) -> ChatResponse {
        try GeminiResponseCodec.decode(body, for: request)
    }

    public func encodeResponse(_ response: ChatResponse, for request: ChatRequest) -> [UInt8] {
        GeminiResponseCodec.encode(response, for: request)
    }

    public func makeStreamDecoder(for request: ChatRequest) -> any StreamDecoder {
        GeminiStreamDecoder(request: request)
    }

    public func makeStreamEncoder(for request: ChatRequest) -> any StreamEncoder {
        GeminiStreamEncoder(request: request)
    }

    public func makeStreamWatcher(for request: ChatRequest) -> any StreamWatcher {
        GeminiStreamWatcher(provider: request.provider)
    }

    // MARK: Errors

    /// Reads `{"error":{code,message,status,details}}` (and the other shapes
    /// ``UpstreamErrorReader`` knows): `API_KEY_INVALID` in an `ErrorInfo` is an authentication
    /// error whatever the status, and a `RetryInfo.retryDelay` is the wait when no header gives one.
    public func decodeError(status: Int, headers: [(name: String, value: String)], body: [UInt8], provider: ProviderID) -> ChimeraError {
        UpstreamErrorReader.httpError(status: status, headers: headers, body: body, provider: provider)
    }

    public func encodeError(_ error: ChimeraError) -> [UInt8] {
        JSONValue.object(GeminiErrorBody.body(error)).serializedBytes()
    }

    // MARK: Token counts

    /// `{base}/models/{model}:countTokens`.
    public func countTokensURL(base: URL, model: String) -> URL? {
        Self.modelURL(base: base, model: model, method: "countTokens")
    }

    /// `{"contents": […]}`, or `{"generateContentRequest": {…}}` when the request has a system
    /// instruction, tools or generation settings that count too.
    public func encodeTokenCountRequest(_ request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        try GeminiRequestEncoder.encodeTokenCount(request)
    }

    /// Reads `{"totalTokens": N}`; Google's JSON leaves a zero count out, so `{}` is 0.
    public func decodeTokenCount(_ body: [UInt8], provider: ProviderID) throws(ChimeraError) -> Int {
        let root = try GeminiWire.payload(body, what: "token count", location: "in a 200 response", provider: provider)
        do {
            _ = try root.object()
            return try GeminiMembers(root)["totalTokens"].optionalInt() ?? 0
        } catch {
            throw error.malformed("token count", provider: provider, body: body)
        }
    }

    /// `{"totalTokens": N}`.
    public func encodeTokenCount(_ count: Int) -> [UInt8] {
        JSONValue.object(["totalTokens": .int(count)]).serializedBytes()
    }

    // MARK: Model lists

    /// Reads `{"models":[{"name":"models/<id>","displayName",…}],"nextPageToken"}` (one page),
    /// keeping the models that can generate content (embedding models cannot chat), with
    /// `models/` stripped.
    public func decodeModelList(_ body: [UInt8], provider: ProviderID) throws(ChimeraError) -> [ModelInfo] {
        do {
            let root = try JSONField.parse(body)
            var models: [ModelInfo] = []
            for element in try root["models"].optionalElements() {
                let methods = try element["supportedGenerationMethods"].optionalElements().map { (method) throws(FieldError) in try method.string() }
                guard methods.isEmpty || methods.contains("generateContent") else { continue }
                models.append(ModelInfo(
                    id: GeminiWire.modelID(try element["name"].string()),
                    provider: provider,
                    displayName: try element["displayName"].optionalString()
                ))
            }
            return models
        } catch {
            throw error.malformed("model list", provider: provider, body: body)
        }
    }

    /// `{"models":[{"name":"models/<id>","displayName","supportedGenerationMethods":["generateContent","countTokens"]}]}`.
    public func encodeModelList(_ models: [ModelInfo]) -> [UInt8] {
        let entries: [JSONValue] = models.map { model in
            [
                "name": .string("models/\(model.id)"),
                "displayName": .string(model.displayName ?? model.id),
                "supportedGenerationMethods": ["generateContent", "countTokens"],
            ]
        }
        return JSONValue.object(["models": .array(entries)]).serializedBytes()
    }
}
