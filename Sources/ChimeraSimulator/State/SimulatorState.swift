import ChimeraCore
import ChimeraServerSupport
import Synchronization

/// The simulator's mutable state, shared by all requests.
final class SimulatorState: Sendable {
    private struct Counters {
        var stats = SimulatorStats()
        /// Requests per fault subject (the model string, or the route for model lists), for `fail=`.
        var attempts: [String: Int] = [:]
        /// Accepted connections before the last reset.
        var connectionBaseline = 0
        var sequence = 0
        /// The server, once it listens; it counts the connections.
        var server: RunningServer?
    }

    private let counters = Mutex(Counters())

    /// The last requests received, for `GET /_simulator/requests`.
    let requests = RequestLog()
    /// The prompt prefixes seen, for cached-token usage.
    let promptCache = PromptCache()
    /// The Responses API answers issued, for `previous_response_id`.
    let responses = IssuedResponses()

    /// Connects the state to the server that counts its connections.
    func attach(_ server: RunningServer) {
        counters.withLock { $0.server = server }
    }

    /// Counts a request to `route` attributed to `provider`.
    func record(_ route: SimulatorRoute, provider: ProviderID) {
        counters.withLock {
            $0.stats.requestsByRoute[route.rawValue, default: 0] += 1
            $0.stats.requestsByProvider[provider.rawValue, default: 0] += 1
        }
    }

    /// Counts a chat request for `model`.
    func record(model: String) {
        counters.withLock { $0.stats.requestsByModel[model, default: 0] += 1 }
    }

    /// Counts a request about `subject` and tells how many came before it since the last reset.
    func nextAttempt(of subject: String) -> Int {
        counters.withLock { counters in
            defer { counters.attempts[subject, default: 0] += 1 }
            return counters.attempts[subject, default: 0]
        }
    }

    /// Counts a response whose client went away.
    func recordDisconnect() {
        counters.withLock { $0.stats.disconnects += 1 }
    }

    /// A number unique to this simulator, for response ids.
    func nextSequenceNumber() -> Int {
        counters.withLock {
            $0.sequence += 1
            return $0.sequence
        }
    }

    /// The statistics, with the server's connection counts.
    var snapshot: SimulatorStats {
        counters.withLock {
            var stats = $0.stats
            if let connections = $0.server?.connections {
                stats.acceptedConnections = connections.accepted - $0.connectionBaseline
                stats.openConnections = connections.open
                stats.mostBusyConnections = connections.mostBusy
            }
            return stats
        }
    }

    /// Clears the statistics and the `fail=` counters; accepted connections count from zero again.
    func reset() {
        counters.withLock {
            $0.stats = SimulatorStats()
            $0.attempts = [:]
            $0.connectionBaseline = $0.server?.connections.accepted ?? 0
        }
    }
}
