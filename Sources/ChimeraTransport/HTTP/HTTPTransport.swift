import AsyncHTTPClient
import ChimeraCore
import Foundation
import Instrumentation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import Tracing

/// Sends HTTP requests for providers over shared `HTTPClient`s, with Chimera's time limits,
/// and turns every transport failure into a ``ChimeraError``.
///
/// Streams go through clients of their own whose read timeout is the stream idle limit, so
/// AsyncHTTPClient itself ends a stream that goes silent (no watchdog task per stream), and the
/// caller reads the body in its own task (no hand-off between tasks per chunk).
///
/// Requests wait for one of the pool's connections in ``ConnectionPermits``, each up to its own
/// time limit. The client keeps one connection per host beyond the pool for control requests
/// (health checks, protocol probes), so a pool busy with long streams does not make a healthy
/// proxy look down.
///
/// Policy (retries, fallback) lives in the callers; this type only does the I/O.
///
/// Egress (see ``EgressConfiguration``): AsyncHTTPClient takes one proxy per client, so the
/// transport keeps clients without a proxy (``client``, ``streamingClient``) and a pair per
/// configured outbound proxy,
/// and picks one per request from the request's host (loopback and `NO_PROXY` hosts go
/// directly). With an allow-list (strict egress) a request to any other host fails before a
/// connection is made. Every client trusts the extra CA bundle next to the system's roots.
public struct HTTPTransport: Sendable {
    /// The client for direct unary and control calls; owned by whoever created the transport.
    /// Shut the transport down with ``shutdown()``, which stops every client it made.
    public var client: HTTPClient { direct.unary }
    /// The client for direct streams: its read timeout is the stream idle limit.
    public var streamingClient: HTTPClient { direct.streaming }
    /// The longest silence allowed between two chunks of a stream.
    public let streamIdleTimeout: Duration
    private let direct: HTTPClients
    /// The most bytes read of a unary answer and of a stream.
    public var limits: ResponseLimits
    private let permits: ConnectionPermits
    /// The tracer that writes each request's trace context (so a passed-on `traceparent` goes),
    /// if one is configured.
    private let tracer: (any Tracer)?
    private let egress: EgressGate
    private let parsedRequests = ParsedRequests()

