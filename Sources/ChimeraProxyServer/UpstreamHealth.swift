import ChimeraCore
import ChimeraTransport
import Foundation
import Synchronization

/// What `chimera proxy` knows of each upstream provider from the requests it forwarded, for
/// `GET /provider_health` (AIClient-2-API's fields, so monitors written for it keep working).
///
/// A provider is unhealthy after ``unhealthyAfter`` consecutive failed attempts that were the
/// upstream's fault (not bad requests), and healthy again after one success.
final class UpstreamHealth: Sendable {
    struct Entry: Sendable {
        var consecutiveFailures = 0
        var lastErrorTime: Date?
        var lastErrorMessage: String?
        var lastSuccessTime: Date?
    }

    /// Consecutive failures that make a provider unhealthy.
    let unhealthyAfter = 3
    private let entries = Mutex([ProviderID: Entry]())
    /// The providers the proxy can reach (configured, or all of them when simulated).
    let configured: [ProviderID]

    init(configured: [ProviderID]) {
        self.configured = configured
    }

    /// The observer to hand to the ``LLMService`` that forwards requests.
    var observer: RequestObserver {
        RequestObserver { [self] attempt in record(attempt) }
    }

    private func record(_ attempt: RequestObserver.Attempt) {
        entries.withLock { entries in
            var entry = entries[attempt.provider] ?? Entry()
            if let error = attempt.error {
                guard Self.countsAgainstUpstream(error) else { return }
                entry.consecutiveFailures += 1
                entry.lastErrorTime = Date()
                entry.lastErrorMessage = error.description
            } else {
                entry.consecutiveFailures = 0
                entry.lastSuccessTime = Date()
            }
            entries[attempt.provider] = entry
        }
    }

    /// Whether a failure is the upstream's fault: a bad request or a caller that left is not.
    static func countsAgainstUpstream(_ error: ChimeraError) -> Bool {
        error.kind != .invalidRequest && error.kind != .cancelled
    }

    /// Whether `provider` has failed fewer than ``unhealthyAfter`` times in a row.
    func isHealthy(_ provider: ProviderID) -> Bool {
        entries.withLock { ($0[provider]?.consecutiveFailures ?? 0) < unhealthyAfter }
    }

    /// The `/provider_health` body.
    ///
    /// - Parameters:
    ///   - provider: Only this provider id (AIClient-2-API's `provider` query parameter).
    ///   - threshold: The unhealthy ratio above which `summaryHealth` is false (`unhealthRatioThreshold`).
    func report(provider filter: String?, threshold: Double) -> [String: Any] {
        let snapshot = entries.withLock { $0 }
        let formatter = ISO8601DateFormatter()
        var items: [[String: Any]] = []
        for (id, provider) in ProxyProviderIDs.all where configured.contains(provider) {
            if let filter, filter != id { continue }
            let entry = snapshot[provider] ?? Entry()
            items.append([
                "uuid": "\(provider.rawValue.prefix(3))****",
                "customName": provider.displayName,
                "provider": id,
                "isHealthy": entry.consecutiveFailures < unhealthyAfter,
                "isDisabled": false,
                "needsRefresh": false,
                "identify": provider.rawValue,
                "lastErrorTime": entry.lastErrorTime.map { formatter.string(from: $0) } ?? NSNull(),
                "lastErrorMessage": entry.lastErrorMessage ?? NSNull(),
            ])
        }
        let unhealthy = items.filter { $0["isHealthy"] as? Bool == false }.count
        let ratio = items.isEmpty ? 0 : Double(unhealthy) / Double(items.count)
        return [
            "timestamp": formatter.string(from: Date()),
            "items": items,
            "count": items.count,
            "unhealthyCount": unhealthy,
            "unhealthyRatio": ratio,
            "unhealthySummeryMessage": unhealthy == 0 ? "all providers healthy" : "\(unhealthy) of \(items.count) providers unhealthy",
            "summaryHealth": ratio <= threshold,
        ]
    }
}
