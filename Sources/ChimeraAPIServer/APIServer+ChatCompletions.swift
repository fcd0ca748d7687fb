import ChimeraCore
import ChimeraWire
import Foundation
import Hummingbird

extension APIServer {
    /// `POST /v1/chat/completions`: OpenAI's Chat Completions, so any OpenAI SDK can use Chimera
    /// with `base_url` set to `<server>/v1`.
    ///
    /// The model names the provider: `"model": "anthropic/claude-sonnet-4-5"`. The body is read
    /// and answered by ChimeraWire's ``LegacyOpenAICodec`` (`max_tokens` or
    /// `max_completion_tokens`, `stop` as a string or an array, text content parts); errors use
    /// OpenAI's error shape. A stream ends with `data: [DONE]` and carries the usage chunk
    /// (`"choices": []`) only when `stream_options.include_usage` asked for it, as OpenAI does:
    /// clients that read `choices[0]` of every chunk would trip over it otherwise.
    func chatCompletions(_ request: Request, context: APIRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        let body = try await readBody(request)
        let (chatRequest, includeUsage) = try Self.decodeChatCompletion(body)
        let codec = LegacyOpenAICodec(provider: chatRequest.provider)
        if chatRequest.stream {
            return try await chatCompletionStream(chatRequest, codec: codec, includeUsage: includeUsage, started: started)
        }
        let response: ChatResponse
        do {
            response = try await service.complete(chatRequest)
        } catch {
            throw recordFailure(error, of: chatRequest, started: started)
        }
        metrics.recordRequest(provider: chatRequest.provider, route: response.route, error: nil, duration: .now - started)
        var answer = Response.json(data: codec.encodeResponse(response), status: .ok)
        answer.headers.describeRoute(response.route, response.wireProtocol)
        return answer
    }

    private func chatCompletionStream(
        _ chatRequest: ChatRequest, codec: LegacyOpenAICodec, includeUsage: Bool, started: ContinuousClock.Instant
    ) async throws -> Response {
        let stream: ChatStream
        do {
            stream = try await service.stream(chatRequest)
        } catch {
            throw recordFailure(error, of: chatRequest, started: started)
        }
        let metrics = self.metrics
        var response = Response.eventStream { writer in
            var encoder = codec.makeStreamEncoder(id: "chatcmpl-\(UUID().uuidString.lowercased())", model: chatRequest.model)
            var failure: ChimeraError?
            do {
                for event in encoder.start() { try await writer.write(event: event) }
                for try await event in stream {
                    if case .usage = event, !includeUsage { continue }
                    for encoded in encoder.encode(event) { try await writer.write(event: encoded) }
                }
                for event in encoder.finish() { try await writer.write(event: event) }
            } catch let error as ChimeraError where error.kind != .cancelled {
                failure = error
                try await writer.write(event: encoder.encodeError(error))
            } catch {
                metrics.recordRequest(provider: chatRequest.provider, route: stream.route, error: .cancelled(), duration: .now - started)
                throw error
            }
            try await writer.finish(nil)
            metrics.recordRequest(provider: chatRequest.provider, route: stream.route, error: failure, duration: .now - started)
        }
        response.headers.describeRoute(stream.route, stream.wireProtocol)
        return response
    }

    /// Reads a chat completion body whose model is written `<provider>/<model>`.
    ///
    /// - Returns: The request for that provider and model, and whether the client asked for the
    ///   usage chunk of a stream.
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field.
    static func decodeChatCompletion(_ body: Data) throws(ChimeraError) -> (ChatRequest, includeUsage: Bool) {
        // The provider is written in the model, which only the decoded body tells: decode for
        // OpenAI first (the codec reads every OpenAI-compatible dialect alike), then re-address.
        var request = try LegacyOpenAICodec(provider: .openai).decodeRequest(body, provider: .openai, model: nil, stream: nil)
        let providers = ProviderID.allCases.map(\.rawValue).joined(separator: ", ")
        guard let slash = request.model.firstIndex(of: "/") else {
            throw ChimeraError.invalidRequest(
                "model: \"\(request.model.prefix(64))\" names no provider; write it as <provider>/<model>, e.g. openai/gpt-4.1; providers: \(providers)"
            )
        }
        let name = request.model[..<slash]
        guard let provider = ProviderID(rawValue: name.lowercased()) else {
            throw ChimeraError.invalidRequest("model: \"\(name.prefix(64))\" is not a provider; write the model as <provider>/<model>; providers: \(providers)")
        }
        request.provider = provider
        request.model = String(request.model[request.model.index(after: slash)...])
        try request.validate()
        try GenerateRequest.checkCapabilities(of: request)
        let options: StreamOptionsField
        do {
            options = try JSONDecoder().decode(StreamOptionsField.self, from: body)
        } catch {
            throw ChimeraError.invalidRequest("stream_options: expected an object such as {\"include_usage\": true}")
        }
        return (request, options.streamOptions?.includeUsage ?? false)
    }

    /// The one field of a chat completion body the codec does not carry into the domain request.
    private struct StreamOptionsField: Decodable {
        struct StreamOptions: Decodable {
            var includeUsage: Bool?
            enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
        }

        var streamOptions: StreamOptions?
        enum CodingKeys: String, CodingKey { case streamOptions = "stream_options" }
    }
}