    /// Creates a transport and its client: no redirects, no connection-establishment retries (so
    /// a refused connection fails at once and Chimera's own retry policy decides), the given
    /// connect timeout, and `poolSize` concurrent requests per host.
    ///
    /// - Parameters:
    ///   - streamIdleTimeout: The longest silence between two chunks of a stream, from the
    ///     request's end on: a stream's first byte must come within it too.
    ///   - egress: The outbound proxies, `NO_PROXY` and the extra CA certificates.
    ///   - allowedDestinations: The only hosts and ports requests may go to (strict egress,
    ///     ``EgressManifest/enforcedDestinations``); `nil` allows every destination.
    ///   - tracer: Where a client span per request goes (AsyncHTTPClient's for streams,
    ///     ``UnaryClientSpan`` for unary exchanges) and whose trace context is written into the
    ///     request's headers (swift-distributed-tracing); the
    ///     bootstrapped one by default. A real tracer then owns propagation: the caller's
    ///     `traceparent`, passed on as it came when there is none, is left to it.
    public init(
        connectTimeout: Duration,
        streamIdleTimeout: Duration = .seconds(120),
        poolSize: Int,
        limits: ResponseLimits = ResponseLimits(),
        egress: EgressConfiguration = EgressConfiguration(),
        allowedDestinations: Set<EgressDestination>? = nil,
        tracer: any Tracer = InstrumentationSystem.tracer
    ) {
        var configuration = HTTPClient.Configuration()
        // Without a tracer bootstrapped, no span at all: a no-op span still costs each request
        // its attributes (the URL taken apart again, the method, the headers).
        self.tracer = tracer is NoOpTracer ? nil : tracer
        configuration.tracing.tracer = self.tracer
        configuration.redirectConfiguration = .disallow
        configuration.timeout.connect = .nanoseconds(Int64(connectTimeout.seconds * 1e9))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = poolSize + 1  // + the control connection
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        var unusable: ChimeraError?
        if let bundle = egress.trustedCertificates {
            do {
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMBytes([UInt8](bundle.pem)))]
                configuration.tlsConfiguration = tls
            } catch {
                // The configuration already checked the PEM blocks; a certificate the TLS library
                // still refuses must not silently leave calls trusting less than configured, so
                // every call fails with this instead (fail closed).
                unusable = .configuration(
                    "the CA bundle \(bundle.path) holds a certificate the TLS library cannot read",
                    hint: "check CHIMERA_CA_BUNDLE (or SSL_CERT_FILE): it must hold PEM X.509 certificates"
                )
            }
        }
        self.direct = HTTPClients(configuration, streamIdleTimeout: streamIdleTimeout)
        self.streamIdleTimeout = streamIdleTimeout
        var proxied: [OutboundProxy: HTTPClients] = [:]
        for proxy in egress.proxies {
            var viaProxy = configuration
            viaProxy.proxy = switch proxy.kind {
            case .socks5: .socksServer(host: proxy.host, port: proxy.port)
            case .httpConnect: .server(
                host: proxy.host, port: proxy.port,
                authorization: proxy.username.map { .basic(username: $0, password: proxy.password?.value ?? "") }
            )
            }
            proxied[proxy] = HTTPClients(viaProxy, streamIdleTimeout: streamIdleTimeout)
        }
        self.limits = limits
        self.permits = ConnectionPermits(limit: poolSize)
        self.egress = EgressGate(configuration: egress, allowed: allowedDestinations, proxiedClients: proxied, unusable: unusable)
    }

    /// Shuts down every client of the transport: the direct one and those of the outbound proxies.
    public func shutdown() async throws {
        for proxied in egress.proxiedClients.values {
            try await proxied.shutdown()
        }
        try await direct.shutdown()
    }

    /// Which requests wait for a pooled connection.
    public enum Lane: Sendable {
        /// Calls to providers: they wait for one of the pool's connections.
        case pooled
        /// Short control requests (health checks, probes): they skip the wait and use the
        /// connection kept outside the pool.
        case control
    }

    /// A complete answer: status, headers and the whole body.
    public struct Reply: Sendable {
        /// The HTTP status code.
        public var status: Int
        /// The response headers.
        public var headers: [(name: String, value: String)]
        /// The body, as it arrived.
        public var buffer: ByteBuffer
        /// The body.
        public var body: Data { Data(buffer: buffer) }
    }

    /// Sends a request and reads the whole answer within `timeout`: the wait for a pooled
    /// connection, the head and the body, all together.
    ///
    /// The answer is read by AsyncHTTPClient's future-based interface, on an event loop
    /// (``BoundedBodyCollector``): the call's ``EventLoopAffinity`` when it has one. Its
    /// deadline covers the body too: a body that keeps dripping is cut at the deadline, which
    /// closes its connection. Cancelling the calling task cancels the exchange. With a tracer,
    /// the exchange is a client span.
    ///
    /// - Throws: ``ChimeraError`` from `classify` for transport failures.
    public func send(
        _ request: UpstreamRequest,
        timeout: Duration,
        lane: Lane = .pooled,
        logger: Logger,
        classify: @Sendable (TransportFailure) -> ChimeraError
    ) async throws(ChimeraError) -> Reply {
        var request = traced(request)
        guard let tracer else { return try await exchange(request, timeout: timeout, lane: lane, logger: logger, classify: classify) }
        // A URL AsyncHTTPClient cannot read is not lost here: the exchange reads it again and
        // throws that error, which the span records; the span only goes without its address.
        let span = UnaryClientSpan(for: &request, parsed: try? parsedRequests.whole(request), tracer: tracer)
        do {
            let reply = try await exchange(request, timeout: timeout, lane: lane, logger: logger, classify: classify)
            span.end(status: reply.status)
            return reply
        } catch {
            span.end(failure: error)
            throw error
        }
    }

    /// ``send(_:timeout:lane:logger:classify:)`` without its span.
    private func exchange(
        _ request: UpstreamRequest,
        timeout: Duration,
        lane: Lane,
        logger: Logger,
        classify: @Sendable (TransportFailure) -> ChimeraError
    ) async throws(ChimeraError) -> Reply {
        let deadline = ContinuousClock.now + timeout
        let origin = Self.origin(of: request.url)
        let (clients, route) = try egress.clients(for: request.url, origin: origin, direct: direct)
        let collector = BoundedBodyCollector(maxBodyBytes: limits.maxBodyBytes, maxErrorBodyBytes: Self.errorBodyBytes)
        do {
            let permit = try await admit(origin: origin, lane: lane, until: deadline)
            defer { permit?.release() }
            let exchange = clients.unary.execute(
                request: try parsedRequests.whole(request), delegate: collector,
                eventLoop: EventLoopAffinity.eventLoop(in: clients.unary.eventLoopGroup).map { .delegate(on: $0) } ?? .indifferent,
                deadline: .now() + .nanoseconds(Int64((deadline - .now).seconds * 1e9)), logger: Self.clientLogger(logger)
            )
            return try await withTaskCancellationHandler {
                try await exchange.futureResult.get()
            } onCancel: {
                exchange.cancel()
            }
        } catch is BoundedBodyCollector.Cut {
            return collector.reply
        } catch {
            throw egress.failure(error, limit: timeout, route: route, url: request.url, classify: classify)
        }
    }

    /// A response whose body is still to be read, and the pooled connection it holds until the
    /// body is done.
    public struct OpenResponse: Sendable {
        /// Status, headers and the body as it streams.
        public let response: HTTPClientResponse
        /// Given back when the body has been read (``EventStreamReader``) or dropped.
        let permit: ConnectionPermit?
    }

    /// Sends a request and returns as soon as the response head arrives (within `headTimeout`,
    /// the wait for a pooled connection included); the body is read by the caller as it streams.
    ///
    /// - Throws: ``ChimeraError`` from `classify` for transport failures.
    public func open(
        _ request: UpstreamRequest,
        headTimeout: Duration,
        logger: Logger,
        classify: @Sendable (TransportFailure) -> ChimeraError
    ) async throws(ChimeraError) -> OpenResponse {
        let request = traced(request)
        let deadline = ContinuousClock.now + headTimeout
        let origin = Self.origin(of: request.url)
        let (clients, route) = try egress.clients(for: request.url, origin: origin, direct: direct)
        do {
            let permit = try await admit(origin: origin, lane: .pooled, until: deadline)
            do {
                // AsyncHTTPClient's deadline covers the wait for the response head only; the body
                // then has the streaming client's read timeout, the idle limit.
                let remaining = deadline - .now
                let response = try await clients.streaming.execute(request.streamed, deadline: .now() + .nanoseconds(Int64(remaining.seconds * 1e9)), logger: Self.clientLogger(logger))
                return OpenResponse(response: response, permit: permit)
            } catch {
                permit?.release()
                throw error
            }
        } catch {
            throw egress.failure(error, limit: headTimeout, route: route, url: request.url, classify: classify)
        }
    }

    /// The logger AsyncHTTPClient gets: the call's when it logs debug messages, which are all
    /// AsyncHTTPClient writes, else none; it adds its own metadata to the logger of every
    /// request, which a log handler formats at once.
    private static func clientLogger(_ logger: Logger) -> Logger {
        logger.logLevel <= .debug ? logger : silent
    }

    private static let silent = Logger(label: "chimera.transport.silent") { _ in SwiftLogNoOpLogHandler() }

    /// Waits for a pooled connection, unless the request is a control request.
    private func admit(origin: String, lane: Lane, until deadline: ContinuousClock.Instant) async throws -> ConnectionPermit? {
        guard lane == .pooled else { return nil }
        return try await permits.acquire(host: origin, until: deadline)
    }

    /// `request` without the `traceparent` passed on from the caller when a tracer writes its
    /// own (AsyncHTTPClient adds it; two would contradict each other).
    private func traced(_ request: UpstreamRequest) -> UpstreamRequest {
        guard tracer != nil else { return request }
        var request = request
        request.headers.remove(name: "traceparent")
        return request
    }

    /// `scheme://host:port` of a URL: what AsyncHTTPClient keeps one pool for.
    static func origin(of url: String) -> String {
        // Once per request: bytes, not characters.
        var url = url
        return url.withUTF8 { bytes in
            var index = 0
            while index + 2 < bytes.count, !(bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: "/") && bytes[index + 2] == UInt8(ascii: "/")) {
                index += 1
            }
            guard index + 2 < bytes.count else { return String(decoding: bytes, as: UTF8.self) }
            index += 3
            while index < bytes.count, bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: "?") { index += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<index]), as: UTF8.self)
        }
    }

    /// How much of an error answer's body is read for its report: enough for any provider's
    /// error JSON, little enough that a huge error body costs nothing.
    static let errorBodyBytes = 64 << 10

    /// Reads the start of an error response's body, bounded, for the error report, and gives the
    /// connection back.
    public func errorBody(of opened: OpenResponse) async -> Data {
        defer { opened.permit?.release() }
        do {
            return Data(buffer: try await Self.prefix(of: opened.response.body, maxBytes: Self.errorBodyBytes))
        } catch {
            // The status already says what failed; a body that cannot be read adds nothing.
            return Data()
        }
    }

    /// The first `maxBytes` of a body. Unlike `collect(upTo:)`, a longer body is cut, not an
    /// error: a provider's 100 MB error page still says what failed in its first bytes. Leaving
    /// the rest unread closes the connection.
    static func prefix(of body: HTTPClientResponse.Body, maxBytes: Int) async throws -> ByteBuffer {
        var collected = ByteBuffer()
        for try await var part in body {
            collected.writeBuffer(&part)
            if collected.readableBytes >= maxBytes { break }
        }
        if collected.readableBytes > maxBytes { collected.moveWriterIndex(to: collected.readerIndex + maxBytes) }
        return collected
    }
}

/// The two clients of one way out: unary and control requests, and streams (whose read timeout
/// is the stream idle limit).
struct HTTPClients: Sendable {
    let unary: HTTPClient
    let streaming: HTTPClient

    init(_ configuration: HTTPClient.Configuration, streamIdleTimeout: Duration) {
        var unaryConfiguration = configuration
        // Unary exchanges have their span from the transport (``UnaryClientSpan``).
        unaryConfiguration.tracing.tracer = nil
        unary = HTTPClient(eventLoopGroupProvider: .singleton, configuration: unaryConfiguration)
        var streamingConfiguration = configuration
        streamingConfiguration.timeout.read = .nanoseconds(Int64(streamIdleTimeout.seconds * 1e9))
        streaming = HTTPClient(eventLoopGroupProvider: .singleton, configuration: streamingConfiguration)
    }

    func shutdown() async throws {
        try await unary.shutdown()
        try await streaming.shutdown()
    }
}
