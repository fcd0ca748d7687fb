import ChimeraCore
import Foundation

/// Everything about one protocol family's HTTP API, written once and used in both directions:
/// a client (direct mode, proxy mode) encodes requests and decodes answers; a server (`chimera
/// proxy`, `chimera serve`) decodes inbound requests and encodes answers in the caller's family.
///
/// Bodies are bytes (`[UInt8]`), JSON is read and written with ``JSONValue`` so that member
/// order and numbers survive, and every field a family has and the domain does not travels in
/// ``ChatRequest/extensions`` (requests) and ``ChatResponse/extensions`` (answers): decoding and
/// re-encoding in the same family loses nothing.
///
/// Adding a family means one binding (and the simulator's dialect).
public protocol ProtocolBinding: CallerBinding {
    /// The family spoken.
    var family: ProtocolFamily { get }

    // MARK: Routes

    /// The routes a server serves for this family, relative to the root (a provider-id prefix
    /// may come before them).
    var serverRoutes: [ServerRoute] { get }

    /// The URL of a chat request, from a base URL with the meaning the family's official SDK
    /// gives it (OpenAI-compatible SDKs append `/chat/completions`, Anthropic's `/v1/messages`,
    /// Google's `/v1beta/models/{model}:generateContent`).
    func chatURL(base: URL, model: String, stream: Bool) -> URL

    /// Whether ``chatURL(base:model:stream:)`` names the model (Gemini's
    /// `models/{model}:generateContent`); the other families' are built once per endpoint.
    var chatURLNamesModel: Bool { get }

    /// The URL of the model list, from the same base URL.
    func modelsURL(base: URL) -> URL

    // MARK: Headers

    /// The headers that carry `apiKey` and the protocol version the family requires.
    func authenticationHeaders(apiKey: Secret?) -> [(name: String, value: String)]

    /// Inbound headers a same-family relay passes on to the upstream, lowercased
    /// (`anthropic-version`, `anthropic-beta`, `openai-organization`, …); never credentials.
    var forwardedHeaders: Set<String> { get }

    // MARK: Requests

    /// The request body for `request`, in the dialect of `request.provider` (OpenAI's
    /// `max_completion_tokens` versus `max_tokens` on compatible servers).
    ///
    /// Expects a request that passed ``ChatRequest/validate()``: fields the provider ignores are
    /// left out. ``ChatRequest/extensions`` of this family are written back as they came;
    /// those of other families are left out.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field and the provider when
    ///   the request holds something this family cannot express (an opaque part of another
    ///   family, a number JSON cannot write).
    func encodeRequest(_ request: ChatRequest) throws(ChimeraError) -> [UInt8]

    /// Reads an inbound request body.
    ///
    /// - Parameters:
    ///   - body: The body as sent.
    ///   - provider: The provider the request will go to.
    ///   - model: The model from the URL, for families that put it there (Gemini).
    ///   - stream: Whether the URL asked for a stream (Gemini); `nil` to read it from the body.
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field, e.g.
    ///   `messages[2].role: expected a string`. Range checks are ``ChatRequest/validate()``'s.
    func decodeRequest(_ body: [UInt8], provider: ProviderID, model: String?, stream: Bool?) throws(ChimeraError) -> ChatRequest

    /// A body sent as is, with its model replaced (a server's model alias); the rest of the
    /// bytes stay exactly as they were. Families that carry the model in the URL return `body`.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` when the body is not a JSON object.
    func replacingModel(in body: [UInt8], with model: String) throws(ChimeraError) -> [UInt8]

    // MARK: Answers

    /// Reads a successful unary answer to `request`. `route` and `wireProtocol` of the result are
    /// `.direct` / `.json`; the transport sets the real ones.
    ///
    /// - Throws: ``ChimeraError`` of kind `decoding` naming the field, or the error a 200 body
    ///   carried, or a `decoding` error for a 200 without a choice, content or candidate.
    func decodeResponse(_ body: [UInt8], for request: ChatRequest) throws(ChimeraError) -> ChatResponse

