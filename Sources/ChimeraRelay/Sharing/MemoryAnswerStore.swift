import Synchronization

/// Successful answers kept in memory for ``ResponseSharingConfiguration/cacheTTL``, at most
/// ``ResponseSharingConfiguration/cacheMaxBytes`` of them: past the bound the oldest go first
/// (`CHIMERA_CACHE=memory`).
final class MemoryAnswerStore: AnswerStore {
    private struct Entry {
        var recording: SharedAnswer.Recording
        var bytes: Int
        var expires: ContinuousClock.Instant
    }

    private struct State {
        var entries: [RequestKey: Entry] = [:]
        /// Keys in the order they were stored; a key may stand here after its entry expired
        /// and was stored anew, and is skipped then.
        var order: [(key: RequestKey, expires: ContinuousClock.Instant)] = []
        var orderStart = 0
        var bytes = 0
    }

    private let ttl: Duration
    private let maxBytes: Int
    private let state = Mutex(State())

    init(ttl: Duration, maxBytes: Int) {
        self.ttl = ttl
        self.maxBytes = maxBytes
    }

    /// The answer stored under `key`, if it has not expired.
    func lookup(_ key: RequestKey) -> SharedAnswer.Recording? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            guard entry.expires > .now else {
                state.bytes -= entry.bytes
                state.entries[key] = nil
                return nil
            }
            return entry.recording
        }
    }

    /// Keeps `recording` under `key`; an answer larger than the whole bound is not kept.
    func store(_ recording: SharedAnswer.Recording, under key: RequestKey) {
        let bytes = recording.storedBytes
        guard bytes <= maxBytes else { return }
        let expires = ContinuousClock.now + ttl
        state.withLock { state in
            if let old = state.entries[key] { state.bytes -= old.bytes }
            state.entries[key] = Entry(recording: recording, bytes: bytes, expires: expires)
            state.order.append((key, expires))
            state.bytes += bytes
            // Every entry lives as long, so the oldest are also the first to expire: dropping
            // expired ones from the front keeps memory to the live entries even without pressure.
            let now = ContinuousClock.now
            while state.orderStart < state.order.count, state.bytes > maxBytes || state.order[state.orderStart].expires <= now {
                let oldest = state.order[state.orderStart]
                state.orderStart += 1
                // Only the entry this place in the order stands for: a newer one under the same key stays.
                if let entry = state.entries[oldest.key], entry.expires == oldest.expires {
                    state.bytes -= entry.bytes
                    state.entries[oldest.key] = nil
                }
            }
            if state.orderStart > 1024, state.orderStart * 2 > state.order.count {
                state.order.removeFirst(state.orderStart)
                state.orderStart = 0
            }
        }
    }
}
