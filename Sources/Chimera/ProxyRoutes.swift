import ChimeraCore
import ChimeraTransport
import Logging

/// Everything that reaches one proxy: its health monitor, the circuit over the monitor's
/// verdict, its protocol negotiation, and each provider's way through it.
///
/// Built once per proxy of `PROXY_SERVER_URL`; what one provider learns about the proxy (its
/// health, the protocol it speaks) every provider uses.
struct ProxyRoutes: Sendable {
    /// The proxy's health monitor, told about every attempt through the proxy.
    let monitor: ProxyHealthMonitor
    /// The proxy's circuit: while the monitor says it is down, requests fail at once.
    let circuit: ProxyCircuit

    private let providers: [ProviderID: any LLMProvider]
    /// The JSON providers in each family they can be spoken to in, when the hop speaks JSON only
    /// (`PROXY_PROTOCOL=json`).
    private let jsonProviders: [ProviderID: [ProtocolFamily: HTTPProvider]]

    /// Builds the providers of `configuration` as reached through `proxy`, one of its proxies.
    ///
    /// - Parameter callerObserver: Told every attempt, labelled with the proxy it went to
    ///   (credentials stripped), after the monitor.
    init(configuration: ChimeraConfiguration, proxy: ProxyConfiguration, transport: HTTPTransport, observer callerObserver: RequestObserver?, logger: Logger) {
        var configuration = configuration
        configuration.proxy = proxy
        let monitor = ProxyHealthMonitor(proxy: proxy, transport: transport, logger: logger)
        let monitorObserver = monitor.observer
        let label = ProxyConfiguration.label(of: proxy.serverURL)
        let observer = RequestObserver { attempt in
            monitorObserver.record(attempt)
            var labelled = attempt
            labelled.proxy = label
            callerObserver?.record(labelled)
        }
        let negotiation = proxy.wireProtocol != .json
            ? NegotiatedProxyProtocol(proxy: proxy, transport: transport, monitor: monitor, logger: logger)
            : nil
        var providers: [ProviderID: any LLMProvider] = [:]
        var jsonProviders: [ProviderID: [ProtocolFamily: HTTPProvider]] = [:]
        for id in ProviderID.allCases {
            if let negotiation {
                providers[id] = NegotiatingProxyProvider.proxied(id, configuration: configuration, transport: transport, negotiation: negotiation, observer: observer, logger: logger)
            } else {
                let json = HTTPProvider.proxied(id, configuration: configuration, transport: transport, observer: observer, logger: logger)
                providers[id] = json
                jsonProviders[id] = [json.binding.family: json]
                for family in configuration.otherFamilies(spokenBy: id) {
                    jsonProviders[id]?[family] = HTTPProvider.proxied(id, family: family, configuration: configuration, transport: transport, observer: observer, logger: logger)
                }
            }
        }
        self.monitor = monitor
        self.circuit = ProxyCircuit(monitor: monitor)
        self.providers = providers
        self.jsonProviders = jsonProviders
    }

    /// The provider `id` through this proxy, behind its circuit or not.
    func provider(_ id: ProviderID, behindCircuit: Bool) -> any LLMProvider {
        behindCircuit ? CircuitBreakingProvider(proxy: providers[id]!, circuit: circuit) : providers[id]!
    }

    /// The provider `id` in JSON through this proxy in each family it can send a caller's body
    /// in as it is; none when the hop negotiates its protocol.
    func json(_ id: ProviderID) -> [ProtocolFamily: HTTPProvider] {
        jsonProviders[id] ?? [:]
    }
}
