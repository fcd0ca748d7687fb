import ChimeraCore
import Foundation

/// Anthropic Messages.
///
/// The system prompt travels in the top-level `system` field, the conversation holds user and
/// assistant turns only, and `max_tokens` is required (``defaultMaxTokens`` when the request
/// has none). Stop reasons map `end_turn`→``FinishReason/stop``,
/// `stop_sequence`→``FinishReason/stopSequence``, `max_tokens` and
/// `model_context_window_exceeded`→``FinishReason/length``, `tool_use`→``FinishReason/toolCalls``,
/// `refusal`→``FinishReason/contentFilter``; anything else (`pause_turn`, a proxy's `safety`) is
/// kept as ``FinishReason/unknown(_:)``. Input usage is the sum of plain, cache-write and
/// cache-read input tokens.
///
/// Inbound requests keep text blocks, drop `thinking` blocks and reject other block types (see
/// ``LegacyAnthropicWire/InputBlock``); each block of an array `system` becomes one system message.
public struct LegacyAnthropicCodec: LegacyCodec {
    /// The `max_tokens` sent when a request sets no limit, since Anthropic requires one.
    ///
    /// 4096 fits the output limit of every current Claude model and is what converters such as
    /// AIClient-2-API supply; set ``ChatRequest/maxTokens`` for longer answers.
    public static let defaultMaxTokens = 4096

    /// The `anthropic-version` header sent with every request.
    public static let apiVersion = "2023-06-01"

    /// Creates the codec.
    public init() {}

    /// ``ProtocolFamily/anthropicMessages``.
    public var family: ProtocolFamily { .anthropicMessages }

    // MARK: Client side

