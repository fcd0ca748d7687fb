import ChimeraCore
import Foundation

/// Anthropic Messages: `POST /v1/messages` (streamed when the body says `"stream": true`),
/// `POST /v1/messages/count_tokens`, `GET /v1/models`.
///
/// The codecs of the family, each in its own type: requests in ``AnthropicMessagesRequestDecoder``
/// and ``AnthropicMessagesRequestEncoder``, content blocks in ``AnthropicMessagesBlocks``,
/// structured output in ``AnthropicMessagesStructuredOutput``, unary answers in
/// ``AnthropicMessagesResponseCodec``, streams in ``AnthropicMessagesStreamDecoder``,
/// ``AnthropicMessagesStreamEncoder`` and ``AnthropicMessagesStreamWatcher``; the tables
/// (stop reasons, error types, usage) in ``AnthropicMessagesWire`` and ``AnthropicMessagesUsage``.
///
/// ```swift
/// let binding = AnthropicMessagesBinding()
/// let request = try binding.decodeRequest(body, provider: .anthropic, model: nil, stream: nil)
/// ```
public struct AnthropicMessagesBinding: ProtocolBinding {
    /// Creates the binding.
    public init() {}

    /// ``ProtocolFamily/anthropicMessages``.
    public var family: ProtocolFamily { .anthropicMessages }

    // MARK: Routes

    /// `POST v1/messages`, `POST v1/messages/count_tokens`, and `GET v1/models` when the
    /// request carries `anthropic-version` (OpenAI's model list shares the path).
    public var serverRoutes: [ServerRoute] {
        [
            ServerRoute(.post, "v1/messages", .chat),
            ServerRoute(.post, "v1/messages/count_tokens", .countTokens),
            ServerRoute(.get, "v1/models", .models, selectingHeader: "anthropic-version"),
        ]
    }

    /// `<base>/v1/messages`, as Anthropic's SDKs append it to their base URL.
    public func chatURL(base: URL, model: String, stream: Bool) -> URL {
        base.appending(path: "v1/messages")
    }

    /// `<base>/v1/models`.
    public func modelsURL(base: URL) -> URL {
        base.appending(path: "v1/models")
    }

    // MARK: Headers

