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
    /// Feeds the monitor into the recorder; `nil` in direct mode.
    let sampler: ProxyHealthSampler?

    /// The status of a server running `service`.
    init(service: LLMService) {
        let recorder = StatusRecorder()
        let configuration = service.configuration
        let sampler = service.proxyHealthMonitor.map { ProxyHealthSampler(monitor: $0, recorder: recorder) }
        let info = StatusInfo(
            server: "chimera serve", configuration: configuration, role: .client, healthTitle: "Proxy health",
            healthAbsence: sampler == nil ? "Direct mode (API_CONNECTION_MODE=direct): there is no proxy to monitor." : nil
        )
        self.sampler = sampler
        self.endpoint = StatusEndpoint(recorder: recorder, info: info, refresh: { sampler?.sample() })
    }

    /// The services to run next to the server: the sampler, in proxy mode.
    var services: [any Service] { sampler.map { [$0] } ?? [] }
}

extension APIServer {
    /// `GET /status` and `GET /status.json`, behind the server's key like every route but `/health`.
    func addStatusRoutes(to router: Router<APIRequestContext>) {
        router.addStatusRoutes(status.endpoint)
    }
}
