import ChimeraCore
import Foundation

/// OpenAI Chat Completions, as spoken by OpenAI, DeepSeek, Qwen (compatible mode) and Cursor
/// gateways.
///
/// The provider decides the one per-provider difference of the request: OpenAI gets
/// `max_completion_tokens` (its reasoning models reject `max_tokens`), the compatible servers get
/// `max_tokens`. Reading is lenient the other way: an inbound request may use either key, `stop`
/// as a string or an array, content as a string or an array of text parts (other part types are
/// rejected, since Chimera carries text only), and role `developer` for `system`.
///
/// Reasoning text (`reasoning_content` of DeepSeek and Qwen) is never mixed into the answer.
/// Finish reasons map `stop`→``FinishReason/stop``, `length`→``FinishReason/length``,
/// `tool_calls` and `function_call`→``FinishReason/toolCalls``,
/// `content_filter`→``FinishReason/contentFilter``; any other value (DeepSeek's
/// `insufficient_system_resource`) is kept as ``FinishReason/unknown(_:)``. Writing maps
/// ``FinishReason/stopSequence`` to `stop`, since OpenAI does not tell the two apart.
public struct LegacyOpenAICodec: LegacyCodec {
    /// The provider whose dialect is written.
    public let provider: ProviderID

    /// Creates the codec of one OpenAI-compatible provider.
    ///
    /// - Parameter provider: `openai`, `deepseek`, `qwen` or `cursor`.
    public init(provider: ProviderID) {
        self.provider = provider
    }

    /// ``ProtocolFamily/openAIChat``.
    public var family: ProtocolFamily { .openAIChat }

    // MARK: Client side

    /// `Authorization: Bearer <key>`, or nothing without a key.
    public func authenticationHeaders(apiKey: Secret?) -> [(name: String, value: String)] {
        guard let apiKey else { return [] }
        return [("Authorization", "Bearer \(apiKey.value)")]
    }

    /// The request body: system, user and assistant messages (role `system`, which every
    /// compatible server accepts, rather than OpenAI's newer `developer`), sampling parameters,
    /// `stop` as an array, and `stream_options.include_usage` when streaming so the stream ends
    /// with token counts.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` when a number cannot be written as JSON.
    public func encodeRequest(_ request: ChatRequest) throws(ChimeraError) -> Data {
        let usesCompletionTokens = provider == .openai
        let body = LegacyOpenAIWire.Request(
            model: request.model,
            messages: request.messages.map { LegacyOpenAIWire.Message(role: $0.role.rawValue, content: .init($0.text)) },
            maxTokens: usesCompletionTokens ? nil : request.maxTokens,
            maxCompletionTokens: usesCompletionTokens ? request.maxTokens : nil,
            temperature: request.temperature,
            topP: request.topP,
            stop: request.stopSequences.isEmpty ? nil : .init(request.stopSequences),
            stream: request.stream,
            streamOptions: request.stream ? .init(includeUsage: true) : nil
        )
        return try LegacyWireJSON.encodeRequest(body, provider: provider)
    }

    /// Reads `choices[0].message.content` (which may be `null`), `finish_reason` and `usage`.
    ///
    /// - Throws: ``ChimeraError`` of kind `decoding` naming the bad field, or the error a 200
    ///   body carried in an `error` member.
    public func decodeResponse(_ body: Data, provider: ProviderID) throws(ChimeraError) -> ChatResponse {
        let completion: LegacyOpenAIWire.Completion
        do {
            completion = try LegacyWireJSON.decode(LegacyOpenAIWire.Completion.self, from: body)
        } catch {
            throw ChimeraError.malformed("response", detail: error.message, provider: provider, body: body)
        }
        if let error = completion.error,
           let failure = UpstreamErrorReader.inBandError(error.jsonValue, raw: body, provider: provider, location: "in a 200 response") {
            throw failure
        }
        let choice = completion.choices?.first { ($0.index ?? 0) == 0 }
        return ChatResponse(
            id: completion.id ?? "chatcmpl-\(UUID().uuidString)",
            provider: provider,
            model: completion.model ?? "",
            text: choice?.message?.content ?? "",
            finishReason: choice?.finishReason.map(Self.finishReason(wire:)),
            usage: completion.usage.map(Self.usage(wire:))
        )
    }

    /// A decoder of `data:` chunks ending, optionally, with `data: [DONE]`.
    public func makeStreamDecoder(provider: ProviderID) -> any StreamDecoder {
        LegacyOpenAIStreamDecoder(provider: provider)
    }

    /// Reads `{"error":{message,type,param,code}}` (and the other shapes
    /// ``UpstreamErrorReader`` knows) with the status and headers.
    public func decodeError(status: Int, headers: [(name: String, value: String)], body: Data, provider: ProviderID) -> ChimeraError {
        UpstreamErrorReader.httpError(status: status, headers: headers, body: body, provider: provider)
    }

    /// Reads `{"object":"list","data":[{"id",…}]}`.
    ///
    /// - Throws: ``ChimeraError`` of kind `decoding` naming the bad field.
    public func decodeModelList(_ body: Data, provider: ProviderID) throws(ChimeraError) -> [ModelInfo] {
        do {
            return try LegacyWireJSON.decode(LegacyOpenAIWire.ModelList.self, from: body).data.map { ModelInfo(id: $0.id, provider: provider) }
        } catch {
            throw ChimeraError.malformed("model list", detail: error.message, provider: provider, body: body)
        }
    }

