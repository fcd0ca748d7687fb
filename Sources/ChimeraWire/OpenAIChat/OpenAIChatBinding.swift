import ChimeraCore
import Foundation

/// OpenAI Chat Completions, as spoken by OpenAI, DeepSeek, Qwen (DashScope compatible mode) and
/// Cursor gateways: one binding per provider, since the provider decides the dialect.
///
/// The dialects differ in a few request members — OpenAI's `max_completion_tokens` against
/// `max_tokens`, and how reasoning is asked for (`reasoning_effort`, DeepSeek's `thinking`,
/// Qwen's `enable_thinking` / `thinking_budget`) — and in what answers add (`reasoning_content`,
/// DeepSeek's `prompt_cache_hit_tokens`). Requests are written in the dialect of
/// ``ChatRequest/provider`` (this binding's own provider when the request's is of another family);
/// everything else is read in every dialect.
///
/// The pieces, one concept per file: ``OpenAIChatRequestDecoder`` and
/// ``OpenAIChatRequestEncoder`` (requests), ``OpenAIChatResponseDecoder`` and
/// ``OpenAIChatResponseEncoder`` (unary answers), ``OpenAIChatStreamDecoder``,
/// ``OpenAIChatStreamEncoder`` and ``OpenAIChatStreamWatcher`` (streams); their documentation
/// has the field-by-field mapping.
public struct OpenAIChatBinding: ProtocolBinding {
    /// The provider whose dialect is written when a request's own provider is of another family,
    /// and whose name errors carry.
    public let provider: ProviderID

    /// Creates the binding of one OpenAI-compatible provider.
    ///
    /// - Parameter provider: `openai`, `deepseek`, `qwen` or `cursor`.
    public init(provider: ProviderID) {
        self.provider = provider
    }

    /// ``ProtocolFamily/openAIChat``.
    public var family: ProtocolFamily { .openAIChat }

    // MARK: Routes

    /// `POST v1/chat/completions` (streaming chosen by the body's `stream`) and `GET v1/models`.
    public var serverRoutes: [ServerRoute] {
        [ServerRoute(.post, "v1/chat/completions", .chat), ServerRoute(.get, "v1/models", .models)]
    }

    /// `<base>/chat/completions`, as the openai SDKs append it to their `base_url`
    /// (`https://api.openai.com/v1`, `https://api.deepseek.com`, `…/compatible-mode/v1`).
    public func chatURL(base: URL, model: String, stream: Bool) -> URL {
        base.appending(path: "chat/completions")
    }

    /// `<base>/models`.
    public func modelsURL(base: URL) -> URL {
        base.appending(path: "models")
    }

    // MARK: Headers

    /// `Authorization: Bearer <key>`, or nothing without a key; the family has no version header.
    public func authenticationHeaders(apiKey: Secret?) -> [(name: String, value: String)] {
        guard let apiKey else { return [] }
        return [("Authorization", "Bearer \(apiKey.value)")]
    }

    /// `openai-organization`, `openai-project` and `openai-beta`.
    public var forwardedHeaders: Set<String> { Self.forwardedHeaders }
    // Built once: a relay asks for it on every request.
    private static let forwardedHeaders: Set<String> = ["openai-organization", "openai-project", "openai-beta"]

    // MARK: Requests

    /// The body in the dialect of the request's provider; see ``OpenAIChatRequestEncoder``.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field and the provider for
    ///   what the format cannot express: another family's opaque part, an image in a tool
    ///   result, a document by URL, a number JSON cannot write.
    public func encodeRequest(_ request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        try OpenAIChatRequestEncoder(provider: dialect(of: request)).encode(request)
    }

    /// Reads an inbound request; see ``OpenAIChatRequestDecoder``. `model` is used when the body
    /// has none; `stream`, when given, overrides the body's flag.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field, e.g.
    ///   `messages[2].content[0].type: expected a string`.
    public func decodeRequest(_ body: [UInt8], provider: ProviderID, model: String?, stream: Bool?) throws(ChimeraError) -> ChatRequest {
        do {
            return try OpenAIChatRequestDecoder(provider: provider).decode(body, model: model, stream: stream)
        } catch {
            throw error.invalidRequest(provider: provider)
        }
    }

