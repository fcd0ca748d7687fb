import AsyncHTTPClient
import Chimera
import ChimeraAPIServer
import ChimeraProxyServer
import ChimeraSimulator
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// Direct mode with every provider at `simulator`, no retries and short time limits.
func directConfiguration(_ simulator: RunningSimulator) -> ChimeraConfiguration {
    var configuration = ChimeraConfiguration(direct: DirectConfiguration(
        timeouts: Timeouts(connect: .seconds(5), request: .seconds(30), streamIdle: .seconds(30)),
        maxRetries: 0
    ))
    for id in ProviderID.allCases {
        configuration.providers[id]?.baseURL = simulator.baseURL(for: id)
        configuration.providers[id]?.apiKey = Secret("test-key-\(id)")
    }
    return configuration
}

/// Proxy mode at `proxy`, checked every `interval`, no retries and short time limits.
func proxyConfiguration(_ proxy: URL, interval: Duration = .milliseconds(200), retries: Int = 0) -> ChimeraConfiguration {
    var configuration = ChimeraConfiguration(connectionMode: .proxy)
    configuration.proxy.serverURL = proxy
    configuration.proxy.maxRetries = retries
    configuration.proxy.wireProtocol = .json
    configuration.proxy.healthCheckInterval = interval
    configuration.proxy.timeouts = Timeouts(connect: .seconds(5), request: .seconds(30), streamIdle: .seconds(30))
    return configuration
}

/// Starts `chimera proxy` with simulated upstreams on `port` (0 for a free one), retrying each
/// upstream failure `retries` times.
func startProxy(port: Int = 0, retries: Int = 0) async throws -> SimulatedProxy {
    var configuration = ChimeraConfiguration()
    configuration.direct.maxRetries = retries
    return try await SimulatedProxy.start(configuration: configuration, port: port)
}

/// Runs `body` against the API server's router in-process (HummingbirdTesting), with its
/// services (the proxy health monitor) running alongside.
func withAPI<Result: Sendable>(
    _ configuration: ChimeraConfiguration,
    options: APIServer.Options = .init(),
    logger: Logger = silentLogger,
    _ body: @Sendable (any TestClientProtocol, APIServer) async throws -> Result
) async throws -> Result {
    let api = APIServer(configuration: configuration, options: options, logger: logger)
    let application = Application(router: api.makeRouter(), services: api.services, logger: logger)
    do {
        let result = try await application.test(.router) { client in try await body(client, api) }
        try await api.shutdown()
        return result
    } catch {
        try await api.shutdown()
        throw error
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
///
/// - Returns: Whether it held in time.
func eventually(within timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// A JSON object body.
func jsonObject(_ buffer: ByteBuffer) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(buffer: buffer))
    return try #require(value as? [String: Any], "expected a JSON object: \(String(buffer: buffer))")
}

/// A JSON request body.
func jsonBody(_ object: [String: Any]) throws -> ByteBuffer {
    ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
}

/// The events of a Server-Sent Events body, as (event name, data).
func serverSentEvents(_ buffer: ByteBuffer) -> [(event: String?, data: String)] {
    String(buffer: buffer).components(separatedBy: "\n\n").compactMap { block in
        guard !block.isEmpty else { return nil }
        var event: String?
        var data: [String] = []
        for line in block.split(separator: "\n") {
            if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
        }
        return (event, data.joined(separator: "\n"))
    }
}

/// A request header set with a JSON content type and, optionally, a bearer token.
func headers(bearer: String? = nil) -> HTTPFields {
    var fields = HTTPFields()
    fields[.contentType] = "application/json"
    if let bearer { fields[.authorization] = "Bearer \(bearer)" }
    return fields
}

/// A `chimera proxy` with simulated upstreams that a test can stop and start again on the same port.
final class RestartableProxy: Sendable {
    private let current: Mutex<SimulatedProxy?>
    /// The port it listens on, across restarts.
    let port: Int
    /// Its root URL, across restarts.
    let baseURL: URL

    init() async throws {
        let proxy = try await startProxy()
        current = Mutex(proxy)
        port = proxy.server.port
        baseURL = proxy.baseURL
    }

    /// Stops the proxy; nothing listens on its port until ``start()``.
    func stop() async throws {
        let proxy = current.withLock { proxy in
            defer { proxy = nil }
            return proxy
        }
        try await proxy?.shutdown()
    }

    /// Chat requests the simulator behind the running proxy answered; 0 while stopped.
    var answeredChats: Int {
        current.withLock { $0?.simulator.stats.requestsByModel.values.reduce(0, +) ?? 0 }
    }

    /// Starts the proxy again on the same port.
    func start() async throws {
        let proxy = try await startProxy(port: port)
        current.withLock { $0 = proxy }
    }
}

/// Expects `condition` to hold within `timeout`, polling it.
func expectEventually(
    within timeout: Duration,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let held = try await eventually(within: timeout, condition)
    #expect(held, "the condition did not hold within \(timeout)", sourceLocation: sourceLocation)
}
