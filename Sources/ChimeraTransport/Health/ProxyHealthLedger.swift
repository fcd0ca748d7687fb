import ChimeraCore
import Foundation

/// The monitor's memory: the window of recent checks, the counters, and the rules that turn
/// them into a status. A value type without I/O or clocks, so every rule can be tested alone.
///
/// The status, from the worst down:
/// - ``ProxyHealthStatus/unhealthy``: a connection to the proxy was refused (by a check or a
///   real request) and nothing has reached it since, or ``ProxyHealthMonitor/Configuration/unhealthyAfter``
///   checks in a row failed;
/// - ``ProxyHealthStatus/degraded``: the last check failed (and no request was answered since),
///   or enough of the recent ones did (``ProxyHealthMonitor/Configuration/degradedAfterRecentFailures``:
///   the proxy flaps), or the last check was slow, or the proxy reports unhealthy upstream providers;
/// - ``ProxyHealthStatus/healthy``: none of that;
/// - ``ProxyHealthStatus/unknown``: no check has finished and nothing says the proxy is down.
///
/// Real requests only ever add evidence about reachability: a refused one marks the proxy
/// unhealthy at once, an answered one (any HTTP status) clears that mark. They never enter the
/// check statistics, whose latencies would otherwise mix liveness with model generation time.
///
/// A proxy back after an outage (the status was unhealthy) is healthy at the first check or
/// request it answers: the failures of the outage are behind it, not a sign of flapping, so they
/// no longer count among the recent checks.
struct ProxyHealthLedger: Sendable {
    /// One finished check.
    struct Sample: Sendable, Hashable {
        var latency: Duration
        var succeeded: Bool
    }

    let configuration: ProxyHealthMonitor.Configuration
    private(set) var samples: [Sample] = []
    private(set) var status: ProxyHealthStatus = .unknown
    private(set) var reason = "no health check has run yet"
    private(set) var since: Date?
    private(set) var consecutiveFailures = 0
    private(set) var totals = ProxyHealthReport.Totals()
    private(set) var lastError: String?
    private(set) var lastErrorAt: Date?
    private(set) var lastCheckAt: Date?
    private(set) var protocols: [String]?
    /// The encoding of the last request through the proxy that succeeded.
    private(set) var lastAnsweredProtocol: WireProtocol?
    private(set) var upstreams: UpstreamSummary?
    private(set) var transitions: [ProxyHealthTransition] = []
    /// A refusal was seen and nothing has reached the proxy since.
    private var refused = false
    /// A request was answered after the last check, which failed: the proxy is back whatever it said.
    private var answeredSinceFailedCheck = false
    /// Checks recorded since the proxy came back from its last outage; `nil` before any outage
    /// ended. Only these count as recent for the flapping rule.
    private var checksSinceOutage: Int?

    init(configuration: ProxyHealthMonitor.Configuration) {
        self.configuration = configuration
    }

    /// Records a finished check.
    ///
    /// - Returns: The status change it caused, if any.
    mutating func record(check result: ProxyProbe.Result, at date: Date) -> ProxyHealthTransition? {
        totals.checks += 1
        lastCheckAt = date
        answeredSinceFailedCheck = false
        samples.append(Sample(latency: result.latency, succeeded: result.isAlive))
        if samples.count > configuration.windowSize { samples.removeFirst(samples.count - configuration.windowSize) }
        if let error = result.error {
            totals.failedChecks += 1
            consecutiveFailures += 1
            noteError(error, at: date)
            if result.wasRefused { refused = true }
            upstreams = nil
        } else {
            endOutage()
            protocols = result.protocols
            upstreams = result.upstreams
        }
        checksSinceOutage = checksSinceOutage.map { $0 + 1 }
        return settle(at: date)
    }

    /// Records a real request through the proxy.
    ///
    /// - Parameters:
    ///   - error: The request's failure, or `nil` when it succeeded.
    ///   - wireProtocol: The encoding the request spoke.
    /// - Returns: The status change it caused, if any.
    mutating func record(request error: ChimeraError?, over wireProtocol: WireProtocol, at date: Date) -> ProxyHealthTransition? {
        totals.observedRequests += 1
        if error == nil { lastAnsweredProtocol = wireProtocol }
        if let error, error.kind == .proxyUnavailable {
            totals.unreachableRequests += 1
            refused = true
            noteError(error, at: date)
        } else if error == nil || error?.status != nil {
            // The proxy answered (an HTTP error status is still an answer): it is reachable.
            endOutage()
            if samples.last?.succeeded == false { answeredSinceFailedCheck = true }
        }
        // Timeouts and cancellations say nothing about the proxy: a slow model looks the same.
        return settle(at: date)
    }

    /// Fraction of successful checks in the window; `nil` before the first check.
    var availability: Double? {
        samples.isEmpty ? nil : Double(samples.count { $0.succeeded }) / Double(samples.count)
    }

    /// Latency of the successful checks in the window.
    var latency: LatencySummary? {
        LatencySummary(samples.filter(\.succeeded).map(\.latency))
    }

    /// Evidence that the proxy is reachable: a refusal no longer stands, the failed checks in a
    /// row are over, and the failures of an outage stop counting as recent.
    private mutating func endOutage() {
        if status == .unhealthy { checksSinceOutage = 0 }
        consecutiveFailures = 0
        refused = false
    }

    private mutating func noteError(_ error: ChimeraError, at date: Date) {
        lastError = error.description
        lastErrorAt = date
    }

    /// Re-derives the status; records and returns a transition when it changed.
    private mutating func settle(at date: Date) -> ProxyHealthTransition? {
        let (newStatus, newReason) = verdict()
        reason = newReason
        guard newStatus != status else { return nil }
        let transition = ProxyHealthTransition(from: status, to: newStatus, at: date, reason: newReason)
        status = newStatus
        since = date
        transitions.append(transition)
        if transitions.count > configuration.transitionsKept { transitions.removeFirst(transitions.count - configuration.transitionsKept) }
        return transition
    }

    private func verdict() -> (ProxyHealthStatus, String) {
        let lastError = self.lastError ?? "unknown error"
        if refused {
            return (.unhealthy, "the proxy refused the connection: \(lastError)")
        }
        if consecutiveFailures >= configuration.unhealthyAfter {
            return (.unhealthy, "\(consecutiveFailures) health checks in a row failed; the last: \(lastError)")
        }
        if answeredSinceFailedCheck {
            return (.healthy, "the proxy answered a request after its last health check failed")
        }
        guard let last = samples.last else {
            return (.unknown, "no health check has run yet")
        }
        if !last.succeeded {
            return (.degraded, "the last health check failed: \(lastError)")
        }
        let recent = samples.suffix(min(configuration.recentChecks, checksSinceOutage ?? .max))
        let recentFailures = recent.count { !$0.succeeded }
        if recentFailures >= configuration.degradedAfterRecentFailures {
            return (.degraded, "\(recentFailures) of the last \(recent.count) health checks failed")
        }
        if last.latency > configuration.slowCheck {
            return (.degraded, "the last health check took \(Self.format(last.latency)), over the limit of \(Self.format(configuration.slowCheck))")
        }
        if let upstreams, !upstreams.summaryHealth {
            return (.degraded, "the proxy reports \(upstreams.unhealthyCount) of \(upstreams.count) upstream providers unhealthy")
        }
        return (.healthy, "the proxy answered its last health check in \(Self.format(last.latency))")
    }

    private static func format(_ duration: Duration) -> String {
        let milliseconds = duration.milliseconds
        return milliseconds < 10 ? String(format: "%.1f ms", milliseconds) : "\(Int(milliseconds.rounded())) ms"
    }
}
