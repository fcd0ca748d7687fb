import ChimeraCore
import ChimeraRelay
import ChimeraStatus
import ChimeraTransport
import ChimeraWire
import Hummingbird

/// `chimera proxy`'s status page: the requests it relayed and, per upstream it can reach, a
/// health band fed by those requests as ``UpstreamHealth`` judges them.
struct ProxyStatus: Sendable {
    let endpoint: StatusEndpoint
    private let health: UpstreamHealth

    /// The status of a proxy running with `configuration` (its upstream configuration).
    init(configuration: ChimeraConfiguration, health: UpstreamHealth) {
        let recorder = StatusRecorder(subjects: health.configured.map(\.rawValue))
        let info = StatusInfo(server: "chimera proxy", configuration: configuration, role: .proxyServer, healthTitle: "Upstream health", healthCounts: "requests")
        self.endpoint = StatusEndpoint(recorder: recorder, info: info)
        self.health = health
    }

    /// The observer to give the ``Relay``: each request goes into the table and charts, and into
    /// its upstream's band: unhealthy once ``UpstreamHealth`` says so, degraded after a failure
    /// that was the upstream's, healthy otherwise.
    var observer: RelayObserver {
        RelayObserver { [endpoint, health] record in
            endpoint.recorder.record(RequestSummary(record))
            // A bad request or a caller that left says nothing about the upstream.
            guard let provider = record.provider, record.error.map(UpstreamHealth.countsAgainstUpstream) ?? true else { return }
            let failed = record.error != nil
            let status: ProxyHealthStatus = !health.isHealthy(provider) ? .unhealthy : failed ? .degraded : .healthy
            let latency = failed ? nil : (record.timeToFirstEvent ?? record.latency).seconds * 1000
            endpoint.recorder.observe(provider.rawValue, HealthObservation(
                status: status,
                reason: record.error.map { "the last request failed: \($0.kind)" } ?? "the last request succeeded",
                checks: 1,
                failures: failed ? 1 : 0,
                latencyMilliseconds: latency
            ))
        }
    }
}

extension ProxyServer {
    /// `GET /status` and `GET /status.json`, behind the proxy's key like the data plane.
    func addStatusRoutes(to router: Router<ProxyRequestContext>, _ status: ProxyStatus) {
        router.group()
            .add(middleware: ProxyKeyMiddleware<ProxyRequestContext>(key: options.apiKey, caller: ProtocolBindings.binding(for: .openAIChat)))
            .addStatusRoutes(status.endpoint)
    }
}
