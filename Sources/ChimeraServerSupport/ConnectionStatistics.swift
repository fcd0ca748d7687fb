/// How many TCP connections a ``RunningServer`` has seen.
///
/// A snapshot: read ``RunningServer/connections`` again for fresh numbers.
public struct ConnectionStatistics: Sendable, Hashable, Codable {
    /// Connections accepted since the server started.
    public var accepted: Int
    /// Connections open right now.
    public var open: Int

    /// Creates a snapshot.
    public init(accepted: Int = 0, open: Int = 0) {
        self.accepted = accepted
        self.open = open
    }
}
