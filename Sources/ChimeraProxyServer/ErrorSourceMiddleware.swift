import ChimeraCore
import HTTPTypes
import Hummingbird

/// Marks the error answers built without a ``ChimeraError`` — the cross-site refusal, the 404
/// of a path that implies no protocol — with `chimera-error-source: proxy`, so that every error
/// answer of the proxy says whose it is. Answers built by `Relay.errorResponse` already say so.
struct ErrorSourceMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let name = HTTPField.Name(ChimeraError.Source.headerName)!
        if response.status.code >= 400, response.headers[name] == nil {
            response.headers[name] = ChimeraError.Source.proxy.rawValue
        }
        return response
    }
}
