import ChimeraCore
import Foundation

/// Gemini generateContent and streamGenerateContent (`?alt=sse`).
///
/// The model and the stream flag travel in the URL, so the body holds only the conversation
/// (`contents`, roles `user` and `model`), the `systemInstruction` and a `generationConfig`.
/// Answer text is the concatenation of the first candidate's parts, skipping `thought` parts.
/// Finish reasons map `STOP`→``FinishReason/stop``, `MAX_TOKENS`→``FinishReason/length``, the
/// filter reasons (`SAFETY`, `RECITATION`, `BLOCKLIST`, `PROHIBITED_CONTENT`, `SPII`,
/// `IMAGE_SAFETY`, `IMAGE_PROHIBITED_CONTENT`, `IMAGE_RECITATION`)→``FinishReason/contentFilter``,
/// anything else→``FinishReason/unknown(_:)``; a blocked prompt (no candidates, a
/// `promptFeedback.blockReason`) reads as an empty answer filtered by the provider. Gemini has no
/// tool-call or stop-sequence reason, so writing maps both to `STOP`.
public struct LegacyGeminiCodec: LegacyCodec {
    /// Creates the codec.
    public init() {}

    /// ``ProtocolFamily/geminiGenerateContent``.
    public var family: ProtocolFamily { .geminiGenerateContent }

    // MARK: Client side

    /// `x-goog-api-key: <key>`, or nothing without a key.
    public func authenticationHeaders(apiKey: Secret?) -> [(name: String, value: String)] {
        guard let apiKey else { return [] }
        return [("x-goog-api-key", apiKey.value)]
    }

    /// The request body: `systemInstruction`, `contents` (assistant turns as role `model`) and
    /// `generationConfig`.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` for a message whose role Gemini has
    ///   no place for (anything but system, user and assistant) or a number that cannot be
    ///   written as JSON.
    public func encodeRequest(_ request: ChatRequest) throws(ChimeraError) -> Data {
        var contents: [LegacyGeminiWire.Content] = []
        for (index, message) in request.messages.enumerated() {
            let role: String
            switch message.role {
            case .system: continue
            case .user: role = "user"
            case .assistant: role = "model"
            case .tool, .unknown:
                let value = message.role.rawValue
                throw ChimeraError.invalidRequest(
                    "messages[\(index)].role: \(LegacyWireJSON.quoted(value)) cannot be sent to Gemini; accepted: system, user, assistant",
                    provider: request.provider
                )
            }
            contents.append(.init(role: role, parts: [.init(text: message.text)]))
        }
        let config = LegacyGeminiWire.GenerationConfig(
            temperature: request.temperature,
            topP: request.topP,
            maxOutputTokens: request.maxTokens,
            stopSequences: request.stopSequences.isEmpty ? nil : request.stopSequences
        )
        let hasConfig = config.temperature != nil || config.topP != nil || config.maxOutputTokens != nil || config.stopSequences != nil
        let body = LegacyGeminiWire.Request(
            contents: contents,
            systemInstruction: request.systemPrompt.map { .init(parts: [.init(text: $0)]) },
            generationConfig: hasConfig ? config : nil
        )
        return try LegacyWireJSON.encodeRequest(body, provider: request.provider)
    }

    /// Reads the first candidate's text, its `finishReason`, `usageMetadata`, `responseId` (one
    /// is made when absent) and `modelVersion`.
    ///
    /// - Throws: ``ChimeraError`` of kind `decoding` naming the bad field, or the error a 200
    ///   body carried.
    public func decodeResponse(_ body: Data, provider: ProviderID) throws(ChimeraError) -> ChatResponse {
        let response: LegacyGeminiWire.Response
        do {
            response = try LegacyWireJSON.decode(LegacyGeminiWire.Response.self, from: body)
        } catch {
            throw ChimeraError.malformed("response", detail: error.message, provider: provider, body: body)
        }
        if let error = response.error,
           let failure = UpstreamErrorReader.inBandError(error.jsonValue, raw: body, provider: provider, location: "in a 200 response") {
            throw failure
        }
        return ChatResponse(
            id: response.responseId ?? "gemini-\(UUID().uuidString)",
            provider: provider,
            model: response.modelVersion ?? "",
            text: Self.text(of: response),
            finishReason: Self.finishReason(of: response),
            usage: response.usageMetadata.map(Self.usage(wire:))
        )
    }

    /// A decoder of `data:` events, each a whole `GenerateContentResponse`, ending at the end of
    /// the body.
    public func makeStreamDecoder(provider: ProviderID) -> any StreamDecoder {
        LegacyGeminiStreamDecoder(provider: provider)
    }

