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
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
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
        return randomUUID()
    }

    /// A new version 4 UUID, lowercased, from the standard library's generator: Foundation's
    /// `UUID()` opens, reads and closes `/dev/urandom` for each one on Linux.
    static func randomUUID() -> String {
        var generator = SystemRandomNumberGenerator()
        var halves = (generator.next() as UInt64, generator.next() as UInt64)
        // The version (4, byte 6's high nibble) and the RFC 9562 variant (byte 8's top two
        // bits), the bytes being in memory order, little-endian.
        halves.0 = halves.0 & ~(0xF0 << 48) | 0x40 << 48
        halves.1 = halves.1 & ~0xC0 | 0x80
        return withUnsafeBytes(of: halves) { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }.uuidString.lowercased()
    }
}
