import ChimeraCore
import Hummingbird
import Logging

/// Turns every error a route or an inner middleware throws into a response, so a client always
/// gets a body that says what went wrong and the server never answers with an empty 500.
///
/// Chimera errors keep their status and details; Hummingbird's own (no such route, body too
/// large) get a message that says what is served or accepted; anything else is a 500 whose
/// cause is logged.
struct ErrorRenderingMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    /// The routes, for the answer to an unknown path.
    static var routes: String {
        "GET /health, GET /health/proxy, POST /api/v1/generate, GET /api/v1/providers, GET /v1/models, POST /v1/chat/completions, POST /v1/responses, GET /metrics"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let chimeraError = Self.chimeraError(for: error, request: request, logger: context.logger)
            return APIErrorBody.response(for: chimeraError, path: request.uri.path, requestID: context.requestID)
        }
    }

    private static func chimeraError(for error: any Error, request: Request, logger: Logger) -> ChimeraError {
        switch error {
        case let error as ChimeraError:
            return error
        case let error as any HTTPResponseError where error.status == .notFound:
            return ChimeraError(
                kind: .invalidRequest,
                message: "no route for \(request.method.rawValue) \(Redaction.redact(String(request.uri.path.prefix(200))))",
                status: 404,
                hint: "the server serves \(routes)"
            )
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return ChimeraError(kind: .invalidRequest, message: "the request body is too large", status: 413)
        case let error as any HTTPResponseError:
            let code = Int(error.status.code)
            return ChimeraError(kind: code == 401 ? .authentication : .invalidRequest, message: error.status.reasonPhrase, status: code)
        case is CancellationError:
            return .cancelled()
        default:
            logger.error("unexpected error", metadata: ["error": "\(Redaction.redact(String(describing: error)))"])
            return ChimeraError(kind: .upstream, message: "the server failed to answer", status: 500)
        }
    }
}