    /// Checks a unary answer relayed to the caller as the upstream sent it (same-family
    /// pass-through) and reads its usage, without reading the rest into the domain.
    ///
    /// - Throws: What ``decodeResponse(_:for:)`` throws for an error inside a 200 and for an
    ///   answer that is not this family's; what is inside its choices is the caller's to read.
    func checkResponse(_ body: [UInt8], for request: ChatRequest) throws(ChimeraError) -> Usage?

    /// The body of a unary answer to `request`, in this family's shape.
    func encodeResponse(_ response: ChatResponse, for request: ChatRequest) -> [UInt8]

    /// A decoder of the Server-Sent Events of one streamed answer to `request`.
    func makeStreamDecoder(for request: ChatRequest) -> any StreamDecoder

    /// An encoder of one streamed answer to `request`, in this family's events.
    func makeStreamEncoder(for request: ChatRequest) -> any StreamEncoder

    /// A watcher of a stream relayed to the caller as the upstream sent it.
    func makeStreamWatcher(for request: ChatRequest) -> any StreamWatcher

    // MARK: Errors

    /// Reads a non-2xx answer into an error: kind, status, upstream message, retryability and
    /// retry-after (from `headers` and from the body, e.g. Gemini's `RetryInfo`).
    func decodeError(status: Int, headers: [(name: String, value: String)], body: [UInt8], provider: ProviderID) -> ChimeraError

    /// The body of an error answer in this family's shape; the status is ``ChimeraError/httpStatus``.
    func encodeError(_ error: ChimeraError) -> [UInt8]

    /// The event that ends a stream relayed as the upstream sent it, when it failed after it
    /// began. The default is the family's error body as the data (Anthropic's with `event: error`).
    func inBandError(_ error: ChimeraError) -> SSEEvent

    // MARK: Token counts

    /// The URL that counts a request's input tokens, when the family has such an endpoint
    /// (Anthropic's `/v1/messages/count_tokens`, Gemini's `:countTokens`); `nil` otherwise.
    func countTokensURL(base: URL, model: String) -> URL?

    /// Reads an inbound token-count request body (Anthropic's `count_tokens` takes a messages
    /// request without `max_tokens`; Gemini's `countTokens` wraps one in `generateContentRequest`).
    ///
    /// The default reads it as a chat request that is not streamed.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field.
    func decodeTokenCountRequest(_ body: [UInt8], provider: ProviderID, model: String?) throws(ChimeraError) -> ChatRequest

    /// The body of a token-count request for `request`.
    ///
    /// - Throws: ``ChimeraError`` as ``encodeRequest(_:)`` does.
    func encodeTokenCountRequest(_ request: ChatRequest) throws(ChimeraError) -> [UInt8]

    /// Reads a token-count answer.
    func decodeTokenCount(_ body: [UInt8], provider: ProviderID) throws(ChimeraError) -> Int

    /// The body of a token-count answer (`{"input_tokens":N}`, `{"totalTokens":N}`).
    func encodeTokenCount(_ count: Int) -> [UInt8]

    // MARK: Model lists

    /// Reads a model-list body.
    func decodeModelList(_ body: [UInt8], provider: ProviderID) throws(ChimeraError) -> [ModelInfo]

    /// The body of a model list in this family's shape.
    func encodeModelList(_ models: [ModelInfo]) -> [UInt8]
}

extension ProtocolBinding {
    public var chatURLNamesModel: Bool { false }

    /// The answer read whole: for families whose answers are rarely relayed as sent.
    public func checkResponse(_ body: [UInt8], for request: ChatRequest) throws(ChimeraError) -> Usage? {
        try decodeResponse(body, for: request).usage
    }

    /// The family's error body as the event's data, under `event: error` for Anthropic, whose
    /// streams name every event.
    public func inBandError(_ error: ChimeraError) -> SSEEvent {
        SSEEvent(event: family == .anthropicMessages ? "error" : nil, data: String(decoding: encodeError(error), as: UTF8.self))
    }

    /// Reads the body as a chat request that is not streamed.
    public func decodeTokenCountRequest(_ body: [UInt8], provider: ProviderID, model: String?) throws(ChimeraError) -> ChatRequest {
        try decodeRequest(body, provider: provider, model: model, stream: false)
    }
}
