import Foundation
import HTTPTypes
public import Hummingbird

/// `GET /status` and `GET /status.json` of one server: the page and its JSON, from a
/// ``StatusRecorder`` and the server's ``StatusInfo``.
public struct StatusEndpoint: Sendable {
    /// Where requests and health are recorded.
    public let recorder: StatusRecorder
    /// What does not change while the server runs.
    public let info: StatusInfo
    /// Brings the recorder up to date before a snapshot (serve's ``ProxyHealthSampler``).
    private let refresh: @Sendable () -> Void

    /// Creates the endpoint.
    ///
    /// - Parameters:
    ///   - recorder: Where requests and health are recorded.
    ///   - info: The server, its egress manifest and configuration.
    ///   - refresh: Run before each snapshot, so the page shows the health of this moment.
    public init(recorder: StatusRecorder, info: StatusInfo, refresh: @escaping @Sendable () -> Void = {}) {
        self.recorder = recorder
        self.info = info
        self.refresh = refresh
    }

    /// The snapshot of now.
    public func snapshot() -> StatusSnapshot {
        refresh()
        return StatusSnapshot(recorder: recorder, info: info)
    }

    /// The page.
    public func page() -> Response {
        response(contentType: "text/html; charset=utf-8", ByteBuffer(string: StatusPage.render(snapshot())))
    }

    /// The JSON.
    ///
    /// - Throws: The encoder's error, for a value JSON cannot express.
    public func json() throws -> Response {
        response(contentType: "application/json", ByteBuffer(bytes: try snapshot().jsonBody()))
    }

    /// The page's own script and styles only; nothing framed, nothing sent elsewhere, and no
    /// `Referer` that could carry a `?key=`.
    private func response(contentType: String, _ body: ByteBuffer) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("content-security-policy")!] = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        headers[HTTPField.Name("referrer-policy")!] = "no-referrer"
        headers[HTTPField.Name("x-content-type-options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}

extension RouterMethods {
    /// Registers `GET /status` and `GET /status.json`.
    @discardableResult
    public func addStatusRoutes(_ endpoint: StatusEndpoint) -> Self {
        get("status") { _, _ in endpoint.page() }
        get("status.json") { _, _ in try endpoint.json() }
        return self
    }
}
