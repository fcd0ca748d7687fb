import AsyncHTTPClient
import ChimeraCore
import ChimeraWire

extension HTTPProvider {
    /// Embeds with the provider's embeddings API (``EmbeddingCodecs``) on the same endpoint as its
    /// chat: `<base>/embeddings` for OpenAI-compatible providers, Gemini's `:embedContent` /
    /// `:batchEmbedContents`; through a proxy, the same paths on the provider's proxy route.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` before anything is sent for a provider
    ///   without embeddings or a request out of range (see ``EmbeddingRequest/validate()``).
    public func embed(_ request: EmbeddingRequest, context: CallContext) async throws(ChimeraError) -> EmbeddingResponse {
        let dropped = try request.validate()
        let endpoint = try usableEndpoint()
        let codec = EmbeddingCodecs.codec(for: request)
        let httpRequest = UpstreamRequest.make(
            url: codec.url(base: endpoint.baseURL, for: request), method: .POST,
            headers: endpoint.headers + context.upstreamHeaders, body: codec.encodeRequest(request)
        )
        let logger = context.logger(from: self.logger)
        return try await attempts.run(model: request.model, logger: logger) { () throws(ChimeraError) in
            let reply = try await transport.send(httpRequest, timeout: timeouts.request.bounded(by: context.deadline), logger: logger, classify: classify)
            guard (200..<300).contains(reply.status) else {
                throw answeredError(status: reply.status, headers: reply.headers, body: Array(reply.body))
            }
            var response = try codec.decodeResponse(Array(reply.body), for: request)
            response.route = route
            response.wireProtocol = .json
            response.droppedFields = Self.dropped(dropped, andListedIn: reply.headers)
            return response
        }
    }
}
