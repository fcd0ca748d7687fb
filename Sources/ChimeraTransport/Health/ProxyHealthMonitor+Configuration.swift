import ChimeraCore

extension ProxyHealthMonitor {
    /// How often the monitor checks, how long a check may take, and the thresholds that turn
    /// outcomes into a status.
    public struct Configuration: Sendable, Hashable {
        /// The period of the checks (`PROXY_HEALTH_CHECK_INTERVAL_SECONDS`).
        public var interval: Duration
        /// The time limit of each request of a check.
        public var checkTimeout: Duration
        /// How many recent checks availability and latency statistics cover.
        public var windowSize: Int
        /// Failed checks in a row that make the proxy unhealthy.
        public var unhealthyAfter: Int
        /// How many of the latest checks are looked at for intermittent failures.
        public var recentChecks: Int
        /// Failed checks among the ``recentChecks`` latest that make the proxy degraded even when
        /// the last check succeeded (it is flapping); the failures of an outage the proxy came back
        /// from do not count.
        public var degradedAfterRecentFailures: Int
        /// A successful check slower than this makes the proxy degraded.
        public var slowCheck: Duration
        /// How many status changes the report keeps.
        public var transitionsKept: Int

        /// Creates a configuration; every value has a default.
        public init(
            interval: Duration = .seconds(30),
            checkTimeout: Duration = .seconds(5),
            windowSize: Int = 100,
            unhealthyAfter: Int = 3,
            recentChecks: Int = 10,
            degradedAfterRecentFailures: Int = 2,
            slowCheck: Duration = .seconds(1),
            transitionsKept: Int = 20
        ) {
            self.interval = interval
            self.checkTimeout = checkTimeout
            self.windowSize = max(windowSize, 1)
            self.unhealthyAfter = max(unhealthyAfter, 1)
            self.recentChecks = max(recentChecks, 1)
            self.degradedAfterRecentFailures = max(degradedAfterRecentFailures, 1)
            self.slowCheck = slowCheck
            self.transitionsKept = max(transitionsKept, 1)
        }

        /// The defaults, with the period of `proxy` and a check timeout of 5 s (or the proxy's
        /// request timeout, if that is shorter).
        public init(proxy: ProxyConfiguration) {
            self.init(interval: proxy.healthCheckInterval, checkTimeout: min(.seconds(5), proxy.timeouts.request))
        }
    }
}
