public import HTTPTypes
public import Hummingbird
import Foundation

/// A request context that carries the request's id.
public protocol RequestIDRequestContext: RequestContext {
    /// The request's id: the caller's `x-request-id` when it is a sane token, else a new one.
    var requestID: String { get set }
}

/// Gives every request an id — the caller's `x-request-id` when it is a sane token (1–128
/// letters, digits, `-`, `_`, `.` or `:`), else a new one — puts it in the request's logger
/// metadata (`request_id`) and sends it back as `x-request-id`.
///
/// It is the outermost middleware, so every response carries the id, errors included; the relay
/// sends the same id upstream, so one id names the request in every log along its way.
public struct RequestIDMiddleware<Context: RequestIDRequestContext>: RouterMiddleware {
    /// The header that carries the request id.
    public static var header: HTTPField.Name { HTTPField.Name("x-request-id")! }

    /// Creates the middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = InboundRequestID.resolve(offered: request.headers[Self.header])
        context.logger[metadataKey: "request_id"] = "\(context.requestID)"
        var response = try await next(request, context)
        response.headers[Self.header] = context.requestID
        return response
    }
}

/// The id a request goes by.
public enum InboundRequestID {
    /// The offered id when it is a sane token, else a new one.
    public static func resolve(offered: String?) -> String {
        if let offered, (1...128).contains(offered.utf8.count),
           offered.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.:".unicodeScalars.contains($0)) }) {
            return offered
        }
        return UUID().uuidString.lowercased()
    }
}
