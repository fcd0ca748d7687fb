public import HTTPTypes
public import Hummingbird

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
        if let offered, (1...128).contains(offered.utf8.count), offered.utf8.allSatisfy(isTokenByte) {
            return offered
        }
        return randomUUID()
    }

    /// An ASCII letter or digit, `-`, `_`, `.` or `:`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"):
            true
        default:
            false
        }
    }

    /// A new version 4 UUID in its lowercase text form, from the standard library's generator
    /// and written straight from its bytes: Foundation's `UUID()` opens, reads and closes
    /// `/dev/urandom` for each one on Linux, and its text is uppercase, lowercased again.
    static func randomUUID() -> String {
        var generator = SystemRandomNumberGenerator()
        var halves = (generator.next() as UInt64, generator.next() as UInt64)
        // The version (4, byte 6's high nibble) and the RFC 9562 variant (byte 8's top two
        // bits), the bytes being in memory order, little-endian.
        halves.0 = halves.0 & ~(0xF0 << 48) | 0x40 << 48
        halves.1 = halves.1 & ~0xC0 | 0x80
        return withUnsafeBytes(of: halves) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var written = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[written] = UInt8(ascii: "-")
                        written += 1
                    }
                    text[written] = hexDigits[Int(byte >> 4)]
                    text[written + 1] = hexDigits[Int(byte & 0x0F)]
                    written += 2
                }
                return written
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
