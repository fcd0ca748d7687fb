import ChimeraTransport

/// What one subject of the health bands (the proxy, or one upstream provider) was seen doing:
/// its status after the observation, and the checks or requests it counts.
public struct HealthObservation: Sendable, Hashable {
    /// The status after the observation.
    public var status: ProxyHealthStatus
    /// Why, in one sentence, when the source says.
    public var reason: String?
    /// Checks (or, for an upstream, requests) the observation counts.
    public var checks: Int
    /// Of those, the ones that failed.
    public var failures: Int
    /// The latency of the last successful one, in milliseconds.
    public var latencyMilliseconds: Double?

    /// Creates an observation.
    public init(status: ProxyHealthStatus, reason: String? = nil, checks: Int = 0, failures: Int = 0, latencyMilliseconds: Double? = nil) {
        self.status = status
        self.reason = reason
        self.checks = checks
        self.failures = failures
        self.latencyMilliseconds = latencyMilliseconds
    }
}

extension ProxyHealthStatus {
    /// How bad the status is, for the worst status of a stretch of time.
    var severity: Int {
        switch self {
        case .unknown: 0
        case .healthy: 1
        case .degraded: 2
        case .unhealthy: 3
        }
    }
}
