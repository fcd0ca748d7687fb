public import Hummingbird
import Logging

/// Logs one line per request at `info` — method, path, status and the time to the last byte
/// (for a stream, when it ends) — with the request's logger, so its id is in the metadata.
public struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let logger = context.logger
        // Below the log level there is nothing to write, so the body need not be watched.
        guard logger.logLevel <= .info else { return try await next(request, context) }
        let method = request.method.rawValue
        let path = request.uri.path
        var response = try await next(request, context)
        let status = Int(response.status.code)
        let original = response.body
        response.body = ResponseBody(contentLength: original.contentLength) { writer in
            do {
                try await original.write(writer)
            } catch {
                Self.log(logger, method: method, path: path, status: status, started: started, outcome: "client went away")
                throw error
            }
            Self.log(logger, method: method, path: path, status: status, started: started, outcome: nil)
        }
        return response
    }

    private static func log(_ logger: Logger, method: String, path: String, status: Int, started: ContinuousClock.Instant, outcome: String?) {
        var metadata: Logger.Metadata = [
            "method": "\(method)", "path": "\(path)", "status": "\(status)",
            "latency_ms": "\((ContinuousClock.now - started) / .milliseconds(1))",
        ]
        if let outcome { metadata["outcome"] = "\(outcome)" }
        logger.info("request", metadata: metadata)
    }
}