    /// `x-api-key: <key>` (when there is a key) and `anthropic-version: 2023-06-01`.
    public func authenticationHeaders(apiKey: Secret?) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let apiKey { headers.append(("x-api-key", apiKey.value)) }
        headers.append(("anthropic-version", Self.apiVersion))
        return headers
    }

    /// The request body.
    ///
    /// The temperature is clamped to Anthropic's 0...1: a request written for OpenAI's 0...2
    /// range still goes through, as the closest temperature Anthropic accepts.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` for a message whose role Anthropic
    ///   has no place for (anything but system, user and assistant) or a number that cannot be
    ///   written as JSON.
    public func encodeRequest(_ request: ChatRequest) throws(ChimeraError) -> Data {
        var messages: [LegacyAnthropicWire.Message] = []
        for (index, message) in request.messages.enumerated() {
            switch message.role {
            case .system:
                continue
            case .user, .assistant:
                messages.append(.init(role: message.role.rawValue, content: .init(message.text)))
            case .tool, .unknown:
                let role = message.role.rawValue
                throw ChimeraError.invalidRequest(
                    "messages[\(index)].role: \(LegacyWireJSON.quoted(role)) cannot be sent to Anthropic; accepted: system, user, assistant",
                    provider: request.provider
                )
            }
        }
        let body = LegacyAnthropicWire.Request(
            model: request.model,
            maxTokens: request.maxTokens ?? Self.defaultMaxTokens,
            system: request.systemPrompt.map(LegacyAnthropicWire.System.init),
            messages: messages,
            temperature: request.temperature.map { min(max($0, 0), 1) },
            topP: request.topP,
            stopSequences: request.stopSequences.isEmpty ? nil : request.stopSequences,
            stream: request.stream
        )
        return try LegacyWireJSON.encodeRequest(body, provider: request.provider)
    }

    /// Reads the text blocks, `stop_reason` and `usage` of a message.
    ///
    /// - Throws: ``ChimeraError`` of kind `decoding` naming the bad field, or the error a 200
    ///   body carried.
    public func decodeResponse(_ body: Data, provider: ProviderID) throws(ChimeraError) -> ChatResponse {
        let response: LegacyAnthropicWire.Response
        do {
            response = try LegacyWireJSON.decode(LegacyAnthropicWire.Response.self, from: body)
        } catch {
            throw ChimeraError.malformed("response", detail: error.message, provider: provider, body: body)
        }
        if let error = response.error,
           let failure = UpstreamErrorReader.inBandError(error.jsonValue, raw: body, provider: provider, location: "in a 200 response") {
            throw failure
        }
        let message = response.message
        return ChatResponse(
            id: message.id ?? "msg_\(UUID().uuidString)",
            provider: provider,
            model: message.model ?? "",
            text: Self.text(of: message.content ?? []),
            finishReason: message.stopReason.map(Self.finishReason(wire:)),
            usage: message.usage.map { Self.usage(input: $0, output: $0.outputTokens) }
        )
    }

    /// A decoder of Anthropic's typed events (`message_start` … `message_stop`).
    public func makeStreamDecoder(provider: ProviderID) -> any StreamDecoder {
        LegacyAnthropicStreamDecoder(provider: provider)
    }

    /// Reads `{"type":"error","error":{type,message}}` (and the other shapes
    /// ``UpstreamErrorReader`` knows) with the status and headers.
    public func decodeError(status: Int, headers: [(name: String, value: String)], body: Data, provider: ProviderID) -> ChimeraError {
        UpstreamErrorReader.httpError(status: status, headers: headers, body: body, provider: provider)
    }

    /// Reads `{"data":[{"type":"model","id","display_name",…}],"has_more",…}` (one page).
    ///
    /// - Throws: ``ChimeraError`` of kind `decoding` naming the bad field.
    public func decodeModelList(_ body: Data, provider: ProviderID) throws(ChimeraError) -> [ModelInfo] {
        do {
            return try LegacyWireJSON.decode(LegacyAnthropicWire.ModelList.self, from: body).data.map {
                ModelInfo(id: $0.id, provider: provider, displayName: $0.displayName)
            }
        } catch {
            throw ChimeraError.malformed("model list", detail: error.message, provider: provider, body: body)
        }
    }

    // MARK: Server side

    /// Reads an inbound messages request; the model and `max_tokens` are required.
    ///
    /// - Parameters:
    ///   - stream: Overrides the body's `stream` when given.
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field, e.g.
    ///   `max_tokens: required`.
    public func decodeRequest(_ body: Data, provider: ProviderID, model: String?, stream: Bool?) throws(ChimeraError) -> ChatRequest {
        let wire: LegacyAnthropicWire.Request
        do {
            wire = try LegacyWireJSON.decode(LegacyAnthropicWire.Request.self, from: body)
        } catch {
            throw ChimeraError.invalidRequest(error.message, provider: provider)
        }
        let system = (wire.system?.blocks ?? []).map(ChatMessage.system)
        let request = ChatRequest(
            provider: provider,
            model: wire.model,
            messages: system + wire.messages.map { ChatMessage(role: ChatMessage.Role(rawValue: $0.role), content: $0.content.text) },
            temperature: wire.temperature,
            topP: wire.topP,
            maxTokens: wire.maxTokens,
            stopSequences: wire.stopSequences ?? [],
            stream: stream ?? wire.stream ?? false
        )
        return try request.validated()
    }

    /// A `message` object with one text block.
    public func encodeResponse(_ response: ChatResponse) -> Data {
        LegacyWireJSON.encode(LegacyAnthropicWire.MessageObject(
            id: response.id,
            model: response.model,
            content: [.init(type: "text", text: response.text)],
            stopReason: response.finishReason.map(Self.wire(finishReason:)),
            usage: .init(inputTokens: response.usage?.inputTokens ?? 0, outputTokens: response.usage?.outputTokens ?? 0)
        ))
    }

    /// An encoder of Anthropic's typed events, each with `event: <type>`.
    public func makeStreamEncoder(id: String, model: String) -> any LegacyStreamEncoder {
        LegacyAnthropicStreamEncoder(id: id, model: model)
    }

    /// `{"type":"error","error":{"type","message"}}` with the type of the error's status
    /// (``errorType(status:)``), except for a 429 that must not be retried, which gets
    /// `billing_error` so a client leaves it alone.
    public func encodeError(_ error: ChimeraError) -> Data {
        LegacyWireJSON.encode(Self.errorBody(error))
    }

    /// One page holding every model: `{"data":[…],"has_more":false,"first_id","last_id"}`.
    /// `created_at` is the epoch because Chimera does not know when a model was made.
    public func encodeModelList(_ models: [ModelInfo]) -> Data {
        LegacyWireJSON.encode(LegacyAnthropicWire.ModelList(
            data: models.map { .init(type: "model", id: $0.id, displayName: $0.displayName ?? $0.id, createdAt: "1970-01-01T00:00:00Z") },
            hasMore: false,
            firstId: models.first?.id,
            lastId: models.last?.id
        ))
    }

    // MARK: Mapping

    /// The `error.type` Anthropic uses for an HTTP status: 400 `invalid_request_error`,
    /// 401 `authentication_error`, 402 `billing_error`, 403 `permission_error`,
    /// 404 `not_found_error`, 413 `request_too_large`, 429 `rate_limit_error`, 500 `api_error`,
    /// 504 `timeout_error`, 529 `overloaded_error`, other 5xx `api_error`, other 4xx
    /// `invalid_request_error`.
    public static func errorType(status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 402: "billing_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 504: "timeout_error"
        case 529: "overloaded_error"
        case 500...599: "api_error"
        default: "invalid_request_error"
        }
    }

    static func errorBody(_ error: ChimeraError) -> LegacyAnthropicWire.ErrorBody {
        let status = error.httpStatus
        // A 429 that must not be retried is a spending limit, which Anthropic calls billing_error;
        // a client then leaves it alone instead of retrying a rate_limit_error.
        let type = status == 429 && !error.isRetryable ? "billing_error" : errorType(status: status)
        return LegacyAnthropicWire.ErrorBody(error: .init(type: type, message: error.upstreamMessage ?? error.message))
    }

    static func finishReason(wire: String) -> FinishReason {
        switch wire {
        case "end_turn": .stop
        case "stop_sequence": .stopSequence
        case "max_tokens", "model_context_window_exceeded": .length
        case "tool_use": .toolCalls
        case "refusal": .contentFilter
        default: .unknown(wire)
        }
    }

    static func wire(finishReason: FinishReason) -> String {
        switch finishReason {
        case .stop: "end_turn"
        case .stopSequence: "stop_sequence"
        case .length: "max_tokens"
        case .toolCalls: "tool_use"
        case .contentFilter: "refusal"
        case .unknown(let value): value
        }
    }

    /// Usage from the input counts of one `usage` object and an output count.
    static func usage(input: LegacyAnthropicWire.Usage, output: Int?) -> Usage {
        .wire(
            input: [input.inputTokens ?? 0, input.cacheCreationInputTokens ?? 0, input.cacheReadInputTokens ?? 0],
            output: [output ?? 0],
            total: nil
        )
    }

    private static func text(of blocks: [LegacyAnthropicWire.OutputBlock]) -> String {
        blocks.filter { $0.type == "text" }.compactMap(\.text).joined()
    }
}
