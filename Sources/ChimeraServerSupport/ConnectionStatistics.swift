/// How many TCP connections a ``RunningServer`` has seen.
///
/// A snapshot: read ``RunningServer/connections`` again for fresh numbers.
public struct ConnectionStatistics: Sendable, Hashable, Codable {
    /// Connections accepted since the server started.
    public var accepted: Int
    /// Connections open right now.
    public var open: Int
    /// The most connections that had a request in flight at once since the server started:
    /// each counts from its request's head to its answer's end, which is written only after it
    /// stops counting, so this never exceeds how many requests the clients had in flight.
    public var mostBusy: Int

    /// Creates a snapshot.
    public init(accepted: Int = 0, open: Int = 0, mostBusy: Int = 0) {
        self.accepted = accepted
        self.open = open
        self.mostBusy = mostBusy
    }
}
