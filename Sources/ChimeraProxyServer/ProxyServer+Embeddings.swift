import Chimera
import ChimeraAudit
import ChimeraRelay
import ChimeraWire
import Foundation
import Hummingbird

extension ProxyServer {
    /// `POST /v1/embeddings` (OpenAI's shape) and Gemini's `:embedContent` /
    /// `:batchEmbedContents` under `/v1beta` and `/v1`, behind the key, each answering — and
    /// refusing a provider without embeddings — in its caller's shape.
    ///
    /// The upstream is chosen as for chat: the path prefix, the `Model-Provider` header, the
    /// default provider, else the provider whose protocol the caller speaks.
    func addEmbeddingRoutes(to root: RouterGroup<ProxyRequestContext>) {
        for route in EmbeddingRoute.jsonRoutes {
            let group = root.group().add(middleware: ProxyKeyMiddleware<ProxyRequestContext>(key: options.apiKey, caller: route.caller.errors))
            group.post(RouterPath(route.path)) { request, context in
                await embed(request, context: context, route: route)
            }
        }
    }

    /// Answers one embeddings request of a JSON route.
    private func embed(_ request: Request, context: ProxyRequestContext, route: EmbeddingRoute) async -> Response {
        let provider: ProviderID
        let body: [UInt8]
        do throws(ChimeraError) {
            provider = try selectProvider(prefix: context.parameters.get("prefix"), request: request, family: route.family)
            body = try await readBody(request)
        } catch {
            return Relay.errorResponse(error, caller: route.caller.errors, streaming: false)
        }
        let model = context.parameters.get("model").map { $0.removingPercentEncoding ?? $0 }
        let inbound = InboundEmbedding(provider: provider, body: body, model: model)
        return await relay.embed(inbound, caller: route.caller, context: CallContext(request, requestID: context.requestID))
    }
}
