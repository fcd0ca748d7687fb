/// When and how long to wait before sending a failed request again.
///
/// Exponential backoff with jitter, as the official SDKs do (0.5 s doubling, capped at 8 s, the
/// delay multiplied by a random factor from 0.75 to 1), and the server's own `retry-after` when it
/// gives a reasonable one. Only errors that say ``ChimeraError/isRetryable`` are retried, and the
/// caller decides what may be replayed (never a stream whose first event reached its reader).
public struct RetryPolicy: Sendable, Hashable {
    /// How many times a request may be sent again after its first attempt.
    public var maxRetries: Int
    /// The first backoff delay.
    public var baseDelay: Duration
    /// The longest backoff delay.
    public var maxDelay: Duration
    /// The longest server-requested delay that is honoured; a longer one fails the request at once
    /// rather than hold the caller for minutes.
    public var maxRetryAfter: Duration

    /// Creates a policy; the defaults are the official SDKs'.
    public init(
        maxRetries: Int = 2,
        baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(8),
        maxRetryAfter: Duration = .seconds(120)
    ) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before retry number `retry` (1 for the first retry) after `error`, or `nil` when
    /// the request must not be retried.
    ///
    /// - Parameter jitter: A factor in `0.75...1`; random by default, fixed in tests.
    public func delay(beforeRetry retry: Int, after error: ChimeraError, jitter: Double = .random(in: 0.75...1)) -> Duration? {
        guard error.isRetryable, retry <= maxRetries else { return nil }
        if let retryAfter = error.retryAfter {
            return retryAfter <= maxRetryAfter ? retryAfter : nil
        }
        let exponent = min(retry - 1, 30)
        let backoff = min(baseDelay * (1 << exponent), maxDelay)
        return backoff * jitter
    }

    /// Runs `operation` until it succeeds, fails for good, or the retries are spent.
    ///
    /// - Parameters:
    ///   - operation: One attempt; receives the attempt number, starting at 1.
    ///   - mayRetry: Whether the caller's layer may retry a retryable error at all (a proxy's
    ///     client leaves the provider's errors to the proxy, which already retried them).
    ///   - onRetry: Called before each wait, with the error, the coming attempt number and the delay.
    /// - Returns: The first successful result.
    /// - Throws: The last error (converted to ``ChimeraError``), or ``ChimeraError/cancelled(provider:)``
    ///   when the task is cancelled while waiting.
    public func run<Result: Sendable>(
        _ operation: (_ attempt: Int) async throws(ChimeraError) -> Result,
        mayRetry: (ChimeraError) -> Bool = { _ in true },
        onRetry: (_ error: ChimeraError, _ nextAttempt: Int, _ delay: Duration) -> Void = { _, _, _ in }
    ) async throws(ChimeraError) -> Result {
        var attempt = 1
        while true {
            do {
                return try await operation(attempt)
            } catch {
                guard mayRetry(error), let delay = delay(beforeRetry: attempt, after: error) else { throw error }
                attempt += 1
                onRetry(error, attempt, delay)
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw ChimeraError.cancelled(provider: nil)
                }
            }
        }
    }
}