    /// Reads `{"error":{code,message,status,details}}` (and the other shapes
    /// ``UpstreamErrorReader`` knows): `API_KEY_INVALID` in an `ErrorInfo` is an authentication
    /// error whatever the status, and a `RetryInfo.retryDelay` is the wait when no header gives one.
    public func decodeError(status: Int, headers: [(name: String, value: String)], body: Data, provider: ProviderID) -> ChimeraError {
        UpstreamErrorReader.httpError(status: status, headers: headers, body: body, provider: provider)
    }

    /// Reads `{"models":[{"name":"models/<id>","displayName",…}]}` (one page), keeping the models
    /// that can generate content (embedding models cannot chat), with `models/` stripped.
    ///
    /// - Throws: ``ChimeraError`` of kind `decoding` naming the bad field.
    public func decodeModelList(_ body: Data, provider: ProviderID) throws(ChimeraError) -> [ModelInfo] {
        let list: LegacyGeminiWire.ModelList
        do {
            list = try LegacyWireJSON.decode(LegacyGeminiWire.ModelList.self, from: body)
        } catch {
            throw ChimeraError.malformed("model list", detail: error.message, provider: provider, body: body)
        }
        return list.models
            .filter { $0.supportedGenerationMethods?.contains("generateContent") ?? true }
            .map { ModelInfo(id: Self.modelID($0.name), provider: provider, displayName: $0.displayName) }
    }

    // MARK: Server side

    /// Reads an inbound generateContent body.
    ///
    /// - Parameters:
    ///   - model: The model from the URL path (`models/` is stripped); required.
    ///   - stream: Whether the URL was `streamGenerateContent`; `nil` means no.
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field, e.g.
    ///   `contents[0].parts[1]: only text parts are supported`.
    public func decodeRequest(_ body: Data, provider: ProviderID, model: String?, stream: Bool?) throws(ChimeraError) -> ChatRequest {
        guard let model = model.map(Self.modelID), !model.isEmpty else {
            throw ChimeraError.invalidRequest("model: required in the URL path (/v1beta/models/{model}:generateContent)", provider: provider)
        }
        let wire: LegacyGeminiWire.Request
        do {
            wire = try LegacyWireJSON.decode(LegacyGeminiWire.Request.self, from: body)
        } catch {
            throw ChimeraError.invalidRequest(error.message, provider: provider)
        }
        guard !wire.contents.isEmpty else {
            throw ChimeraError.invalidRequest("contents: need at least one user or model turn", provider: provider)
        }
        var messages: [ChatMessage] = []
        if let system = wire.systemInstruction {
            messages.append(.system(try Self.inboundText(of: system, path: "systemInstruction", provider: provider)))
        }
        for (index, content) in wire.contents.enumerated() {
            let text = try Self.inboundText(of: content, path: "contents[\(index)]", provider: provider)
            messages.append(ChatMessage(role: Self.role(wire: content.role), content: text))
        }
        let config = wire.generationConfig
        let request = ChatRequest(
            provider: provider,
            model: model,
            messages: messages,
            temperature: config?.temperature,
            topP: config?.topP,
            maxTokens: config?.maxOutputTokens,
            stopSequences: config?.stopSequences ?? [],
            stream: stream ?? false
        )
        return try request.validated()
    }

    /// A `GenerateContentResponse` with one candidate.
    public func encodeResponse(_ response: ChatResponse) -> Data {
        LegacyWireJSON.encode(LegacyGeminiWire.Response(
            candidates: [.init(
                content: .init(role: "model", parts: [.init(text: response.text)]),
                finishReason: response.finishReason.map(Self.wire(finishReason:)),
                index: 0
            )],
            usageMetadata: response.usage.map(Self.wire(usage:)),
            modelVersion: response.model,
            responseId: response.id
        ))
    }

    /// An encoder of `data:` events, each a `GenerateContentResponse`.
    public func makeStreamEncoder(id: String, model: String) -> any LegacyStreamEncoder {
        LegacyGeminiStreamEncoder(id: id, model: model)
    }

    /// `{"error":{"code","message","status","details"}}` with the status name of the error's
    /// HTTP status (``errorStatus(status:)``). An authentication error answered with 400 carries
    /// the `ErrorInfo` reason `API_KEY_INVALID`, and a retry-after becomes a `RetryInfo`, so a
    /// Gemini client reads both as it would from Google.
    public func encodeError(_ error: ChimeraError) -> Data {
        LegacyWireJSON.encode(Self.errorBody(error))
    }

    /// `{"models":[{"name":"models/<id>","displayName","supportedGenerationMethods":[…]}]}`.
    public func encodeModelList(_ models: [ModelInfo]) -> Data {
        LegacyWireJSON.encode(LegacyGeminiWire.ModelList(models: models.map {
            .init(name: "models/\($0.id)", displayName: $0.displayName ?? $0.id, supportedGenerationMethods: ["generateContent", "streamGenerateContent"])
        }))
    }

