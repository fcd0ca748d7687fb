import Foundation
import Hummingbird

/// Keeps every request that reaches the simulator in the ``RequestLog``, before any route
/// looks at it, so that refused and failed requests are recorded too.
///
/// Requests to `/_simulator/…` are not recorded: they are the test asking, not a client speaking.
struct RequestRecorder: RouterMiddleware {
    typealias Context = SimulatorRequestContext

    let log: RequestLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !request.uri.path.hasPrefix("/_simulator/") else { return try await next(request, context) }
        var request = request
        // Collected once here; the routes read the same buffer again without copying.
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let bytes = body.readableBytesView
        let kept = bytes.prefix(RecordedRequest.maximumBodyBytes)
        let headers = request.headers.map { field -> [String] in
            let name = field.name.canonicalName
            let value = RecordedRequest.credentialHeaders.contains(name) ? RecordedRequest.redactedCredential(field.value) : field.value
            return [name, value]
        }
        log.append(
            RecordedRequest(
                method: request.method.rawValue,
                path: request.uri.path,
                query: RecordedRequest.redactedQuery(request.uri.query ?? ""),
                headers: headers,
                body: String(decoding: kept, as: UTF8.self),
                bodyTruncated: kept.count < bytes.count ? true : nil
            )
        )
        return try await next(request, context)
    }
}
