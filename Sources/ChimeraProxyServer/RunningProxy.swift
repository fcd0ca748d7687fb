import Chimera
import ChimeraAudit
import ChimeraRelay
import ChimeraServerSupport
import ChimeraTransport
import Foundation
import Logging
import Tracing

/// A running `chimera proxy`: the server and the service that forwards its requests.
public struct RunningProxy: Sendable {
    /// The HTTP server.
    public let server: RunningServer
    private let service: LLMService
    /// The audit log, when `CHIMERA_AUDIT_LOG` names one; closed after the server stopped.
    private let audit: AuditLog?

    /// The proxy's root URL, to use as `PROXY_SERVER_URL`.
    public var baseURL: URL { server.baseURL }

    /// Starts a proxy.
    ///
    /// - Parameters:
    ///   - configuration: Where the upstream providers are (`<P>_API_KEY`, `<P>_BASE_URL`); its
    ///     connection mode is ignored: the proxy always calls upstreams directly.
    ///   - options: The proxy's key, default provider and limits.
    ///   - host: The address to bind; without a key only a loopback address is accepted.
    ///   - port: The port; 0 picks a free one.
    ///   - observer: Told about every relayed request (the status page, tests).
    ///   - tracer: Where request and upstream spans go; the bootstrapped tracer by default.
    /// - Throws: ``ChimeraError`` of kind `configuration` for a non-loopback bind without a key;
    ///   the server's error if it cannot listen.
    public static func start(
        configuration: ChimeraConfiguration,
        options: ProxyServer.Options = .init(),
        host: String = "127.0.0.1",
        port: Int = 8080,
        observer: RelayObserver? = nil,
        tracer: any Tracer = InstrumentationSystem.tracer,
        logger: Logger = Logger(label: "chimera.proxy", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> RunningProxy {
        var options = options
        // A blank key is no key: it must neither open a public bind nor accept an empty offer.
        options.apiKey = Secret.nonBlank(options.apiKey?.value)
        Redaction.register([options.apiKey].compactMap { $0 })
        if options.apiKey == nil && !LoopbackAddress.contains(host) {
            throw ChimeraError.configuration(
                "refusing to listen on \(host) without an API key: anyone who can reach it could spend your provider keys",
                hint: "pass --api-key <key> (clients then send it as Authorization: Bearer, x-api-key, x-goog-api-key or ?key=), or bind 127.0.0.1"
            )
        }
        var upstream = configuration
        upstream.connectionMode = .direct
        let configured = ProviderID.allCases.filter { id in
            let settings = upstream.provider(id)
            return settings.baseURL != nil && (settings.apiKey != nil || id == .cursor)
        }
        let health = UpstreamHealth(configured: configured)
        let transport = HTTPTransport(
            connectTimeout: upstream.direct.timeouts.connect, streamIdleTimeout: upstream.direct.timeouts.streamIdle,
            poolSize: upstreamPoolSize, limits: upstream.limits,
            egress: upstream.egress, allowedDestinations: EgressManifest(upstream, role: .proxyServer).enforcedDestinations,
            tracer: tracer
        )
        let service = LLMService(configuration: upstream, transport: transport, observer: health.observer, logger: logger)
        let status = ProxyStatus(configuration: upstream, health: health)
        var audit: AuditLog?
        do {
            let relay = Relay(service: service, observer: RelayObserver.both(observer, status.observer), tracer: tracer, logger: logger)
            audit = try upstream.audit.path.map { _ in try AuditLog(configuration: upstream.audit, logger: logger) }
            var proxy = ProxyServer(relay: relay, options: options, health: health)
            proxy.status = status
            proxy.audit = audit
            let server = try await RunningServer.start(router: proxy.makeRouter(), host: host, port: port, services: relay.services, limits: configuration.server, logger: logger)
            return RunningProxy(server: server, service: service, audit: audit)
        } catch {
            await audit?.close()
            try await transport.shutdown()
            throw error
        }
    }

    /// Stops accepting requests, lets those in flight finish, then closes the audit log and stops
    /// the upstream clients.
    public func shutdown() async throws {
        try await server.shutdown()
        await audit?.close()
        try await service.transport.shutdown()
    }

    /// Connections the proxy may hold to each upstream host. Every live stream holds one; the
    /// requests beyond it wait their turn up to their time limit, so this is the number of
    /// concurrent streams per upstream that start at once (`chimera bench` runs 1,000).
    public static let upstreamPoolSize = 4096
}
