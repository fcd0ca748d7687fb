import ChimeraAudit
import ChimeraCore
import ChimeraRelay
import ChimeraWire
import Hummingbird

/// Answers a path the proxy does not serve with a 404 in the protocol the path implies (as
/// AIClient-2-API infers it from the URL), naming the routes that are served.
struct ProxyNotFoundMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError where error.status == .notFound || error.status == .methodNotAllowed {
            let path = request.uri.path
            let failure = ChimeraError(
                kind: .invalidRequest, message: "no route for \(request.method.rawValue) \(Redaction.redact(String(path.prefix(200))))", status: 404,
                hint: "the proxy serves POST /v1/chat/completions, POST /v1/responses, POST /v1/messages, POST /v1/messages/count_tokens, POST /v1beta/models/{model}:generateContent, :streamGenerateContent and :countTokens (also under /v1), POST /v1/embeddings, POST /v1beta/models/{model}:embedContent and :batchEmbedContents (also under /v1), GET /v1/models, GET /v1beta/models, the chimera.proxy.v1.ProxyService calls, GET /health and GET /provider_health, each optionally under /<provider-id>/"
            )
            if let family = ProtocolFamily.implied(byPath: path) {
                return Relay.errorResponse(failure, caller: ProtocolBindings.binding(for: family), streaming: false)
            }
            // AIClient-2-API's generic shape, for paths that imply no protocol.
            AuditNotes.current?.note(failure)
            return jsonResponse(.notFound, ["error": ["message": failure.description, "code": 404]])
        }
    }
}

extension ProtocolFamily {
    /// The family a path implies for error bodies, even when it names no known route.
    static func implied(byPath path: String) -> ProtocolFamily? {
        if path.contains("/v1/messages") { return .anthropicMessages }
        if path.contains("/v1/responses") { return .openAIResponses }
        if path.contains("/v1/chat/completions") || path.contains("/v1/embeddings") || path.hasSuffix("/v1/models") { return .openAIChat }
        if path.contains("/v1beta/models") || path.contains("/v1/models/") { return .geminiGenerateContent }
        return nil
    }
}