    /// The body with its top-level `model` replaced (added first when there is none); every other
    /// byte stays as sent.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` when the body is not a JSON object.
    public func replacingModel(in body: [UInt8], with model: String) throws(ChimeraError) -> [UInt8] {
        // `withUnsafeBytes` rethrows untyped; a `Result` keeps the parser's error typed.
        let parsed = body.withUnsafeBytes { raw in
            Result { () throws(JSONParseError) in try JSONParser.skim(raw, keeping: []).ranges }
        }
        let ranges: [String: Range<Int>]
        switch parsed {
        case .success(let found): ranges = found
        case .failure(let error): throw ChimeraError.invalidRequest("body: \(error.description)", provider: provider)
        }
        var value: [UInt8] = []
        JSONValue.write(string: model, to: &value)
        var result = body
        if let range = ranges["model"] {
            result.replaceSubrange(range, with: value)
        } else {
            // The parser found an object, so its first non-blank byte is the opening brace.
            let brace = body.firstIndex(of: UInt8(ascii: "{"))!
            let member = Array(#""model":"#.utf8) + value + (ranges.isEmpty ? [] : [UInt8(ascii: ",")])
            result.insert(contentsOf: member, at: brace + 1)
        }
        return result
    }

    // MARK: Answers

    /// Reads a unary answer; see ``OpenAIChatResponseDecoder``.
    ///
    /// - Throws: ``ChimeraError`` of kind `decoding` naming the field, the error a 200 body
    ///   carried, or a `decoding` error for an answer without a choice or a message.
    public func decodeResponse(_ body: [UInt8], for request: ChatRequest) throws(ChimeraError) -> ChatResponse {
        try OpenAIChatResponseDecoder(provider: request.provider).decode(body, for: request)
    }

    /// The answer's `error`, `choices` and `usage` only (``OpenAIChatResponseDecoder/check(_:)``).
    public func checkResponse(_ body: [UInt8], for request: ChatRequest) throws(ChimeraError) -> Usage? {
        try OpenAIChatResponseDecoder(provider: request.provider).check(body)
    }

    /// A `chat.completion` body; see ``OpenAIChatResponseEncoder``.
    public func encodeResponse(_ response: ChatResponse, for request: ChatRequest) -> [UInt8] {
        OpenAIChatResponseEncoder().encode(response)
    }

    /// A decoder of `chat.completion.chunk` events; see ``OpenAIChatStreamDecoder``.
    public func makeStreamDecoder(for request: ChatRequest) -> any StreamDecoder {
        OpenAIChatStreamDecoder(provider: request.provider)
    }

    /// An encoder of `chat.completion.chunk` events that writes the usage chunk only when the
    /// request's `stream_options.include_usage` was true; see ``OpenAIChatStreamEncoder``.
    public func makeStreamEncoder(for request: ChatRequest) -> any StreamEncoder {
        OpenAIChatStreamEncoder(request: request)
    }

    /// A watcher of a relayed stream; see ``OpenAIChatStreamWatcher``.
    public func makeStreamWatcher(for request: ChatRequest) -> any StreamWatcher {
        OpenAIChatStreamWatcher(provider: request.provider)
    }

    // MARK: Errors

    /// Reads `{"error":{message,type,param,code}}` (and the other shapes ``UpstreamErrorReader``
    /// knows, Qwen's `request_id` and AIClient-2-API's included) with the status and headers.
    public func decodeError(status: Int, headers: [(name: String, value: String)], body: [UInt8], provider: ProviderID) -> ChimeraError {
        UpstreamErrorReader.httpError(status: status, headers: headers, body: body, provider: provider)
    }

    /// `{"error":{"message","type","param":null,"code"}}`: the type OpenAI uses for the status
    /// (400 `invalid_request_error`, 401 `authentication_error`, 403 `permission_error`,
    /// 404 `not_found_error`, 429 `rate_limit_error`, 5xx `server_error`); the code repeats the
    /// type, except for a 429 that must not be retried, which gets `insufficient_quota`.
    public func encodeError(_ error: ChimeraError) -> [UInt8] {
        OpenAIChatWire.errorBody(error).serializedBytes()
    }

    // MARK: Token counts

    /// `nil`: Chat Completions has no token-count endpoint (OpenAI counts input tokens only for
    /// its Responses API, whose requests have another shape).
    public func countTokensURL(base: URL, model: String) -> URL? {
        nil
    }

    /// - Throws: Always ``ChimeraError`` of kind `invalidRequest`: there is no endpoint to send it to.
    public func encodeTokenCountRequest(_ request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        throw ChimeraError.invalidRequest("\(dialect(of: request).displayName) has no endpoint that counts a chat request's tokens", provider: dialect(of: request))
    }

    /// Reads `{"input_tokens":N}`, the shape of OpenAI's only count answer (the Responses API's
    /// `response.input_tokens`).
    ///
    /// - Throws: ``ChimeraError`` of kind `decoding` naming the field.
    public func decodeTokenCount(_ body: [UInt8], provider: ProviderID) throws(ChimeraError) -> Int {
        do {
            return try JSONField.parse(body)["input_tokens"].int()
        } catch {
            throw error.malformed("token count", provider: provider, body: body)
        }
    }

    /// `{"object":"response.input_tokens","input_tokens":N}`, OpenAI's shape of a count.
    public func encodeTokenCount(_ count: Int) -> [UInt8] {
        JSONValue.object(["object": "response.input_tokens", "input_tokens": .int(count)]).serializedBytes()
    }

    // MARK: Model lists

    /// Reads `{"object":"list","data":[{"id",…}]}`.
    ///
    /// - Throws: ``ChimeraError`` of kind `decoding` naming the field.
    public func decodeModelList(_ body: [UInt8], provider: ProviderID) throws(ChimeraError) -> [ModelInfo] {
        do {
            return try JSONField.parse(body)["data"].elements().map { (model) throws(FieldError) in
                ModelInfo(id: try model["id"].string(), provider: provider)
            }
        } catch {
            throw error.malformed("model list", provider: provider, body: body)
        }
    }

    /// `{"object":"list","data":[{"id","object":"model","created":0,"owned_by"}]}`; `created` is
    /// 0 because Chimera does not know when a model was made, `owned_by` the provider's name.
    public func encodeModelList(_ models: [ModelInfo]) -> [UInt8] {
        let data: [JSONValue] = models.map { model in
            ["id": .string(model.id), "object": "model", "created": 0, "owned_by": .string(model.provider.rawValue)]
        }
        return JSONValue.object(["object": "list", "data": .array(data)]).serializedBytes()
    }

    // MARK: Dialect

    private func dialect(of request: ChatRequest) -> ProviderID {
        request.provider.family == .openAIChat ? request.provider : provider
    }
}
