import HTTPTypes
import Hummingbird
import Logging

/// Tags every response with its request id (`x-request-id`, see ``APIRequestContext/requestID``),
/// counts it, and logs one line per request.
///
/// It is the outermost middleware: errors are already responses when they reach it.
struct RequestTrackingMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    /// The header that carries the request id.
    static var header: HTTPField.Name { HTTPField.Name("x-request-id")! }

    let metrics: APIMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[Self.header] = context.requestID
        let status = Int(response.status.code)
        metrics.recordResponse(endpoint: context.endpointPath ?? "NotFound", method: request.method.rawValue, status: status)
        let elapsed = ContinuousClock.now - started
        context.logger.info("request", metadata: [
            "method": "\(request.method.rawValue)",
            "path": "\(request.uri.path)",
            "status": "\(status)",
            // For a stream this is the time to its head; the body follows.
            "latency_ms": "\(Int((elapsed.seconds * 1000).rounded()))",
        ])
        return response
    }
}
