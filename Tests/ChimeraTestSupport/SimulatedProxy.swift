import ChimeraCore
import ChimeraProxyServer
import ChimeraRelay
import ChimeraServerSupport
import ChimeraSimulator
import Foundation
import Logging

/// A `chimera proxy` in front of a provider simulator, both on free loopback ports, as
/// `chimera proxy --simulate` runs them.
public struct SimulatedProxy: Sendable {
    /// The proxy.
    public let proxy: RunningProxy
    /// The simulator behind it.
    public let simulator: RunningSimulator

    /// The proxy's HTTP server.
    public var server: RunningServer { proxy.server }
    /// The proxy's root URL.
    public var baseURL: URL { proxy.baseURL }

    /// Starts a simulator and a proxy whose upstreams are all the simulator.
    public static func start(
        configuration: ChimeraConfiguration = ChimeraConfiguration(),
        options: ProxyServer.Options = .init(),
        host: String = "127.0.0.1",
        port: Int = 0,
        observer: RelayObserver? = nil,
        logger: Logger = Logger(label: "chimera.proxy", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> SimulatedProxy {
        let simulator = try await ProviderSimulator.start()
        do {
            let proxy = try await RunningProxy.start(
                configuration: simulator.configuring(configuration), options: options, host: host, port: port, observer: observer, logger: logger
            )
            return SimulatedProxy(proxy: proxy, simulator: simulator)
        } catch {
            try await simulator.shutdown()
            throw error
        }
    }

    /// Stops the proxy, then the simulator.
    public func shutdown() async throws {
        try await proxy.shutdown()
        try await simulator.shutdown()
    }
}
