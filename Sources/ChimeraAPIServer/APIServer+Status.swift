import Chimera
import ChimeraCore
import ChimeraStatus
import ChimeraTransport
import Hummingbird
import ServiceLifecycle

/// `chimera serve`'s status page: the requests it relayed and, in proxy mode, the proxy health
/// monitor's verdicts over the hour.
struct ServeStatus: Sendable {
    let endpoint: StatusEndpoint
    /// Feed the monitors into the recorder, one per proxy; none in direct mode.
    let samplers: [ProxyHealthSampler]

    /// The status of a server running `service`.
    init(service: LLMService) {
        let recorder = StatusRecorder()
        let configuration = service.configuration
        let samplers = service.proxyHealthMonitors.map { ProxyHealthSampler(monitor: $0, recorder: recorder) }
        let info = StatusInfo(
            server: "chimera serve", configuration: configuration, role: .client, healthTitle: "Proxy health",
            healthAbsence: samplers.isEmpty ? "Direct mode (API_CONNECTION_MODE=direct): there is no proxy to monitor." : nil
        )
        self.samplers = samplers
        self.endpoint = StatusEndpoint(recorder: recorder, info: info, refresh: { for sampler in samplers { sampler.sample() } })
    }

    /// The services to run next to the server: the samplers, in proxy mode.
    var services: [any Service] { samplers }
}

extension APIServer {
    /// `GET /status` and `GET /status.json`, behind the server's key like every route but `/health`.
    func addStatusRoutes(to router: Router<APIRequestContext>) {
        router.addStatusRoutes(status.endpoint)
    }
}
