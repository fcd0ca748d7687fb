import ChimeraCore
import Foundation
import ChimeraServerSupport
import Hummingbird

/// Requires `Authorization: Bearer <key>` when the server has a key (`CHIMERA_API_KEY`).
///
/// The paths in `openPaths` stay open (`/health`, so load balancers and orchestrators can probe
/// liveness without the key). The key is compared in constant time and never echoed.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: Secret?
    let openPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key, !openPaths.contains(RoutePath.normalized(request.uri.path)) else {
            return try await next(request, context)
        }
        guard let offered = Self.bearerToken(in: request), key.matches(offered) else {
            throw ChimeraError(
                kind: .authentication,
                message: "missing or wrong API key",
                status: 401,
                hint: "send the server's key (CHIMERA_API_KEY) as Authorization: Bearer <key>"
            )
        }
        return try await next(request, context)
    }

    private static func bearerToken(in request: Request) -> String? {
        guard let authorization = request.headers[.authorization] else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }
}
