import ChimeraCore
import Foundation

/// OpenAI's Responses API (`POST /v1/responses`): inbound on both servers, and outbound for
/// OpenAI-compatible providers configured with `<P>_WIRE_API=responses` (and for OpenAI itself
/// when a Responses caller's request passes through as sent).
///
/// Authentication, headers, error bodies and model lists are Chat Completions' (the same API
/// keys and servers); requests, answers and streams are this API's own. The pieces, one concept
/// per file: ``OpenAIResponsesRequestDecoder`` and ``OpenAIResponsesRequestEncoder`` (requests),
/// ``OpenAIResponsesResponseCodec`` (the `response` object), ``OpenAIResponsesStreamDecoder``,
/// ``OpenAIResponsesStreamEncoder`` and ``OpenAIResponsesStreamWatcher`` (the typed event stream);
/// their documentation has the field-by-field mapping.
///
/// Chimera keeps no state, so what the API keeps at OpenAI (`previous_response_id`, stored
/// prompts, conversations) and the tools OpenAI runs itself reach only OpenAI's Responses API;
/// sent anywhere else they are refused by name (``ChatRequest/validate(speaking:)``).
public struct OpenAIResponsesBinding: ProtocolBinding {
    /// The provider whose name errors carry.
    public let provider: ProviderID
    private var chat: OpenAIChatBinding { OpenAIChatBinding(provider: provider) }

    /// Creates the binding of one OpenAI-compatible provider.
    public init(provider: ProviderID) {
        self.provider = provider
    }

    /// ``ProtocolFamily/openAIResponses``.
    public var family: ProtocolFamily { .openAIResponses }

    // MARK: Routes

    /// `POST v1/responses` (streaming chosen by the body's `stream`); the model list is Chat Completions'.
    public var serverRoutes: [ServerRoute] { [ServerRoute(.post, "v1/responses", .chat)] }

    /// `<base>/responses`, as the openai SDKs append it to their `base_url`.
    public func chatURL(base: URL, model: String, stream: Bool) -> URL {
        base.appending(path: "responses")
    }

    /// `<base>/models`.
    public func modelsURL(base: URL) -> URL { chat.modelsURL(base: base) }

    // MARK: Headers

    /// `Authorization: Bearer <key>`, as for Chat Completions.
    public func authenticationHeaders(apiKey: Secret?) -> [(name: String, value: String)] { chat.authenticationHeaders(apiKey: apiKey) }

    /// `openai-organization`, `openai-project` and `openai-beta`.
    public var forwardedHeaders: Set<String> { chat.forwardedHeaders }

    // MARK: Requests

    /// The body; see ``OpenAIResponsesRequestEncoder``.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field for what the API
    ///   cannot express (stop sequences, a seed, penalties, several choices, another family's parts).
    public func encodeRequest(_ request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        try OpenAIResponsesRequestEncoder(provider: request.provider).encode(request)
    }

    /// Reads an inbound request; see ``OpenAIResponsesRequestDecoder``.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field, e.g.
    ///   `input[2].call_id: required`.
    public func decodeRequest(_ body: [UInt8], provider: ProviderID, model: String?, stream: Bool?) throws(ChimeraError) -> ChatRequest {
        do {
            return try OpenAIResponsesRequestDecoder(provider: provider).decode(body, model: model, stream: stream)
        } catch {
            throw error.invalidRequest(provider: provider)
        }
    }

    /// The body with its top-level `model` replaced, as Chat Completions' (the same member).
    public func replacingModel(in body: [UInt8], with model: String) throws(ChimeraError) -> [UInt8] {
        try chat.replacingModel(in: body, with: model)
    }

    // MARK: Answers

    /// Reads a `response` object; see ``OpenAIResponsesResponseCodec``.
    public func decodeResponse(_ body: [UInt8], for request: ChatRequest) throws(ChimeraError) -> ChatResponse {
        try OpenAIResponsesResponseCodec(provider: request.provider).decode(body, for: request)
    }

    /// A `response` object; see ``OpenAIResponsesWire/response(id:model:createdAt:status:incompleteDetails:error:output:usage:request:extensions:)``.
    public func encodeResponse(_ response: ChatResponse, for request: ChatRequest) -> [UInt8] {
        OpenAIResponsesResponseCodec(provider: request.provider).encode(response, for: request)
    }

    /// A decoder of the typed events; see ``OpenAIResponsesStreamDecoder``.
    public func makeStreamDecoder(for request: ChatRequest) -> any StreamDecoder {
        OpenAIResponsesStreamDecoder(provider: request.provider)
    }

    /// An encoder of the typed events; see ``OpenAIResponsesStreamEncoder``.
    public func makeStreamEncoder(for request: ChatRequest) -> any StreamEncoder {
        OpenAIResponsesStreamEncoder(request: request)
    }

    /// A watcher of a relayed stream; see ``OpenAIResponsesStreamWatcher``.
    public func makeStreamWatcher(for request: ChatRequest) -> any StreamWatcher {
        OpenAIResponsesStreamWatcher(provider: request.provider)
    }

    // MARK: Errors

    /// Reads OpenAI's error body, as Chat Completions'.
    public func decodeError(status: Int, headers: [(name: String, value: String)], body: [UInt8], provider: ProviderID) -> ChimeraError {
        chat.decodeError(status: status, headers: headers, body: body, provider: provider)
    }

    /// OpenAI's error body, as Chat Completions'.
    public func encodeError(_ error: ChimeraError) -> [UInt8] {
        chat.encodeError(error)
    }

    /// An `error` event (`type`, `code`, `message`, `param`), the form a relayed stream's
    /// failure takes, since the upstream's own events have been passed on as they were.
    public func inBandError(_ error: ChimeraError) -> SSEEvent {
        let fields = OpenAIResponsesWire.errorObject(error)
        let event = JSONObject([("type", "error")] + fields.members.map { ($0.key, $0.value) } + [("param", nil)])
        return SSEEvent(event: "error", data: JSONValue.object(event).serialized())
    }

    // MARK: Token counts

    /// `nil`: Chimera does not count tokens for this API.
    public func countTokensURL(base: URL, model: String) -> URL? { nil }

    /// - Throws: Always ``ChimeraError`` of kind `invalidRequest`: there is no endpoint to send it to.
    public func encodeTokenCountRequest(_ request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        try chat.encodeTokenCountRequest(request)
    }

    /// Reads `{"input_tokens":N}`.
    public func decodeTokenCount(_ body: [UInt8], provider: ProviderID) throws(ChimeraError) -> Int {
        try chat.decodeTokenCount(body, provider: provider)
    }

    /// `{"object":"response.input_tokens","input_tokens":N}`.
    public func encodeTokenCount(_ count: Int) -> [UInt8] { chat.encodeTokenCount(count) }

    // MARK: Model lists

    /// Reads `{"object":"list","data":[…]}`, as Chat Completions'.
    public func decodeModelList(_ body: [UInt8], provider: ProviderID) throws(ChimeraError) -> [ModelInfo] {
        try chat.decodeModelList(body, provider: provider)
    }

    /// OpenAI's model list, as Chat Completions'.
    public func encodeModelList(_ models: [ModelInfo]) -> [UInt8] { chat.encodeModelList(models) }
}
