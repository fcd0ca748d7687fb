/// What the health monitor concludes about the proxy.
public enum ProxyHealthStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// No check has finished and no request has gone through the proxy yet.
    case unknown
    /// The proxy answers its liveness check promptly and reports no unhealthy upstreams.
    case healthy
    /// The proxy answers, but not reliably: a recent check failed, checks fail intermittently,
    /// the last check was slow, or the proxy reports unhealthy upstream providers.
    case degraded
    /// The proxy cannot be relied on: a connection to it was refused, or several checks in a row failed.
    case unhealthy
}
