import NIOCore
import ServiceLifecycle
import Synchronization

/// The client of a request left: its connection closed or a write to it failed.
struct ClientWentAway: Error {}

/// Notices when the client of a request goes away, so that the simulator's waits end early.
///
/// `RunningServer` closes a connection as soon as the client closes its side, so the channel's
/// `closeFuture` is the signal. One callback is registered per request that waits, however
/// many pauses it makes.
final class ClientDeparture: Sendable {
    private struct State {
        var gone = false
        var waiter: CheckedContinuation<Void, any Error>?
    }

    private let state = Mutex(State())

    /// Starts watching the connection of a request.
    init(channel: any Channel) {
        channel.closeFuture.whenComplete { _ in self.markGone() }
    }

    /// Waits for `duration`.
    ///
    /// - Throws: ``ClientWentAway`` as soon as the client leaves; `CancellationError` when the
    ///   task is cancelled or the server shuts down gracefully.
    func pause(for duration: Duration) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
            }
            group.addTask { try await self.waitUntilGone() }
            try await group.next()
            group.cancelAll()
        }
    }

    private func waitUntilGone() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeWith: (any Error)? = state.withLock { state in
                    if state.gone { return ClientWentAway() }
                    // Checked under the lock so that a cancellation racing with this is not lost.
                    if Task.isCancelled { return CancellationError() }
                    state.waiter = continuation
                    return nil
                }
                if let resumeWith { continuation.resume(throwing: resumeWith) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func markGone() {
        let waiter = state.withLock { state in
            state.gone = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: ClientWentAway())
    }
}
