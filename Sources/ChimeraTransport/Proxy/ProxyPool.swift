import ChimeraCore
import Synchronization

/// The proxies of `PROXY_SERVER_URL`, each with its own health monitor and count of requests
/// in flight, shared by every provider that reaches them, so that the load one provider puts on
/// a proxy counts for all.
public final class ProxyPool: Sendable {
    /// The health monitors, one per proxy, in the configured order.
    public let monitors: [ProxyHealthMonitor]

    /// Requests in flight to each proxy, in the configured order.
    private let inFlight: Mutex<[Int]>

    /// Creates a pool over `monitors`, one per proxy.
    public init(monitors: [ProxyHealthMonitor]) {
        precondition(!monitors.isEmpty, "a proxy pool has at least one proxy")
        self.monitors = monitors
        self.inFlight = Mutex(Array(repeating: 0, count: monitors.count))
    }

    /// The proxies to try for one request, as indices into ``monitors``, best first: healthy (or
    /// not yet checked) before degraded before unhealthy, and among equals the one with the
    /// fewest requests in flight, then the configured order.
    ///
    /// Unhealthy proxies stay in the list, last: their circuits fail at once, except for the
    /// periodic trial that finds a proxy back before its next check does.
    func candidates() -> [Int] {
        let loads = requestsInFlight
        let ranks = monitors.indices.map { index in (rank: Self.rank(monitors[index].status), load: loads[index], index: index) }
        return ranks.sorted { ($0.rank, $0.load, $0.index) < ($1.rank, $1.load, $1.index) }.map(\.index)
    }

    /// Counts a request in flight to proxy `index` until the returned ticket is released.
    func admit(_ index: Int) -> Ticket {
        inFlight.withLock { $0[index] += 1 }
        return Ticket(pool: self, index: index)
    }

    /// The requests in flight to each proxy, in the configured order.
    public var requestsInFlight: [Int] {
        inFlight.withLock { $0 }
    }

    private static func rank(_ status: ProxyHealthStatus) -> Int {
        switch status {
        case .healthy, .unknown: 0
        case .degraded: 1
        case .unhealthy: 2
        }
    }

    /// One request in flight to one proxy; counted until released or dropped, so a stream whose
    /// reader walks away still stops counting.
    final class Ticket: Sendable {
        private let pool: ProxyPool
        private let index: Int
        private let isReleased = Atomic(false)

        fileprivate init(pool: ProxyPool, index: Int) {
            self.pool = pool
            self.index = index
        }

        /// Stops counting the request; later calls do nothing.
        func release() {
            guard !isReleased.exchange(true, ordering: .relaxed) else { return }
            pool.inFlight.withLock { $0[index] -= 1 }
        }

        deinit { release() }
    }
}
