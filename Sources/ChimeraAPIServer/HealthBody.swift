import ChimeraCore
import ChimeraTransport
import Foundation

/// The body of `GET /health`.
///
/// ```json
/// {"status": "ok", "version": "0.1.0", "uptime_seconds": 42.1, "mode": "proxy",
///  "providers": [{"id": "openai", "name": "OpenAI", "configured": true}, …],
///  "proxy": {"url": "http://localhost:8080", "status": "healthy", "reason": "…",
///            "since": "2026-…Z", "availability": 1, "consecutive_failures": 0,
///            "protocol_preference": "json", "protocol": "json", "fallback_to_direct": false}}
/// ```
///
/// `status` is `ok`, or `degraded` while the proxy is degraded or unhealthy; the process itself
/// answers either way, so the HTTP status is always 200.
struct HealthBody: Encodable {
    var status: String
    var version: String
    var uptimeSeconds: Double
    var mode: String
    var providers: [Provider]
    var proxy: ProxySummary?
    /// Each proxy, when `PROXY_SERVER_URL` names several (``proxy`` is then absent).
    var proxies: [ProxySummary]?

    enum CodingKeys: String, CodingKey {
        case status, version, mode, providers, proxy, proxies
        case uptimeSeconds = "uptime_seconds"
    }

    /// One provider and whether it can be called in the current mode.
    struct Provider: Encodable {
        var id: String
        var name: String
        var configured: Bool
    }

    /// The proxy, in a few fields; `GET /health/proxy` has the rest.
    struct ProxySummary: Encodable {
        var url: String
        var status: ProxyHealthStatus
        var reason: String
        var since: Date?
        var availability: Double?
        var consecutiveFailures: Int
        var protocolPreference: ProxyProtocolPreference
        var wireProtocol: WireProtocol?
        var fallbackToDirect: Bool

        init(_ report: ProxyHealthReport, fallbackToDirect: Bool) {
            url = report.proxyURL
            status = report.status
            reason = report.reason
            since = report.since
            availability = report.availability
            consecutiveFailures = report.consecutiveFailures
            protocolPreference = report.protocolPreference
            wireProtocol = report.wireProtocol
            self.fallbackToDirect = fallbackToDirect
        }

        enum CodingKeys: String, CodingKey {
            case url, status, reason, since, availability
            case consecutiveFailures = "consecutive_failures"
            case protocolPreference = "protocol_preference"
            case wireProtocol = "protocol"
            case fallbackToDirect = "fallback_to_direct"
        }
    }
}
