import ChimeraCore
import ChimeraRelay
import ChimeraServerSupport
import ChimeraWire
import Hummingbird

/// Requires the proxy's one key, in any of the ways AIClient-2-API accepts it
/// (``PresentedCredential``), and refuses a request without it in the route's own protocol.
struct ProxyKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The key; `nil` lets every request in (the proxy then binds loopback only).
    let key: Secret?
    /// Whose shape the refusal takes.
    let caller: any CallerBinding

    /// The message AIClient-2-API answers with, kept so clients that match on it keep working.
    static var refusal: String { "Unauthorized: API key is invalid or missing." }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key else { return try await next(request, context) }
        guard PresentedCredential.all(in: request).contains(where: key.matches) else {
            let error = ChimeraError(kind: .authentication, message: Self.refusal, status: 401)
            return Relay.errorResponse(error, caller: caller, streaming: false)
        }
        return try await next(request, context)
    }
}
