public import ChimeraCore
public import Hummingbird
import HTTPTypes

/// Without a key, refuses what a web page, or a DNS rebinding, can make a browser send to a
/// server on loopback: a foreign `Host`, a foreign `Origin`, and POST bodies in the types an
/// HTML form or a "simple" `fetch` may send without asking (`text/plain`, form encodings, none).
///
/// A keyless server trusts everything that reaches it, so the only thing standing between any
/// web page the user opens and the user's provider keys is the browser's same-origin policy,
/// which lets those requests through. With a key configured, the key decides and this guard
/// stands aside: browsers never attach it on their own.
///
/// | request | answer |
/// |---|---|
/// | `Host` other than `127.x.x.x`, `localhost` or `[::1]` (port allowed) | 403 |
/// | `Origin` whose host is not one of those (`null` included) | 403 |
/// | POST without a JSON, protobuf or Connect `Content-Type` | 415 naming the accepted types |
public struct CrossSiteRequestGuard<Context: RequestContext>: RouterMiddleware {
    /// The content types a keyless server accepts on POST.
    public static var acceptedContentTypes: [String] {
        ["application/json", "application/proto", "application/protobuf", "application/x-protobuf", "application/connect+proto", "application/connect+json"]
    }

    private let isActive: Bool
    private let render: (@Sendable (ChimeraError) -> Response)?

    /// Creates the guard.
    ///
    /// - Parameters:
    ///   - keyConfigured: Whether the server requires a key; then the guard lets everything through.
    ///   - render: How a refusal is answered; `nil` throws it as a ``ChimeraError`` for an
    ///     error-rendering middleware further out to answer.
    public init(keyConfigured: Bool, render: (@Sendable (ChimeraError) -> Response)? = nil) {
        self.isActive = !keyConfigured
        self.render = render
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard isActive, let refusal = Self.refusal(for: request) else {
            return try await next(request, context)
        }
        context.logger.notice("refused a request a web page could have sent", metadata: ["status": "\(refusal.status ?? 0)"])
        guard let render else { throw refusal }
        return render(refusal)
    }

    /// A refusal as the support's own JSON error body (see `ServerErrorBody`), for routers
    /// that do not render ``ChimeraError``s themselves.
    public static func jsonResponse(_ error: ChimeraError) -> Response {
        let status = error.status ?? 400
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let type = status == 415 ? "unsupported_media_type" : "forbidden"
        let message = [error.message, error.hint].compactMap { $0 }.joined(separator: "; ")
        return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ServerErrorBody.json(type: type, status: status, message: message)))
    }

    /// Why a keyless server must not answer `request`, or `nil` when it may.
    static func refusal(for request: Request) -> ChimeraError? {
        if let authority = request.head.authority, !LoopbackAddress.isLoopbackAuthority(authority) {
            return ChimeraError(
                kind: .invalidRequest,
                message: "this server has no key, so it answers only requests addressed to this machine (Host 127.0.0.1, localhost or [::1]), not Host \(Self.quoted(authority)); a web page using a DNS rebinding sends such requests",
                status: 403,
                hint: "address the server as http://127.0.0.1:<port>, or configure a key"
            )
        }
        if let origin = request.headers[.origin], !Self.isLocal(origin: origin) {
            return ChimeraError(
                kind: .invalidRequest,
                message: "this server has no key, so it refuses requests a web page of another site sends (Origin \(Self.quoted(origin)))",
                status: 403,
                hint: "call it from a program rather than a browser page, or configure a key"
            )
        }
        if request.method == .post {
            let contentType = request.headers[.contentType]
            // Nearly every request: no need to take the value apart.
            if contentType == "application/json" { return nil }
            let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard let mediaType, acceptedContentTypes.contains(mediaType) else {
                return ChimeraError(
                    kind: .invalidRequest,
                    message: "this server has no key, so it accepts POST bodies only as \(acceptedContentTypes.joined(separator: ", ")), not \(contentType.map(Self.quoted) ?? "a body without Content-Type")",
                    status: 415,
                    hint: "send Content-Type: application/json with a JSON body"
                )
            }
        }
        return nil
    }

    /// Whether an `Origin` (`scheme://host[:port]`) is a page served from this machine.
    private static func isLocal(origin: String) -> Bool {
        guard let schemeEnd = origin.range(of: "://") else { return false }  // `null` and the like: no site to trust.
        return LoopbackAddress.isLoopbackAuthority(String(origin[schemeEnd.upperBound...]))
    }

    /// A header value as it may be quoted back: bounded, on one line.
    private static func quoted(_ value: String) -> String {
        String(value.prefix(100).map { $0.isNewline ? " " : $0 })
    }
}
