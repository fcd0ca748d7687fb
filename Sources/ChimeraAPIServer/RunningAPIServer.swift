import Chimera
import ChimeraServerSupport
import Foundation
import Logging

/// A running `chimera serve`: the HTTP server and, in the same service group, the proxy health
/// monitor.
public struct RunningAPIServer: Sendable {
    /// The HTTP server.
    public let server: RunningServer
    /// The API behind it.
    public let api: APIServer

    /// The server's root URL.
    public var baseURL: URL { server.baseURL }

    /// Starts the API server and returns once it listens.
    ///
    /// - Parameters:
    ///   - configuration: Chimera's configuration (connection mode, proxy, providers).
    ///   - options: The server's key and limits; the key is normally `CHIMERA_API_KEY`.
    ///   - host: The address to bind; without a key only a loopback address is accepted.
    ///   - port: The port; 0 picks a free one.
    ///   - gracePeriod: How long requests in flight may run on after ``shutdown()`` starts;
    ///     then they are cancelled.
    ///   - logger: Where requests, failures and proxy health changes are logged.
    /// - Throws: ``ChimeraError`` of kind `configuration` for a non-loopback address without a
    ///   key; the server's error when it cannot listen.
    public static func start(
        configuration: ChimeraConfiguration,
        options: APIServer.Options = .init(),
        host: String = "127.0.0.1",
        port: Int = 8000,
        gracePeriod: Duration = .seconds(30),
        logger: Logger = Logger(label: "chimera.serve", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> RunningAPIServer {
        var options = options
        // A blank key is no key: it must neither open a public bind nor accept an empty offer.
        options.apiKey = Secret.nonBlank(options.apiKey?.value)
        Redaction.register([options.apiKey].compactMap { $0 })
        if options.apiKey == nil && !LoopbackAddress.contains(host) {
            throw ChimeraError.configuration(
                "refusing to listen on \(host) without an API key: anyone who can reach it could spend your provider keys",
                hint: "set CHIMERA_API_KEY (clients then send it as Authorization: Bearer <key>), or bind 127.0.0.1"
            )
        }
        let api = APIServer(configuration: configuration, options: options, logger: logger)
        do {
            let server = try await RunningServer.start(
                router: api.makeRouter(), host: host, port: port, services: api.services, gracePeriod: gracePeriod,
                limits: configuration.server, logger: logger
            )
            return RunningAPIServer(server: server, api: api)
        } catch {
            try await api.shutdown()
            throw error
        }
    }

    /// Stops accepting connections, lets the requests in flight finish (cancelling those still
    /// running when the grace period given to ``start(configuration:options:host:port:gracePeriod:logger:)``
    /// ends), stops the health monitor, then closes the outbound HTTP client.
    ///
    /// - Throws: The error the server failed with while it ran.
    public func shutdown() async throws {
        do {
            try await server.shutdown()
        } catch {
            try await api.shutdown()
            throw error
        }
        try await api.shutdown()
    }
}
