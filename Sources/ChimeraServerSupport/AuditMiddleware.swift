public import ChimeraAudit
import ChimeraCore
import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore

/// Writes one ``AuditRecord`` per request to an ``AuditLog``, when the response's last byte has
/// been written (for a stream, when it ends).
///
/// It sees what any server knows — time, client address (when the context conforms to
/// `RemoteAddressRequestContext`), request id, the presented key's fingerprint, method, route,
/// status, bytes in and out, latency to the last byte — and binds ``AuditNotes/current`` for
/// the handler to add what only the handler knows (provider, model, tokens, error kind).
public struct AuditMiddleware<Context: RequestContext>: RouterMiddleware {
    let log: AuditLog
    let inboundProtocol: @Sendable (Request) -> String

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - log: Where records go.
    ///   - inboundProtocol: The protocol a request speaks, for the record's `protocol` field.
    public init(log: AuditLog, inboundProtocol: @escaping @Sendable (Request) -> String) {
        self.log = log
        self.inboundProtocol = inboundProtocol
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let notes = AuditNotes(includeContent: log.configuration.includeContent)
        var record = AuditRecord()
        if let address = (context as? any RemoteAddressRequestContext)?.remoteAddress, let ip = address.ipAddress {
            record.client = address.port.map { OutboundAuthority.format(ip, $0) } ?? ip
        }
        record.requestID = (context as? any RequestIDRequestContext)?.requestID ?? InboundRequestID.resolve(offered: request.headers[.init("x-request-id")!])
        record.keyID = PresentedCredential.all(in: request).first.map(AuditKeyID.fingerprint(of:))
        record.inboundProtocol = inboundProtocol(request)
        record.method = request.method.rawValue
        record.route = request.uri.path
        record.bytesIn = request.headers[.contentLength].flatMap { Int($0) }
        let log = self.log
        let base = record
        @Sendable func finish(status: Int, bytesOut: Int?, clientGone: Bool, contentType: String?) {
            var final = base
            let noted = notes.fields
            final.time = Date()
            final.status = status
            final.provider = noted.provider
            final.model = noted.model
            final.streamed = noted.streamed ?? Self.isStream(contentType)
            final.tokensIn = noted.tokensIn
            final.tokensOut = noted.tokensOut
            final.tokensCached = noted.tokensCached
            final.errorKind = noted.errorKind ?? (clientGone ? "client_gone" : nil)
            final.content = noted.content
            final.bytesOut = bytesOut
            final.latencyMilliseconds = Int((ContinuousClock.now - started) / .milliseconds(1))
            log.record(final)
        }
        var response: Response
        do {
            response = try await AuditNotes.$current.withValue(notes) { try await next(request, context) }
        } catch {
            finish(status: Int((error as? any HTTPResponseError)?.status.code ?? 500), bytesOut: nil, clientGone: false, contentType: nil)
            throw error
        }
        let original = response.body
        let status = Int(response.status.code)
        let contentType = response.headers[.contentType]
        response.body = ResponseBody(contentLength: original.contentLength) { writer in
            let counter = ByteCounter()
            do {
                try await AuditNotes.$current.withValue(notes) {
                    try await original.write(CountingWriter(inner: writer, counter: counter))
                }
            } catch {
                finish(status: status, bytesOut: counter.bytes, clientGone: true, contentType: contentType)
                throw error
            }
            finish(status: status, bytesOut: counter.bytes, clientGone: false, contentType: contentType)
        }
        return response
    }

    static func isStream(_ contentType: String?) -> Bool {
        guard let contentType = contentType?.lowercased() else { return false }
        return contentType.hasPrefix("text/event-stream") || contentType.hasPrefix("application/connect+")
    }
}

/// `ip:port`, with an IPv6 address in brackets.
enum OutboundAuthority {
    static func format(_ address: String, _ port: Int) -> String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}

/// Counts the bytes of a response body as they are written.
private final class ByteCounter: @unchecked Sendable {
    // Only the task writing the body touches it, one write after another.
    var bytes = 0
}

/// A body writer that counts what passes through it.
private struct CountingWriter: ResponseBodyWriter {
    var inner: any ResponseBodyWriter
    let counter: ByteCounter

    mutating func write(_ buffer: ByteBuffer) async throws {
        counter.bytes += buffer.readableBytes
        try await inner.write(buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await inner.finish(trailingHeaders)
    }
}
