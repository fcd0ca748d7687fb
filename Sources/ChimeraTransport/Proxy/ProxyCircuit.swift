import ChimeraCore
import Synchronization

/// Whether a request may go to the proxy while the health monitor says it is down: a circuit
/// breaker over the monitor's verdict, shared by every provider that reaches the proxy.
///
/// While the monitor says ``ProxyHealthStatus/unhealthy`` the circuit is open and requests fail
/// at once with the monitor's reason, instead of each spending its retries on a proxy known to
/// be down. Once per ``coolDown`` one request goes through as a trial (half-open): if it reaches
/// the proxy, the monitor learns so at once and the circuit closes for everyone; so it does as
/// soon as a health check sees the proxy answer again.
public final class ProxyCircuit: Sendable {
    /// How long the circuit stays open before a trial request is let through.
    public let coolDown: Duration

    private let monitor: ProxyHealthMonitor
    private let state = Mutex(State())

    private struct State {
        /// When the current open period began, or the last trial was let through.
        var lastChance: ContinuousClock.Instant?
        var trialInFlight = false
    }

    /// The default ``coolDown``: short enough that a proxy back after a restart is tried again
    /// soon even without running checks, long enough that a dead proxy sees few trials.
    public static let defaultCoolDown = Duration.seconds(5)

    /// Creates a circuit over `monitor`'s verdict.
    public init(monitor: ProxyHealthMonitor, coolDown: Duration = ProxyCircuit.defaultCoolDown) {
        self.monitor = monitor
        self.coolDown = coolDown
    }

    /// Runs `call` unless the circuit is open, in which case it fails at once.
    ///
    /// - Throws: `call`'s error, or ``ChimeraError/Kind/proxyUnavailable`` (with the monitor's
    ///   reason and what to do) while the proxy is known to be down.
    func run<Value>(provider: ProviderID, _ call: () async throws(ChimeraError) -> Value) async throws(ChimeraError) -> Value {
        guard monitor.status == .unhealthy else {
            state.withLock { $0 = State() }
            return try await call()
        }
        let isTrial = state.withLock { state in
            let now = ContinuousClock.now
            // The request that opened the circuit was its trial: the next one waits a cool-down.
            guard let lastChance = state.lastChance else {
                state.lastChance = now
                return false
            }
            guard !state.trialInFlight, now - lastChance >= coolDown else { return false }
            state.trialInFlight = true
            state.lastChance = now
            return true
        }
        guard isTrial else { throw ProxyErrors.knownDown(provider: provider, reason: monitor.report.reason) }
        defer { state.withLock { $0.trialInFlight = false } }
        return try await call()
    }
}
