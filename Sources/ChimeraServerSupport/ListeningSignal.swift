import Synchronization

/// Hands the bound port, or the reason the server never listened, to the task that started it.
///
/// Resolved once, by whichever comes first: Hummingbird's `onServerRunning` or the end of the
/// service group. Later resolutions are ignored.
final class ListeningSignal: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Int, any Error>?)
        case resolved(Result<Int, any Error>)
    }

    private let state = Mutex(State.waiting(nil))

    /// Waits for the port.
    ///
    /// - Throws: The error that stopped the server before it listened.
    func port() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let resolved: Result<Int, any Error>? = state.withLock { state in
                switch state {
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                case .resolved(let result):
                    return result
                }
            }
            if let resolved { continuation.resume(with: resolved) }
        }
    }

    func resolve(_ result: Result<Int, any Error>) {
        let waiter: CheckedContinuation<Int, any Error>? = state.withLock { state in
            guard case .waiting(let continuation) = state else { return nil }
            state = .resolved(result)
            return continuation
        }
        waiter?.resume(with: result)
    }
}
