import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// An HTTP `CONNECT` proxy on loopback, the stand-in for a site's egress proxy.
///
/// It is the only thing that knows the made-up provider host names (`api.openai.test`): it
/// resolves them from ``routes`` to loopback ports, so a call that reaches such a host proved
/// it went through the proxy. Other loopback addresses it tunnels to as written. It records
/// every `CONNECT` target it was asked for, and with ``credentials`` set answers 407 to a
/// request without them.
public final class TestConnectProxy: Sendable {
    /// The port the proxy listens on.
    public let port: Int
    private let channel: any Channel
    private let state: TunnelLog

    /// `http://127.0.0.1:<port>`, or with credentials `http://user:password@127.0.0.1:<port>`.
    public func url(credentials: (user: String, password: String)? = nil) -> String {
        guard let credentials else { return "http://127.0.0.1:\(port)" }
        return "http://\(credentials.user):\(credentials.password)@127.0.0.1:\(port)"
    }

    /// Every `CONNECT` target asked for, in order, `host:port` as the client wrote it.
    public var tunnels: [String] { state.entries.withLock { $0 } }

    /// Starts a proxy.
    ///
    /// - Parameters:
    ///   - routes: `host:port` the proxy resolves, to the loopback port it connects to instead.
    ///   - credentials: The user and password required in `Proxy-Authorization: Basic`, if any.
    public static func start(routes: [String: Int], credentials: (user: String, password: String)? = nil) async throws -> TestConnectProxy {
        let state = TunnelLog()
        let expected = credentials.map { "Basic " + Data("\($0.user):\($0.password)".utf8).base64EncodedString() }
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let decoder = ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes))
                    let encoder = HTTPResponseEncoder()
                    try channel.pipeline.syncOperations.addHandler(decoder, name: "decoder")
                    try channel.pipeline.syncOperations.addHandler(encoder, name: "encoder")
                    try channel.pipeline.syncOperations.addHandler(ConnectHandler(routes: routes, expectedAuthorization: expected) { target in
                        state.entries.withLock { $0.append(target) }
                    })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TestConnectProxy(channel: channel, state: state)
    }

    private init(channel: any Channel, state: TunnelLog) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.state = state
    }

    /// Stops listening (open tunnels close with their clients).
    public func shutdown() async throws {
        try await channel.close()
    }
}

/// The `CONNECT` targets a proxy was asked for.
private final class TunnelLog: Sendable {
    let entries = Mutex<[String]>([])
}

/// Answers one `CONNECT`, then turns the connection into a byte tunnel.
private final class ConnectHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: [String: Int]
    private let expectedAuthorization: String?
    private let record: @Sendable (String) -> Void
    private var targetPort: Int?
    private var refusal: HTTPResponseStatus?

    init(routes: [String: Int], expectedAuthorization: String?, record: @escaping @Sendable (String) -> Void) {
        self.routes = routes
        self.expectedAuthorization = expectedAuthorization
        self.record = record
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard head.method == .CONNECT else {
                refusal = .methodNotAllowed
                return
            }
            record(head.uri)
            if let expectedAuthorization, head.headers["proxy-authorization"].first != expectedAuthorization {
                refusal = .proxyAuthenticationRequired
                return
            }
            let target = head.uri.lowercased()
            if let port = routes[target] {
                targetPort = port
            } else if target.hasPrefix("127.0.0.1:"), let port = Int(target.dropFirst("127.0.0.1:".count)) {
                targetPort = port
            } else {
                // Like a real egress proxy that cannot resolve the name.
                refusal = .badGateway
            }
        case .body:
            break
        case .end:
            if let refusal {
                respond(context: context, status: refusal, close: true)
            } else if let targetPort {
                open(context: context, port: targetPort)
            }
        }
    }

    private func respond(context: ChannelHandlerContext, status: HTTPResponseStatus, close: Bool) {
        var headers = HTTPHeaders([("content-length", "0")])
        if status == .proxyAuthenticationRequired { headers.add(name: "proxy-authenticate", value: #"Basic realm="egress""#) }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if close {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    private func open(context: ChannelHandlerContext, port: Int) {
        // The peer shares the event loop, so both pipelines can be changed synchronously below.
        ClientBootstrap(group: context.eventLoop).connect(host: "127.0.0.1", port: port).assumeIsolated().whenComplete { result in
            switch result {
            case .failure:
                self.respond(context: context, status: .badGateway, close: true)
            case .success(let peer):
                context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok))), promise: nil)
                context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenSuccess {
                    do {
                        let (local, remote) = GlueHandler.matchedPair()
                        let pipeline = context.pipeline.syncOperations
                        try pipeline.addHandler(local)
                        try peer.pipeline.syncOperations.addHandler(remote)
                        let encoder = try pipeline.handler(type: HTTPResponseEncoder.self)
                        pipeline.removeHandler(encoder, promise: nil)
                        let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
                        pipeline.removeHandler(decoder, promise: nil)
                        pipeline.removeHandler(self, promise: nil)
                    } catch {
                        context.close(promise: nil)
                        peer.close(promise: nil)
                    }
                }
            }
        }
    }
}

/// A TLS server on loopback in front of a plain HTTP backend: a "provider" served over TLS with
/// a certificate from the test CA (`Tests/Fixtures/tls`), valid for `api.openai.test`,
/// `api.anthropic.test`, `generativelanguage.test`, `localhost` and `127.0.0.1`.
public final class TestTLSFront: Sendable {
    /// The port the TLS server listens on.
    public let port: Int
    private let channel: any Channel

    /// Starts a TLS front that forwards decrypted bytes to `127.0.0.1:backendPort`.
    public static func start(backendPort: Int) async throws -> TestTLSFront {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(TestCertificates.path("provider.pem")).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: TestCertificates.path("provider.key"), format: .pem))
        )
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                ClientBootstrap(group: channel.eventLoop).connect(host: "127.0.0.1", port: backendPort).flatMapThrowing { peer in
                    let (local, remote) = GlueHandler.matchedPair()
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(local)
                    try peer.pipeline.syncOperations.addHandler(remote)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TestTLSFront(channel: channel)
    }

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    /// Stops listening.
    public func shutdown() async throws {
        try await channel.close()
    }
}

/// The test CA and the provider certificate it signed (`Tests/Fixtures/tls`, valid until 2056).
public enum TestCertificates {
    /// The folder of the fixtures, found from this source file (tests run from the source tree).
    public static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appending(path: "Fixtures/tls")

    /// The path of one fixture file.
    public static func path(_ name: String) -> String { folder.appending(path: name).path }

    /// The CA bundle to trust: `CHIMERA_CA_BUNDLE=<this>`.
    public static var caBundle: String { path("test-ca.pem") }
}

/// Joins two channels: what one reads the other writes, and closing one closes the other.
private final class GlueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?

    static func matchedPair() -> (GlueHandler, GlueHandler) {
        let first = GlueHandler()
        let second = GlueHandler()
        first.partner = second
        second.partner = first
        return (first, second)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.context?.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.context?.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.context?.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
