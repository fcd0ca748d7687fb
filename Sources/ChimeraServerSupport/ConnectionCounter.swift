import HummingbirdCore
import Synchronization

/// Counts the connections the server accepts and closes.
///
/// Hummingbird calls an `AvailableConnectionsDelegate` from the listening channel for every
/// accepted connection and again when it closes, which is exactly the count wanted; this
/// delegate never refuses a connection.
final class ConnectionCounter: AvailableConnectionsDelegate {
    private let statistics = Mutex(ConnectionStatistics())

    var snapshot: ConnectionStatistics { statistics.withLock { $0 } }

    func connectionOpened() {
        statistics.withLock {
            $0.accepted += 1
            $0.open += 1
        }
    }

    func connectionClosed() {
        statistics.withLock { $0.open -= 1 }
    }

    func isAcceptingNewConnections() -> Bool { true }
}
