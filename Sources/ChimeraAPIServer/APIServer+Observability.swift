import ChimeraCore
import ChimeraTransport
import Hummingbird

extension APIServer {
    /// `GET /health`: the process, its providers and, in proxy mode, the proxy in brief.
    func health() throws -> Response {
        let configuration = service.configuration
        let proxies = service.proxyHealthMonitors.map {
            HealthBody.ProxySummary($0.report, fallbackToDirect: configuration.proxy.fallbackToDirect)
        }
        let proxyTroubled = proxies.contains { $0.status == .degraded || $0.status == .unhealthy }
        return try .json(HealthBody(
            status: proxyTroubled ? "degraded" : "ok",
            version: Self.version,
            uptimeSeconds: (uptime.seconds * 1000).rounded() / 1000,
            mode: configuration.connectionMode.rawValue,
            providers: ProviderID.allCases.map { HealthBody.Provider(id: $0.rawValue, name: $0.displayName, configured: isConfigured($0)) },
            proxy: proxies.count == 1 ? proxies[0] : nil,
            proxies: proxies.count > 1 ? proxies : nil
        ))
    }

    /// `GET /health/proxy`: the monitor's full ``ProxyHealthReport`` (with several proxies, a
    /// ``ProxyPoolHealthReport`` of each), with status 503 while the proxy (every proxy) is
    /// unhealthy; in direct mode a 200 that says there is no proxy.
    func proxyHealth() throws -> Response {
        let monitors = service.proxyHealthMonitors
        guard let first = monitors.first else {
            return try .json(ProxyModeOff())
        }
        guard monitors.count > 1 else {
            let report = first.report
            return try .json(report, status: report.status == .unhealthy ? .serviceUnavailable : .ok)
        }
        let report = ProxyPoolHealthReport(monitors.map(\.report))
        return try .json(report, status: report.status == .unhealthy ? .serviceUnavailable : .ok)
    }

    /// `GET /metrics`: Prometheus text exposition (see ``APIMetrics``).
    func prometheusMetrics() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        let text = metrics.exposition(monitors: service.proxyHealthMonitors)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The `GET /health/proxy` body in direct mode.
    private struct ProxyModeOff: Encodable {
        var mode = ConnectionMode.direct.rawValue
        var proxyMode = false
        var message = "proxy mode is off (API_CONNECTION_MODE=direct): requests go to each provider directly and there is no proxy to monitor"

        enum CodingKeys: String, CodingKey {
            case mode, message
            case proxyMode = "proxy_mode"
        }
    }
}
