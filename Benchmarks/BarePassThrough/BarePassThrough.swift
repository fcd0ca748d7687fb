import AsyncHTTPClient
import ChimeraServerSupport
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The floor a proxy is measured against: Hummingbird in, AsyncHTTPClient out, nothing decoded.
///
/// `POST /v1/chat/completions` is sent on to the upstream with the caller's body, content type
/// and authorization as they came, and the upstream's status, content type and body come back
/// as they arrive. No validation, no events, no usage, no limits: what is left of `chimera
/// proxy`'s same-family pass-through when everything that makes it a gateway is taken out.
/// `chimera bench --pass-through` runs it beside `chimera proxy`.
public struct BarePassThrough: Sendable {
    /// Where requests go: a base URL whose `/v1/chat/completions` answers them.
    public let upstream: URL
    private let client: HTTPClient

    /// Creates the pass-through with its own connection pool of `poolSize` per upstream host.
    public init(upstream: URL, poolSize: Int) {
        self.upstream = upstream
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = poolSize
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Starts it on a free loopback port.
    public func start() async throws -> RunningServer {
        let router = Router()
        let client = self.client
        let target = upstream.appending(path: "v1/chat/completions").absoluteString
        router.post("v1/chat/completions") { request, _ in
            var outbound = HTTPClientRequest(url: target)
            outbound.method = .POST
            for name in [HTTPField.Name.contentType, .authorization] {
                if let value = request.headers[name] { outbound.headers.add(name: name.rawName, value: value) }
            }
            outbound.body = .bytes(try await request.body.collect(upTo: 16 << 20))
            let answer = try await client.execute(outbound, timeout: .seconds(300))
            var headers = HTTPFields()
            if let contentType = answer.headers.first(name: "content-type") { headers[.contentType] = contentType }
            return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: ResponseBody(asyncSequence: answer.body))
        }
        return try await RunningServer.start(router: router)
    }

    /// Closes its connection pool; call after the server stopped.
    public func shutdown() async throws {
        try await client.shutdown()
    }
}
