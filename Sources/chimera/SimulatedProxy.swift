import ChimeraCore
import ChimeraProxyServer
import ChimeraSimulator
import Logging

/// The provider simulator and a `chimera proxy` in front of it, on free loopback ports.
func startSimulatedProxy(logger: Logger) async throws -> (RunningProxy, RunningSimulator) {
    let simulator = try await ProviderSimulator.start()
    do {
        let proxy = try await RunningProxy.start(configuration: simulator.configuring(ChimeraConfiguration()), port: 0, logger: logger)
        return (proxy, simulator)
    } catch {
        try await simulator.shutdown()
        throw error
    }
}
