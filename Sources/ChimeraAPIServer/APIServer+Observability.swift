import ChimeraCore
import ChimeraTransport
import Hummingbird

extension APIServer {
    /// `GET /health`: the process, its providers and, in proxy mode, the proxy in brief.
    func health() throws -> Response {
        let configuration = service.configuration
        let proxy = service.proxyHealthMonitor.map {
            HealthBody.ProxySummary($0.report, fallbackToDirect: configuration.proxy.fallbackToDirect)
        }
        let proxyTroubled = proxy.map { $0.status == .degraded || $0.status == .unhealthy } ?? false
        return try .json(HealthBody(
            status: proxyTroubled ? "degraded" : "ok",
            version: Self.version,
            uptimeSeconds: (uptime.seconds * 1000).rounded() / 1000,
            mode: configuration.connectionMode.rawValue,
            providers: ProviderID.allCases.map { HealthBody.Provider(id: $0.rawValue, name: $0.displayName, configured: isConfigured($0)) },
            proxy: proxy
        ))
    }

    /// `GET /health/proxy`: the monitor's full ``ProxyHealthReport``, with status 503 while the
    /// proxy is unhealthy; in direct mode a 200 that says there is no proxy.
    func proxyHealth() throws -> Response {
        guard let monitor = service.proxyHealthMonitor else {
            return try .json(ProxyModeOff())
        }
        let report = monitor.report
        return try .json(report, status: report.status == .unhealthy ? .serviceUnavailable : .ok)
    }

    /// `GET /metrics`: Prometheus text exposition (see ``APIMetrics``).
    func prometheusMetrics() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        let text = metrics.exposition(monitor: service.proxyHealthMonitor)
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
