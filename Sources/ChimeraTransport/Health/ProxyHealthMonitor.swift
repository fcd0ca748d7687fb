import AsyncAlgorithms
import ChimeraCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Watches the LLM proxy and says whether it can be relied on: `healthy`, `degraded`,
/// `unhealthy`, or `unknown` before it knows.
///
/// It learns two ways:
/// - **checks**: run as a ServiceLifecycle `Service` (in the server's `ServiceGroup`), it runs a
///   ``ProxyProbe`` at once and then every ``Configuration/interval``; a check that outlives
///   ``Configuration/checkTimeout`` fails. Graceful shutdown cancels the loop and any check in
///   flight (`cancelWhenGracefulShutdown`, the closure form of `cancelOnGracefulShutdown()`, so
///   shutdown never waits for a slow check);
/// - **real requests**: hand ``observer`` to the providers; every attempt through the proxy is
///   reported, and one that could not reach the proxy marks it unhealthy at once, without waiting
///   for the next check.
///
/// The rules that turn outcomes into a status are those of ``ProxyHealthLedger``. Each change of
/// status is logged once, with its reason: unhealthy at `error`, degraded at `warning`, recovery
/// at `notice`, the first verdict at `info`. Logs, the ``report`` and its errors never hold a
/// secret.
///
/// ```swift
/// let monitor = ProxyHealthMonitor(proxy: configuration.proxy, transport: transport, logger: logger)
/// let server = try await RunningServer.start(router: router, services: [monitor])
/// print(monitor.status, monitor.report.latency?.p95Milliseconds ?? 0)
/// ```
public final class ProxyHealthMonitor: Service, Sendable {
    /// The period, time limit and thresholds in force.
    public let configuration: Configuration
    /// The proxy's base URL.
    public let proxyURL: URL
    /// The protocol Chimera's hop to the proxy is configured to speak (`PROXY_PROTOCOL`), for the report.
    public let protocolPreference: ProxyProtocolPreference

