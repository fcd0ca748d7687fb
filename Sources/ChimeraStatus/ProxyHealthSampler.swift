import ChimeraCore
import ChimeraTransport
import Foundation
import ServiceLifecycle
import Synchronization

/// Feeds `chimera serve`'s proxy health monitor into a ``StatusRecorder``: every second (and
/// whenever the page is asked for) it reads the monitor's report and records the checks that
/// finished since, and any change of status a request caused between checks.
///
/// Run it as a ServiceLifecycle `Service` next to the monitor.
public final class ProxyHealthSampler: Service, Sendable {
    private let monitor: ProxyHealthMonitor
    private let recorder: StatusRecorder
    /// The band's name: `proxy <url>`, credentials masked.
    public let subject: String
    private let last = Mutex<Seen?>(nil)

    private struct Seen {
        var checks: Int
        var failedChecks: Int
        var status: ProxyHealthStatus
    }

    /// Creates a sampler of `monitor` into `recorder`.
    public init(monitor: ProxyHealthMonitor, recorder: StatusRecorder) {
        self.monitor = monitor
        self.recorder = recorder
        self.subject = "proxy \(Redaction.redact(monitor.proxyURL.absoluteString))"
    }

    /// Samples every second until cancelled or the service group shuts down gracefully.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                self.sample()
                do {
                    try await Task.sleep(for: .seconds(1))
                } catch {
                    return  // Only cancellation interrupts the sleep: the sampler is done.
                }
            }
        }
    }

    /// Records what changed in the monitor's report since the last sample.
    public func sample() {
        let report = monitor.report
        let now = Date()
        last.withLock { last in
            let checks = report.totals.checks - (last?.checks ?? 0)
            let failures = report.totals.failedChecks - (last?.failedChecks ?? 0)
            guard checks > 0 || report.status != last?.status else { return }
            // A successful check's latency is the report's last latency; a failed one has none.
            let latency = checks > failures ? report.latency?.lastMilliseconds : nil
            recorder.observe(subject, HealthObservation(
                status: report.status, reason: report.reason, checks: checks, failures: failures, latencyMilliseconds: latency
            ), at: now)
            last = Seen(checks: report.totals.checks, failedChecks: report.totals.failedChecks, status: report.status)
        }
    }
}