    /// `x-api-key: <key>` (when there is a key) and `anthropic-version: 2023-06-01`.
    public func authenticationHeaders(apiKey: Secret?) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let apiKey { headers.append(("x-api-key", apiKey.value)) }
        headers.append(("anthropic-version", AnthropicMessagesWire.apiVersion))
        return headers
    }

    /// `anthropic-version` (the caller's API version) and `anthropic-beta` (its betas).
    public var forwardedHeaders: Set<String> { Self.forwardedHeaders }
    // Built once: a relay asks for it on every request.
    private static let forwardedHeaders: Set<String> = ["anthropic-version", "anthropic-beta"]

    // MARK: Requests

    /// The Messages request body; see ``AnthropicMessagesRequestEncoder`` for the mapping.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field: another family's
    ///   opaque part, tool-call arguments that are not a JSON object, a role Anthropic has no
    ///   place for, a structured-output request that conflicts with the request's tools or
    ///   thinking, a `max_tokens` too small for thinking.
    public func encodeRequest(_ request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        JSONValue.object(try AnthropicMessagesRequestEncoder.body(for: request, tokenCount: false)).serializedBytes()
    }

    /// Reads an inbound Messages request; `model`, `max_tokens` and `messages` are required, as
    /// Anthropic requires them. See ``AnthropicMessagesRequestDecoder`` for the mapping.
    ///
    /// - Parameters:
    ///   - model: Unused: the model is in the body.
    ///   - stream: Overrides the body's `stream` when given.
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field.
    public func decodeRequest(_ body: [UInt8], provider: ProviderID, model: String?, stream: Bool?) throws(ChimeraError) -> ChatRequest {
        try AnthropicMessagesRequestDecoder.decode(body, provider: provider, stream: stream, requireMaxTokens: true)
    }

    /// Reads an inbound `count_tokens` body: a Messages request without `max_tokens`.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field.
    public func decodeTokenCountRequest(_ body: [UInt8], provider: ProviderID, model: String?) throws(ChimeraError) -> ChatRequest {
        try AnthropicMessagesRequestDecoder.decode(body, provider: provider, stream: false, requireMaxTokens: false)
    }

    /// The body with its `model` member replaced, every other byte as sent (a body without a
    /// model gets one first).
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` when the body is not a JSON object.
    public func replacingModel(in body: [UInt8], with model: String) throws(ChimeraError) -> [UInt8] {
        let parsed = body.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) in try JSONParser.skim(buffer, keeping: []).ranges }
        }
        let ranges: [String: Range<Int>]
        switch parsed {
        case .success(let found): ranges = found
        case .failure(let error): throw ChimeraError.invalidRequest("body: \(error.description)", provider: .anthropic)
        }
        let value = JSONValue.string(model).serializedBytes()
        var result = body
        if let range = ranges["model"] {
            result.replaceSubrange(range, with: value)
        } else if let brace = body.firstIndex(of: UInt8(ascii: "{")) {
            result.insert(contentsOf: Array(#""model":"#.utf8) + value + (ranges.isEmpty ? [] : [UInt8(ascii: ",")]), at: brace + 1)
        }
        return result
    }

    // MARK: Answers

    /// Reads a `message` object; see ``AnthropicMessagesResponseCodec``.
    ///
    /// - Throws: ``ChimeraError``: the error a 200 body carried, or `decoding` naming the field
    ///   (a body without `content` included).
    public func decodeResponse(_ body: [UInt8], for request: ChatRequest) throws(ChimeraError) -> ChatResponse {
        try AnthropicMessagesResponseCodec.decode(body, for: request)
    }

    /// A `message` object of any family's answer; see ``AnthropicMessagesResponseCodec``.
    public func encodeResponse(_ response: ChatResponse, for request: ChatRequest) -> [UInt8] {
        AnthropicMessagesResponseCodec.encode(response, for: request)
    }

    /// A decoder of Anthropic's typed events; see ``AnthropicMessagesStreamDecoder``.
    public func makeStreamDecoder(for request: ChatRequest) -> any StreamDecoder {
        AnthropicMessagesStreamDecoder(request: request)
    }

    /// An encoder of Anthropic's typed events; see ``AnthropicMessagesStreamEncoder``.
    public func makeStreamEncoder(for request: ChatRequest) -> any StreamEncoder {
        AnthropicMessagesStreamEncoder(request: request)
    }

    /// A watcher of relayed Anthropic streams; see ``AnthropicMessagesStreamWatcher``.
    public func makeStreamWatcher(for request: ChatRequest) -> any StreamWatcher {
        AnthropicMessagesStreamWatcher(provider: request.provider)
    }

    // MARK: Errors

    /// Reads `{"type":"error","error":{type,message},"request_id"}` (and the other shapes
    /// ``UpstreamErrorReader`` knows) with the status and headers.
    public func decodeError(status: Int, headers: [(name: String, value: String)], body: [UInt8], provider: ProviderID) -> ChimeraError {
        UpstreamErrorReader.httpError(status: status, headers: headers, body: body, provider: provider)
    }

    /// `{"type":"error","error":{"type","message"}}`, the type from the status
    /// (``AnthropicMessagesWire/errorType(status:)``; a 429 that must not be retried is
    /// `billing_error`), the message the upstream's own when there is one.
    public func encodeError(_ error: ChimeraError) -> [UInt8] {
        AnthropicMessagesWire.errorBody(error).serializedBytes()
    }

    // MARK: Token counts

    /// `<base>/v1/messages/count_tokens`.
    public func countTokensURL(base: URL, model: String) -> URL? {
        base.appending(path: "v1/messages/count_tokens")
    }

    /// The request as `count_tokens` takes it: model, system, messages, tools, tool choice,
    /// thinking and output configuration (and the extension's members the endpoint knows), no
    /// `max_tokens`, `stream`, sampling options or metadata.
    ///
    /// - Throws: ``ChimeraError`` as ``encodeRequest(_:)`` does.
    public func encodeTokenCountRequest(_ request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        JSONValue.object(try AnthropicMessagesRequestEncoder.body(for: request, tokenCount: true)).serializedBytes()
    }

    /// Reads `{"input_tokens":N}`.
    ///
    /// - Throws: ``ChimeraError``: the error a 200 body carried, or `decoding` naming the field.
    public func decodeTokenCount(_ body: [UInt8], provider: ProviderID) throws(ChimeraError) -> Int {
        let root: JSONField
        do {
            root = try JSONField.parse(body)
        } catch {
            throw error.malformed("token count", provider: provider, body: body)
        }
        if root["error"].isPresent,
           let failure = UpstreamErrorReader.inBandError(root["error"].value ?? [:], raw: body, provider: provider, location: "in a 200 response") {
            throw failure
        }
        do {
            return try root["input_tokens"].int()
        } catch {
            throw error.malformed("token count", provider: provider, body: body)
        }
    }

    /// `{"input_tokens":N}`.
    public func encodeTokenCount(_ count: Int) -> [UInt8] {
        JSONValue.object(["input_tokens": .int(count)]).serializedBytes()
    }

    // MARK: Model lists

    /// Reads one page, `{"data":[{"type":"model","id","display_name","created_at"}],"has_more",…}`.
    ///
    /// - Throws: ``ChimeraError`` of kind `decoding` naming the field.
    public func decodeModelList(_ body: [UInt8], provider: ProviderID) throws(ChimeraError) -> [ModelInfo] {
        do {
            return try JSONField.parse(body)["data"].elements().map { (model) throws(FieldError) in
                ModelInfo(id: try model["id"].string(), provider: provider, displayName: try model["display_name"].optionalString())
            }
        } catch {
            throw error.malformed("model list", provider: provider, body: body)
        }
    }

    /// One page holding every model: `{"data":[…],"has_more":false,"first_id","last_id"}`.
    /// `created_at` is the epoch, which Anthropic documents for an unknown release date.
    public func encodeModelList(_ models: [ModelInfo]) -> [UInt8] {
        let data: [JSONValue] = models.map { model in
            [
                "type": "model", "id": .string(model.id), "display_name": .string(model.displayName ?? model.id),
                "created_at": "1970-01-01T00:00:00Z",
            ]
        }
        return JSONValue.object([
            "data": .array(data),
            "has_more": false,
            "first_id": .nullable(models.first?.id),
            "last_id": .nullable(models.last?.id),
        ]).serializedBytes()
    }
}
