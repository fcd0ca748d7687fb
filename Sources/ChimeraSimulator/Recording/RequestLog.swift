import Synchronization

/// The last requests the simulator received, oldest first, at most ``capacity`` of them.
final class RequestLog: Sendable {
    /// How many requests are kept; older ones are forgotten.
    static let capacity = 200

    private struct Ring {
        var entries: [RecordedRequest] = []
        /// Where the next entry goes once the ring is full.
        var next = 0
    }

    private let ring = Mutex(Ring())

    /// Keeps `request`, forgetting the oldest one when full.
    func append(_ request: RecordedRequest) {
        ring.withLock { ring in
            if ring.entries.count < Self.capacity {
                ring.entries.append(request)
            } else {
                ring.entries[ring.next] = request
                ring.next = (ring.next + 1) % Self.capacity
            }
        }
    }

    /// The newest `limit` requests, oldest first.
    func newest(_ limit: Int) -> [RecordedRequest] {
        ring.withLock { ring in
            let ordered = Array(ring.entries[ring.next...] + ring.entries[..<ring.next])
            return Array(ordered.suffix(max(0, limit)))
        }
    }

    /// Forgets every request.
    func clear() {
        ring.withLock { $0 = Ring() }
    }
}
