import ChimeraCore

/// Looks at the events of a stream relayed to a same-family caller as the upstream sent them:
/// the bytes pass unchanged, and the watcher only learns what the relay must know — usage for
/// metrics and logs, the finish, an in-band error, whether the stream ended properly.
///
/// It is on the hot path of every pass-through stream, so it should skip events that cannot
/// matter (a text delta) without parsing them.
public protocol StreamWatcher: Sendable {
    /// Whether the stream has said it is over (`[DONE]`, `message_stop`).
    var isComplete: Bool { get }
    /// The last usage the stream carried.
    var usage: Usage? { get }
    /// The last finish reason the stream carried.
    var finishReason: FinishReason? { get }

    /// Looks at one event.
    ///
    /// - Returns: The error an in-band error event carries, or `nil`.
    mutating func observe(_ event: SSEEvent) -> ChimeraError?

    /// Called at the end of the body.
    ///
    /// - Returns: The error of a stream that ended before it was complete, or `nil`.
    mutating func finish() -> ChimeraError?
}