    // MARK: Mapping

    /// Google's status name for an HTTP status: 400 `INVALID_ARGUMENT`, 401 `UNAUTHENTICATED`,
    /// 403 `PERMISSION_DENIED`, 404 `NOT_FOUND`, 409 `ABORTED`, 429 `RESOURCE_EXHAUSTED`,
    /// 499 `CANCELLED`, 500 `INTERNAL`, 501 `UNIMPLEMENTED`, 503 `UNAVAILABLE`,
    /// 504 `DEADLINE_EXCEEDED`; `INTERNAL` for other 5xx and `UNKNOWN` for the rest.
    public static func errorStatus(status: Int) -> String {
        switch status {
        case 400: "INVALID_ARGUMENT"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 409: "ABORTED"
        case 429: "RESOURCE_EXHAUSTED"
        case 499: "CANCELLED"
        case 501: "UNIMPLEMENTED"
        case 503: "UNAVAILABLE"
        case 504: "DEADLINE_EXCEEDED"
        case 500...599: "INTERNAL"
        default: "UNKNOWN"
        }
    }

    static func errorBody(_ error: ChimeraError) -> LegacyGeminiWire.ErrorBody {
        let status = error.httpStatus
        var details: [LegacyGeminiWire.ErrorDetail] = []
        if error.kind == .authentication, status == 400 {
            details.append(.init(type: "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com"))
        }
        if let retryAfter = error.retryAfter {
            details.append(.init(type: "type.googleapis.com/google.rpc.RetryInfo", retryDelay: retryAfter.formattedSeconds))
        }
        return LegacyGeminiWire.ErrorBody(error: .init(
            code: status,
            message: error.upstreamMessage ?? error.message,
            status: errorStatus(status: status),
            details: details.isEmpty ? nil : details
        ))
    }

    static func finishReason(wire: String) -> FinishReason {
        switch wire {
        case "STOP": .stop
        case "MAX_TOKENS": .length
        case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
             "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION":
            .contentFilter
        default: .unknown(wire)
        }
    }

    static func wire(finishReason: FinishReason) -> String {
        switch finishReason {
        case .stop, .stopSequence, .toolCalls: "STOP"
        case .length: "MAX_TOKENS"
        case .contentFilter: "SAFETY"
        case .unknown(let value): value
        }
    }

    /// The finish reason of a response or chunk: its first candidate's, or a content filter when
    /// the prompt was blocked and there is no candidate.
    static func finishReason(of response: LegacyGeminiWire.Response) -> FinishReason? {
        if let candidate = firstCandidate(of: response) {
            return candidate.finishReason.map(finishReason(wire:))
        }
        return response.promptFeedback?.blockReason == nil ? nil : .contentFilter
    }

    /// The answer text of a response or chunk, thought parts skipped.
    static func text(of response: LegacyGeminiWire.Response) -> String {
        (firstCandidate(of: response)?.content?.parts ?? [])
            .filter { $0.thought != true }
            .compactMap(\.text)
            .joined()
    }

    static func usage(wire: LegacyGeminiWire.UsageMetadata) -> Usage {
        .wire(
            input: [wire.promptTokenCount ?? 0],
            output: [wire.candidatesTokenCount ?? 0, wire.thoughtsTokenCount ?? 0],
            total: wire.totalTokenCount
        )
    }

    static func wire(usage: Usage) -> LegacyGeminiWire.UsageMetadata {
        LegacyGeminiWire.UsageMetadata(promptTokenCount: usage.inputTokens, candidatesTokenCount: usage.outputTokens, totalTokenCount: usage.totalTokens)
    }

    private static func firstCandidate(of response: LegacyGeminiWire.Response) -> LegacyGeminiWire.Candidate? {
        response.candidates?.first { ($0.index ?? 0) == 0 }
    }

    private static func modelID(_ name: String) -> String {
        name.hasPrefix("models/") ? String(name.dropFirst("models/".count)) : name
    }

    private static func role(wire: String?) -> ChatMessage.Role {
        switch wire {
        case nil, "user": .user  // Gemini's default role is user
        case "model": .assistant
        case let other?: .unknown(other)
        }
    }

    /// The text of an inbound turn: its text parts joined, thought parts dropped, any other part
    /// rejected since Chimera carries text only.
    private static func inboundText(of content: LegacyGeminiWire.Content, path: String, provider: ProviderID) throws(ChimeraError) -> String {
        guard let parts = content.parts else {
            throw ChimeraError.invalidRequest("\(path).parts: required", provider: provider)
        }
        var text = ""
        for (index, part) in parts.enumerated() where part.thought != true {
            guard let piece = part.text else {
                throw ChimeraError.invalidRequest("\(path).parts[\(index)]: only text parts are supported", provider: provider)
            }
            text += piece
        }
        return text
    }
}
