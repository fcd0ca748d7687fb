import Synchronization

/// Admits at most ``limit`` requests per host into the connection pool at once; the others wait
/// in order of arrival, each no longer than its own deadline.
///
/// AsyncHTTPClient queues requests for a busy pool too, but bounds that wait by the *connect*
/// timeout (seconds), while an LLM call holds its connection for minutes: a burst larger than the
/// pool then failed although every connection was healthy and merely busy. Waiting here instead,
/// bounded by the request's own time limit, lets a burst queue for as long as its callers allow.
final class ConnectionPermits: Sendable {
    /// Requests admitted per host at once.
    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        precondition(limit > 0, "a pool admits at least one request")
        self.limit = limit
    }

    /// Thrown when the deadline passes while the request is still waiting.
    struct WaitTimeout: Error {}

    /// Waits until a request to `host` may use the pool, or until `deadline`.
    ///
    /// - Throws: ``WaitTimeout`` when the deadline passes first, `CancellationError` when the
    ///   task is cancelled while waiting.
    func acquire(host: String, until deadline: ContinuousClock.Instant) async throws -> ConnectionPermit {
        let ticket: Int? = state.withLock { state in
            if state.hosts[host, default: Host()].inUse < limit {
                state.hosts[host, default: Host()].inUse += 1
                return nil
            }
            state.nextTicket += 1
            state.pending.insert(state.nextTicket)
            return state.nextTicket
        }
        guard let ticket else { return ConnectionPermit(permits: self, host: host) }
        let timer = Task { [weak self] in
            try await Task.sleep(until: deadline)
            self?.abandon(ticket, host: host, with: WaitTimeout())
        }
        defer { timer.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let early: Result<Void, any Error>? = state.withLock { state in
                    if let error = state.abandoned.removeValue(forKey: ticket) { return .failure(error) }
                    // A permit may have come back between the first look and now, with no
                    // waiter queued to hand it to.
                    if state.hosts[host, default: Host()].inUse < limit {
                        state.hosts[host, default: Host()].inUse += 1
                        state.pending.remove(ticket)
                        return .success(())
                    }
                    state.hosts[host, default: Host()].waiters.append((ticket, continuation))
                    return nil
                }
                if let early { continuation.resume(with: early) }
            }
        } onCancel: {
            abandon(ticket, host: host, with: CancellationError())
        }
        return ConnectionPermit(permits: self, host: host)
    }

    /// Hands the permit to the longest waiter, or frees it.
    fileprivate func release(host: String) {
        let next: CheckedContinuation<Void, any Error>? = state.withLock { state in
            guard var entry = state.hosts[host] else { return nil }
            if entry.waiters.isEmpty {
                entry.inUse -= 1
                state.hosts[host] = entry.inUse == 0 ? nil : entry
                return nil
            }
            let (ticket, continuation) = entry.waiters.removeFirst()
            state.pending.remove(ticket)
            state.hosts[host] = entry
            return continuation
        }
        next?.resume()
    }

    /// Ends a wait with `error`: at once if the waiter is queued, when it queues if it is not yet.
    private func abandon(_ ticket: Int, host: String, with error: any Error) {
        let waiter: CheckedContinuation<Void, any Error>? = state.withLock { state in
            guard state.pending.remove(ticket) != nil else { return nil }  // already admitted or ended
            if let index = state.hosts[host]?.waiters.firstIndex(where: { $0.ticket == ticket }) {
                return state.hosts[host]!.waiters.remove(at: index).continuation
            }
            state.abandoned[ticket] = error
            return nil
        }
        waiter?.resume(throwing: error)
    }

    /// How many requests to `host` hold a permit and how many wait, for tests.
    func counts(host: String) -> (inUse: Int, waiting: Int) {
        state.withLock { state in
            let entry = state.hosts[host] ?? Host()
            return (entry.inUse, entry.waiters.count)
        }
    }

    private struct State {
        var hosts: [String: Host] = [:]
        var nextTicket = 0
        /// Tickets still waiting: queued, or about to queue.
        var pending: Set<Int> = []
        /// Waits ended before their waiter queued.
        var abandoned: [Int: any Error] = [:]
    }

    private struct Host {
        var inUse = 0
        var waiters: [(ticket: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    }
}

/// The right of one request to use the pool; given back once, by ``release()`` or when the
/// last holder lets go of it.
final class ConnectionPermit: Sendable {
    private let permits: ConnectionPermits
    private let host: String
    private let released = Atomic(false)

    fileprivate init(permits: ConnectionPermits, host: String) {
        self.permits = permits
        self.host = host
    }

    func release() {
        if !released.exchange(true, ordering: .acquiringAndReleasing) { permits.release(host: host) }
    }

    deinit { release() }
}