    // MARK: Server side

    /// Reads an inbound chat completion request.
    ///
    /// The model and the stream flag come from the body (`stream` overrides the body's flag when
    /// given); `max_completion_tokens` wins over `max_tokens` when both are sent.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field, e.g.
    ///   `messages[2].role: expected a string`.
    public func decodeRequest(_ body: Data, provider: ProviderID, model: String?, stream: Bool?) throws(ChimeraError) -> ChatRequest {
        let wire: LegacyOpenAIWire.Request
        do {
            wire = try LegacyWireJSON.decode(LegacyOpenAIWire.Request.self, from: body)
        } catch {
            throw ChimeraError.invalidRequest(error.message, provider: provider)
        }
        let request = ChatRequest(
            provider: provider,
            model: wire.model,
            messages: wire.messages.map { ChatMessage(role: Self.role(wire: $0.role), content: $0.content.text) },
            temperature: wire.temperature,
            topP: wire.topP,
            maxTokens: wire.maxCompletionTokens ?? wire.maxTokens,
            stopSequences: wire.stop?.sequences ?? [],
            stream: stream ?? wire.stream ?? false
        )
        return try request.validated()
    }

    /// A `chat.completion` object with one choice.
    public func encodeResponse(_ response: ChatResponse) -> Data {
        LegacyWireJSON.encode(LegacyOpenAIWire.Completion(
            id: response.id,
            object: "chat.completion",
            created: Self.now(),
            model: response.model,
            choices: [.init(index: 0, message: .init(role: "assistant", content: response.text), finishReason: response.finishReason.map(Self.wire(finishReason:)))],
            usage: response.usage.map(Self.wire(usage:))
        ))
    }

    /// An encoder of `chat.completion.chunk` events ending with `data: [DONE]`.
    public func makeStreamEncoder(id: String, model: String) -> any LegacyStreamEncoder {
        LegacyOpenAIStreamEncoder(id: id, model: model, created: Self.now())
    }

    /// `{"error":{"message","type","param":null,"code"}}` with the type of the error's status
    /// (``errorType(status:)``). The code repeats the type, as AIClient-2-API does, except for a
    /// 429 that must not be retried, which gets `insufficient_quota` so a client leaves it alone.
    public func encodeError(_ error: ChimeraError) -> Data {
        LegacyWireJSON.encode(Self.errorBody(error))
    }

    /// `{"object":"list","data":[{"id","object":"model","created":0,"owned_by"}]}`; `created` is
    /// 0 because Chimera does not know when a model was made.
    public func encodeModelList(_ models: [ModelInfo]) -> Data {
        LegacyWireJSON.encode(LegacyOpenAIWire.ModelList(
            object: "list",
            data: models.map { LegacyOpenAIWire.Model(id: $0.id, object: "model", created: 0, ownedBy: $0.provider.rawValue) }
        ))
    }

    // MARK: Mapping

    /// The `error.type` OpenAI uses for an HTTP status: 400 `invalid_request_error`,
    /// 401 `authentication_error`, 403 `permission_error`, 404 `not_found_error`,
    /// 429 `rate_limit_error`, 5xx `server_error`, other 4xx `invalid_request_error`.
    public static func errorType(status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 429: "rate_limit_error"
        case 500...599: "server_error"
        default: "invalid_request_error"
        }
    }

    static func errorBody(_ error: ChimeraError) -> LegacyOpenAIWire.ErrorBody {
        let status = error.httpStatus
        let type = errorType(status: status)
        let code = status == 429 && !error.isRetryable ? "insufficient_quota" : type
        return LegacyOpenAIWire.ErrorBody(error: .init(message: error.upstreamMessage ?? error.message, type: type, param: nil, code: code, hint: error.hint))
    }

    static func finishReason(wire: String) -> FinishReason {
        switch wire {
        case "stop": .stop
        case "length": .length
        case "tool_calls", "function_call": .toolCalls
        case "content_filter": .contentFilter
        default: .unknown(wire)
        }
    }

    static func wire(finishReason: FinishReason) -> String {
        switch finishReason {
        case .stop, .stopSequence: "stop"
        case .length: "length"
        case .toolCalls: "tool_calls"
        case .contentFilter: "content_filter"
        case .unknown(let value): value
        }
    }

    static func usage(wire: LegacyOpenAIWire.Usage) -> Usage {
        .wire(input: [wire.promptTokens ?? 0], output: [wire.completionTokens ?? 0], total: wire.totalTokens)
    }

    static func wire(usage: Usage) -> LegacyOpenAIWire.Usage {
        LegacyOpenAIWire.Usage(promptTokens: usage.inputTokens, completionTokens: usage.outputTokens, totalTokens: usage.totalTokens)
    }

    private static func role(wire: String) -> ChatMessage.Role {
        // `developer` is OpenAI's newer name for the system role.
        wire == "developer" ? .system : ChatMessage.Role(rawValue: wire)
    }

    private static func now() -> Int {
        Int(Date().timeIntervalSince1970)
    }
}
