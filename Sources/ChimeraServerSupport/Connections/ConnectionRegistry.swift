import NIOCore
import Synchronization

/// The open connections of one server, for its cap (`CHIMERA_SERVER_MAX_CONNECTIONS`).
///
/// A cap that merely stopped accepting would leave `/health` waiting behind connections that
/// send nothing, so a connection accepted at the cap makes room instead: the connection that
/// has waited longest for a request is closed. Only when every connection has a request in
/// flight is there nothing to close; the newcomer is then admitted for `/health` only (see
/// ``ConnectionGuard``), so a probe still learns that the process is alive and busy.
final class ConnectionRegistry: Sendable {
    /// How a new connection is admitted.
    enum Admission: Sendable {
        /// Like any other connection.
        case normal
        /// Over the cap with no idle connection to close: it answers `/health` only.
        case healthOnly
    }

    private struct Entry {
        let channel: any Channel
        /// When it last became idle (accepted, or its last answer ended); `nil` while a request runs.
        var idleSince: ContinuousClock.Instant?
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        /// Connections with a request in flight now, and the most there have been at once.
        var busy = 0
        var mostBusy = 0
    }

    private let limit: Int
    private let state = Mutex(State())

    /// Creates a registry for at most `limit` connections.
    init(limit: Int) {
        self.limit = limit
    }

    /// Connections tracked now: open, and not yet closed to make room.
    var count: Int { state.withLock { $0.entries.count } }

    /// The most connections that had a request in flight at once since the server started.
    ///
    /// A connection counts from its request's head to its answer's end being written, before
    /// that end reaches the socket: a client that sends its next request once it has an answer
    /// never sees more of its requests counted here than it had in flight.
    var mostBusy: Int { state.withLock { $0.mostBusy } }

    /// Records a newly accepted connection, closing the longest-idle one when at the cap.
    func admit(_ channel: any Channel) -> Admission {
        let (admission, evicted) = state.withLock { state -> (Admission, (any Channel)?) in
            var outcome: (Admission, (any Channel)?) = (.normal, nil)
            if state.entries.count >= limit {
                let idlest = state.entries.min { lhs, rhs in
                    switch (lhs.value.idleSince, rhs.value.idleSince) {
                    case let (left?, right?): left < right
                    case (.some, nil): true
                    default: false
                    }
                }
                if let idlest, idlest.value.idleSince != nil {
                    // Forgotten at once, so the next arrival does not pick the same one while it closes.
                    state.entries[idlest.key] = nil
                    outcome = (.normal, idlest.value.channel)
                } else {
                    outcome = (.healthOnly, nil)
                }
            }
            state.entries[ObjectIdentifier(channel)] = Entry(channel: channel, idleSince: .now)
            return outcome
        }
        evicted?.close(promise: nil)
        return admission
    }

    /// A request started on `channel`: it may not be closed to make room.
    func markBusy(_ channel: any Channel) {
        state.withLock { state in
            let key = ObjectIdentifier(channel)
            guard state.entries[key]?.idleSince != nil else { return }
            state.entries[key]?.idleSince = nil
            state.busy += 1
            state.mostBusy = max(state.mostBusy, state.busy)
        }
    }

    /// `channel` finished its answers and waits for the next request.
    func markIdle(_ channel: any Channel) {
        state.withLock { state in
            let key = ObjectIdentifier(channel)
            guard let entry = state.entries[key], entry.idleSince == nil else { return }
            state.entries[key]?.idleSince = .now
            state.busy -= 1
        }
    }

    /// `channel` closed.
    func remove(_ channel: any Channel) {
        state.withLock { state in
            if let entry = state.entries.removeValue(forKey: ObjectIdentifier(channel)), entry.idleSince == nil { state.busy -= 1 }
        }
    }
}
