import ChimeraCore
import Foundation

/// Everything the health monitor knows about the proxy, as `GET /health/proxy` and
/// `chimera health --json` show it.
///
/// Encoded with snake_case keys; dates follow the encoder's strategy (the API server writes
/// ISO 8601). Nothing in it holds a secret: the URL and the errors are redacted.
public struct ProxyHealthReport: Sendable, Hashable, Codable {
    /// The proxy's base URL, credentials masked.
    public var proxyURL: String
    /// The protocol Chimera's hop to the proxy is configured to speak (`PROXY_PROTOCOL`).
    public var protocolPreference: ProxyProtocolPreference
    /// The wire protocol of Chimera's hop to the proxy: the configured one, or with `auto` (where
    /// each request speaks protobuf exactly when the proxy offers it, see ``advertisedProtocols``)
    /// the one the last successful request through the proxy spoke; `nil` before there was one.
    public var wireProtocol: WireProtocol?
    /// The protocols the proxy's `/health` advertises (`"protocols"`), or `nil` when it names
    /// none (AIClient-2-API names none and speaks JSON only).
    public var advertisedProtocols: [String]?
    /// The current status.
    public var status: ProxyHealthStatus
    /// Why the status is what it is, in one sentence.
    public var reason: String
    /// When the status last changed; `nil` while it is still ``ProxyHealthStatus/unknown``.
    public var since: Date?
    /// When the last check finished.
    public var lastCheckAt: Date?
    /// The period of the checks, in seconds.
    public var checkIntervalSeconds: Double
    /// The time limit of one check, in seconds.
    public var checkTimeoutSeconds: Double
    /// How many recent checks the statistics cover at most.
    public var windowSize: Int
    /// How many checks the statistics cover now.
    public var checksInWindow: Int
    /// The fraction of checks in the window that succeeded, 0 to 1; `nil` before the first check.
    public var availability: Double?
    /// Latency of the successful checks in the window; `nil` before the first success.
    public var latency: LatencySummary?
    /// Checks that failed in a row, up to the last one.
    public var consecutiveFailures: Int
    /// Counts since the monitor started.
    public var totals: Totals
    /// The last failure, redacted.
    public var lastError: String?
    /// When the last failure happened.
    public var lastErrorAt: Date?
    /// What the proxy's `/provider_health` says about its upstream providers, when it serves it.
    public var upstreams: UpstreamSummary?
    /// The most recent status changes, oldest first.
    public var transitions: [ProxyHealthTransition]

    /// Counts since the monitor started.
    public struct Totals: Sendable, Hashable, Codable {
        /// Checks run.
        public var checks: Int
        /// Checks that failed.
        public var failedChecks: Int
        /// Requests through the proxy that the monitor was told about.
        public var observedRequests: Int
        /// Of those, the ones that could not reach the proxy.
        public var unreachableRequests: Int

        /// Creates counts.
        public init(checks: Int = 0, failedChecks: Int = 0, observedRequests: Int = 0, unreachableRequests: Int = 0) {
            self.checks = checks
            self.failedChecks = failedChecks
            self.observedRequests = observedRequests
            self.unreachableRequests = unreachableRequests
        }

        enum CodingKeys: String, CodingKey {
            case checks
            case failedChecks = "failed_checks"
            case observedRequests = "observed_requests"
            case unreachableRequests = "unreachable_requests"
        }
    }

    enum CodingKeys: String, CodingKey {
        case proxyURL = "proxy_url"
        case protocolPreference = "protocol_preference"
        case wireProtocol = "protocol"
        case advertisedProtocols = "advertised_protocols"
        case status, reason, since
        case lastCheckAt = "last_check_at"
        case checkIntervalSeconds = "check_interval_seconds"
        case checkTimeoutSeconds = "check_timeout_seconds"
        case windowSize = "window_size"
        case checksInWindow = "checks_in_window"
        case availability, latency
        case consecutiveFailures = "consecutive_failures"
        case totals
        case lastError = "last_error"
        case lastErrorAt = "last_error_at"
        case upstreams, transitions
    }
}

/// One change of the proxy's health status.
public struct ProxyHealthTransition: Sendable, Hashable, Codable {
    /// The status before.
    public var from: ProxyHealthStatus
    /// The status after.
    public var to: ProxyHealthStatus
    /// When it changed.
    public var at: Date
    /// Why, in one sentence.
    public var reason: String

    /// Creates a transition.
    public init(from: ProxyHealthStatus, to: ProxyHealthStatus, at: Date, reason: String) {
        self.from = from
        self.to = to
        self.at = at
        self.reason = reason
    }
}

/// The summary of the proxy's `GET /provider_health` (AIClient-2-API's fields).
public struct UpstreamSummary: Sendable, Hashable, Codable {
    /// The proxy's own verdict over its upstream providers.
    public var summaryHealth: Bool
    /// How many upstream providers (pool entries) it counts.
    public var count: Int
    /// How many of them are unhealthy.
    public var unhealthyCount: Int

    /// Creates a summary.
    public init(summaryHealth: Bool, count: Int, unhealthyCount: Int) {
        self.summaryHealth = summaryHealth
        self.count = count
        self.unhealthyCount = unhealthyCount
    }

    enum CodingKeys: String, CodingKey {
        case summaryHealth = "summary_health"
        case count
        case unhealthyCount = "unhealthy_count"
    }
}
