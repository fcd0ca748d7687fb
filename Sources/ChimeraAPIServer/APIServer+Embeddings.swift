import ChimeraCore
import ChimeraRelay
import ChimeraWire
import Foundation
import Hummingbird

extension APIServer {
    /// The embeddings routes: OpenAI's `POST /v1/embeddings`, and Gemini's `:embedContent` and
    /// `:batchEmbedContents` under `/v1beta` and `/v1`, so the openai and google-genai SDKs can
    /// embed through Chimera with their base URL set to the server.
    func addEmbeddingRoutes(to router: Router<APIRequestContext>) {
        router.post("v1/embeddings") { request, context in try await openAIEmbeddings(request, context: context) }
        for route in EmbeddingRoute.jsonRoutes where route.family == .geminiGenerateContent {
            router.post(RouterPath(route.path)) { request, context in try await geminiEmbeddings(request, context: context, caller: route.caller) }
        }
    }

    /// `POST /v1/embeddings`. The model names the provider, as for chat:
    /// `"model": "gemini/gemini-embedding-001"`. `encoding_format` (`float`, `base64`) shapes the
    /// answer whatever the provider sent; providers without embeddings are refused with a 400
    /// that names those that have them.
    private func openAIEmbeddings(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await request.wholeBody(upTo: options.maxBodyBytes)
        let inbound = InboundEmbedding(provider: nil, body: Array(buffer: body), retarget: Self.providerAndModel(named:))
        return await relay.embed(inbound, caller: OpenAIEmbeddingCodec(provider: .openai), context: CallContext(request, requestID: context.requestID))
    }

    /// Gemini's routes, always to Gemini: the model is the URL's, where a `<provider>/` prefix
    /// has no place.
    private func geminiEmbeddings(_ request: Request, context: APIRequestContext, caller: any EmbeddingCallerBinding) async throws -> Response {
        let body = try await request.wholeBody(upTo: options.maxBodyBytes)
        let model = context.parameters.get("model").map { $0.removingPercentEncoding ?? $0 }
        let inbound = InboundEmbedding(provider: .gemini, body: Array(buffer: body), model: model)
        return await relay.embed(inbound, caller: caller, context: CallContext(request, requestID: context.requestID))
    }
}