    private let probe: ProxyProbe
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var ledger: ProxyHealthLedger
        var isRunning = false
        var unhealthyWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    /// Creates a monitor; it checks nothing until ``run()`` or ``ping()``.
    ///
    /// - Parameters:
    ///   - proxy: Where the proxy is, its key, the protocol preference and the check period
    ///     (`PROXY_HEALTH_CHECK_INTERVAL_SECONDS`).
    ///   - transport: The shared HTTP transport.
    ///   - configuration: Period, time limit and thresholds; by default those of `proxy`.
    ///   - logger: Where status changes are logged.
    public init(
        proxy: ProxyConfiguration,
        transport: HTTPTransport,
        configuration: Configuration? = nil,
        logger: Logger = Logger(label: "chimera.health", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        let configuration = configuration ?? Configuration(proxy: proxy)
        self.configuration = configuration
        self.proxyURL = proxy.serverURL
        self.protocolPreference = proxy.wireProtocol
        self.probe = ProxyProbe(proxyURL: proxy.serverURL, apiKey: proxy.apiKey, transport: transport, timeout: configuration.checkTimeout)
        var logger = logger
        logger[metadataKey: "proxy_url"] = "\(Redaction.redact(proxy.serverURL.absoluteString))"
        self.logger = logger
        self.state = Mutex(State(ledger: ProxyHealthLedger(configuration: configuration)))
    }

    /// Checks the proxy at once and then every ``Configuration/interval`` until the task is
    /// cancelled or the service group shuts down gracefully.
    public func run() async throws {
        state.withLock { $0.isRunning = true }
        defer { state.withLock { $0.isRunning = false } }
        let interval = configuration.interval
        await cancelWhenGracefulShutdown {
            await self.ping()
            for await _ in AsyncTimerSequence(interval: interval, clock: ContinuousClock()) {
                await self.ping()
            }
        }
    }

    /// Checks the proxy once, now, and records the outcome like a scheduled check.
    ///
    /// `chimera health` uses it for its one-off check.
    ///
    /// - Returns: What the check found; ``status`` has already taken it into account.
    @discardableResult
    public func ping() async -> ProxyProbe.Result {
        let result = await probe.run(logger: logger)
        // A check cut short by shutdown learnt nothing about the proxy.
        if !result.wasCancelled {
            update { ledger, now in ledger.record(check: result, at: now) }
        }
        return result
    }

    /// An observer to hand to the providers that go through the proxy: it reports every attempt
    /// on the ``Route/proxy`` route to the monitor and ignores the others.
    public var observer: RequestObserver {
        RequestObserver { [self] attempt in
            guard attempt.route == .proxy else { return }
            update { ledger, now in ledger.record(request: attempt.error, over: attempt.wireProtocol, at: now) }
        }
    }

    /// The current status.
    public var status: ProxyHealthStatus {
        state.withLock { $0.ledger.status }
    }

    /// Whether ``run()`` is running, so that checks keep ``status`` current; fallback trusts an
    /// `unhealthy` verdict only then.
    public var isRunning: Bool {
        state.withLock { $0.isRunning }
    }

    /// The protocols the proxy's `/health` advertised at the last successful check (`nil` when it
    /// names none or no check has succeeded), for protocol negotiation.
    public var advertisedProtocols: [String]? {
        state.withLock { $0.ledger.protocols }
    }

    /// Everything the monitor knows, as one value.
    public var report: ProxyHealthReport {
        let ledger = state.withLock { $0.ledger }
        return ProxyHealthReport(
            proxyURL: Redaction.redact(proxyURL.absoluteString),
            protocolPreference: protocolPreference,
            wireProtocol: WireProtocol(rawValue: protocolPreference.rawValue) ?? ledger.lastAnsweredProtocol,
            advertisedProtocols: ledger.protocols,
            status: ledger.status,
            reason: ledger.reason,
            since: ledger.since,
            lastCheckAt: ledger.lastCheckAt,
            checkIntervalSeconds: configuration.interval.seconds,
            checkTimeoutSeconds: configuration.checkTimeout.seconds,
            windowSize: configuration.windowSize,
            checksInWindow: ledger.samples.count,
            availability: ledger.availability,
            latency: ledger.latency,
            consecutiveFailures: ledger.consecutiveFailures,
            totals: ledger.totals,
            lastError: ledger.lastError,
            lastErrorAt: ledger.lastErrorAt,
            upstreams: ledger.upstreams,
            transitions: ledger.transitions
        )
    }

    /// Returns once the status is ``ProxyHealthStatus/unhealthy`` (at once if it already is), or
    /// when the calling task is cancelled.
    ///
    /// Fallback races a request through the proxy against this, so that it goes direct as soon as
    /// the proxy is known to be down instead of waiting through the proxy's retries.
    public func waitUntilUnhealthy() async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    // Cancellation is checked under the lock so a cancellation that came before
                    // the continuation was stored cannot be lost.
                    if state.ledger.status == .unhealthy || Task.isCancelled { return true }
                    state.unhealthyWaiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.unhealthyWaiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Applies one record to the ledger, then wakes waiters and logs the change, if any, outside the lock.
    private func update(_ record: (inout ProxyHealthLedger, Date) -> ProxyHealthTransition?) {
        let (transition, waiters, failures) = state.withLock { state in
            let transition = record(&state.ledger, Date())
            var waiters: [CheckedContinuation<Void, Never>] = []
            if transition?.to == .unhealthy {
                waiters = Array(state.unhealthyWaiters.values)
                state.unhealthyWaiters = [:]
            }
            return (transition, waiters, state.ledger.consecutiveFailures)
        }
        for waiter in waiters { waiter.resume() }
        guard let transition else { return }
        let level: Logger.Level = switch transition.to {
        case .unhealthy: .error
        case .degraded: .warning
        case .healthy: transition.from == .unknown ? .info : .notice
        case .unknown: .notice
        }
        logger.log(level: level, "proxy health status changed", metadata: [
            "from": "\(transition.from.rawValue)",
            "to": "\(transition.to.rawValue)",
            "reason": "\(transition.reason)",
            "consecutive_failures": "\(failures)",
        ])
    }
}
