public import ChimeraCore
public import Foundation
public import Hummingbird
import HummingbirdCore
public import Logging
public import ServiceLifecycle

/// A Hummingbird 2 server running in the background, listening on a known port.
///
/// ``start(responder:host:port:services:gracePeriod:limits:healthPaths:logger:)`` returns once the server accepts
/// connections, so a test or a command can use ``port`` and ``baseURL`` straight away (port 0
/// picks a free port). The server runs in its own ServiceLifecycle `ServiceGroup` together with
/// any extra services; ``shutdown()`` shuts that group down gracefully: the server stops
/// accepting connections, lets requests in flight finish (cancelling those still running after
/// the grace period) and then returns.
///
/// Three behaviours differ from a plain Hummingbird `Application`:
/// - accepted, open and busy TCP connections are counted (``connections``), so tests can check
///   that a client reuses its pooled connections and how many requests it had in flight;
/// - a connection whose client closes its sending side is closed at once (see
///   `HalfClosedConnectionCloser`), so a handler that waits learns that its client went away:
///   the request context's channel `closeFuture` completes and writes fail;
/// - every connection lives within ``ServerLimits``: time limits on reading a head, a body,
///   waiting between requests and on a client that stopped reading, and a cap on open
///   connections that keeps the health paths answering (`ConnectionGuard`, `ConnectionRegistry`).
///
/// ```swift
/// let router = Router()
/// router.get("ping") { _, _ in "pong" }
/// let server = try await RunningServer.start(router: router)
/// print(server.baseURL)  // http://127.0.0.1:40123
/// try await server.shutdown()
/// ```
public struct RunningServer: Sendable {
    /// The host the server was bound to.
    public let host: String
    /// The port the server listens on (the real one when 0 was asked for).
    public let port: Int

    private let serviceGroup: ServiceGroup
    private let task: Task<Void, any Error>
    private let counter: ConnectionCounter
    private let registry: ConnectionRegistry

    /// The server's root URL, `http://<host>:<port>`.
    ///
    /// An IPv6 host is put in brackets.
    public var baseURL: URL {
        let authority = host.contains(":") ? "[\(host)]" : host
        guard let url = URL(string: "http://\(authority):\(port)") else {
            preconditionFailure("a bound host and port always form a URL")
        }
        return url
    }

    /// How many connections the server has accepted, how many are open now, and the most that
    /// had a request in flight at once.
    public var connections: ConnectionStatistics {
        var statistics = counter.snapshot
        statistics.mostBusy = registry.mostBusy
        return statistics
    }

    /// Starts a server that answers with `responder` and returns once it listens.
    ///
    /// - Parameters:
    ///   - responder: What answers each request, for example `router.buildResponder()`.
    ///   - host: The address to bind, `127.0.0.1` by default.
    ///   - port: The port to bind; 0 picks a free one.
    ///   - services: Background services to run alongside the server and stop with it.
    ///   - gracePeriod: How long requests in flight may run on after a shutdown starts.
    ///   - limits: The time limits and the connection cap of client connections.
    ///   - healthPaths: The paths a connection admitted over the cap still answers.
    ///   - logger: Where the server logs; silent by default, as a library should be.
    /// - Returns: The running server.
    /// - Throws: The error that kept the server from listening, such as an address in use.
    public static func start<Responder: HTTPResponder>(
        responder: Responder,
        host: String = "127.0.0.1",
        port: Int = 0,
        services: [any Service] = [],
        gracePeriod: Duration = .seconds(10),
        limits: ServerLimits = ServerLimits(),
        healthPaths: Set<String> = ["/health"],
        logger: Logger = Logger(label: "chimera.server", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> RunningServer where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        let counter = ConnectionCounter()
        let listening = ListeningSignal()
        let registry = ConnectionRegistry(limit: limits.maxConnections)
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [HalfClosedConnectionCloser()])
        let normalizedHealthPaths = Set(healthPaths.map(RoutePath.normalized))
        let application = Application(
            responder: responder,
            server: HTTPServerBuilder { respond in
                GuardedHTTP1Channel(
                    http1: HTTP1Channel(responder: respond, configuration: http1),
                    limits: limits, registry: registry, healthPaths: normalizedHealthPaths
                )
            },
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port),
                availableConnectionsDelegate: counter
            ),
            services: services,
            onServerRunning: { channel in
                if let port = channel.localAddress?.port {
                    listening.resolve(.success(port))
                } else {
                    listening.resolve(.failure(RunningServerError.noLocalAddress))
                }
            },
            logger: logger
        )
        var groupConfiguration = ServiceGroupConfiguration(services: [application], logger: logger)
        // Requests in flight get this long to finish after a shutdown starts; then they are
        // cancelled, so a stalled upstream cannot hold the process open.
        groupConfiguration.maximumGracefulShutdownDuration = gracePeriod
        let serviceGroup = ServiceGroup(configuration: groupConfiguration)
        let task = Task {
            do {
                try await serviceGroup.run()
                listening.resolve(.failure(RunningServerError.stoppedBeforeListening))
            } catch {
                listening.resolve(.failure(RunningServerError.binding(error, host: host, port: port)))
                throw error
            }
        }
        do {
            let boundPort = try await listening.port()
            return RunningServer(host: host, port: boundPort, serviceGroup: serviceGroup, task: task, counter: counter, registry: registry)
        } catch {
            // The error is already in hand; stop whatever is left and wait so nothing outlives start.
            await serviceGroup.triggerGracefulShutdown()
            _ = await task.result
            throw error
        }
    }

    /// Starts a server that answers with the responder `router` builds.
    ///
    /// - Parameters:
    ///   - router: A router or another responder builder.
    ///   - host: The address to bind, `127.0.0.1` by default.
    ///   - port: The port to bind; 0 picks a free one.
    ///   - services: Background services to run alongside the server and stop with it.
    ///   - gracePeriod: How long requests in flight may run on after a shutdown starts.
    ///   - limits: The time limits and the connection cap of client connections.
    ///   - healthPaths: The paths a connection admitted over the cap still answers.
    ///   - logger: Where the server logs; silent by default.
    /// - Returns: The running server.
    /// - Throws: The error that kept the server from listening, such as an address in use.
    public static func start<Builder: HTTPResponderBuilder>(
        router: Builder,
        host: String = "127.0.0.1",
        port: Int = 0,
        services: [any Service] = [],
        gracePeriod: Duration = .seconds(10),
        limits: ServerLimits = ServerLimits(),
        healthPaths: Set<String> = ["/health"],
        logger: Logger = Logger(label: "chimera.server", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> RunningServer where Builder.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        try await start(
            responder: router.buildResponder(), host: host, port: port, services: services, gracePeriod: gracePeriod,
            limits: limits, healthPaths: healthPaths, logger: logger
        )
    }

    /// Shuts the server down gracefully and returns once it has stopped.
    ///
    /// The server stops accepting connections, finishes the requests in flight (cancelling those
    /// still running after the grace period), closes idle connections and stops the extra
    /// services. Calling it again is harmless.
    ///
    /// - Throws: The error the server or one of its services failed with while running.
    public func shutdown() async throws {
        await serviceGroup.triggerGracefulShutdown()
        try await task.value
    }
}
