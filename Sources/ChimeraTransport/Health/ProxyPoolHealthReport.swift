/// The health of several proxies (`PROXY_SERVER_URL` with a list), as `GET /health/proxy` and
/// `chimera health --json` show it then: one verdict over them all, and each proxy's
/// ``ProxyHealthReport``.
public struct ProxyPoolHealthReport: Sendable, Hashable, Codable {
    /// The verdict over all proxies: their common status when they agree, otherwise
    /// ``ProxyHealthStatus/degraded`` (requests still find a way, with less to spare).
    public var status: ProxyHealthStatus
    /// Each proxy's report, in the configured order.
    public var proxies: [ProxyHealthReport]

    /// The report over `proxies`.
    public init(_ proxies: [ProxyHealthReport]) {
        self.proxies = proxies
        let statuses = Set(proxies.map(\.status))
        self.status = statuses.count == 1 ? statuses.first! : .degraded
    }
}
