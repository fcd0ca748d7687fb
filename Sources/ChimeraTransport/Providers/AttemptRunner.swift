import ChimeraCore
import Logging

/// Runs a provider's attempts under its retry policy: each failure is logged once, and the
/// observer is told the outcome of every attempt.
///
/// The policy half of a provider, shared by the JSON ``HTTPProvider`` and the binary
/// ``ProtobufProxyProvider`` so that both retry, log and report the same way; the provider
/// supplies one attempt (the I/O) and decides what may be replayed.
struct AttemptRunner: Sendable {
    /// The provider whose requests are run.
    let provider: ProviderID
    /// Which way the attempts go, as the observer is told.
    let route: Route
    /// The encoding the attempts speak, as the observer is told.
    let wireProtocol: WireProtocol
    /// When to try again.
    let retryPolicy: RetryPolicy
    /// Told the outcome of every attempt.
    let observer: RequestObserver?
    /// Where failures are logged, unless a call brings its own.
    let logger: Logger
    /// The endpoint's URL as logs show it, already redacted.
    let shownURL: String

    /// Runs one attempt after another under the retry policy, logging each failure once and
    /// telling the observer.
    ///
    /// - Parameters:
    ///   - model: The model asked for, for the log.
    ///   - logger: The call's logger (its request id in the metadata); the runner's own by default.
    ///   - attempt: One attempt; it throws to fail it (retried when the error says so).
    /// - Throws: The last attempt's error.
    func run<Result: Sendable>(
        model: String?,
        logger: Logger? = nil,
        _ attempt: () async throws(ChimeraError) -> Result
    ) async throws(ChimeraError) -> Result {
        let logger = logger ?? self.logger
        let clock = ContinuousClock()
        let started = clock.now
        var current = 1
        do throws(ChimeraError) {
            let result = try await retryPolicy.run({ (number: Int) throws(ChimeraError) -> Result in
                current = number
                let attemptStarted = clock.now
                do throws(ChimeraError) {
                    let value = try await attempt()
                    observer?.record(RequestObserver.Attempt(provider: provider, route: route, wireProtocol: wireProtocol, latency: clock.now - attemptStarted, error: nil))
                    return value
                } catch var error {
                    // Whatever a direct attempt fails with is the provider's side; a proxy in
                    // front of this one says so to its own clients (`chimera-error-source`).
                    if route == .direct, error.kind != .cancelled { error.source = .upstream }
                    observer?.record(RequestObserver.Attempt(provider: provider, route: route, wireProtocol: wireProtocol, latency: clock.now - attemptStarted, error: error))
                    throw error
                }
            }, mayRetry: mayRetry, onRetry: { error, next, delay in
                logger.warning("request failed; retrying", metadata: metadata(for: error, attempt: next - 1, elapsed: clock.now - started, model: model, extra: ["retry_in": "\(delay.formattedSeconds)"]))
            })
            return result
        } catch {
            if error.kind != .cancelled {
                logger.warning("request failed", metadata: metadata(for: error, attempt: current, elapsed: clock.now - started, model: model, extra: [:]))
            }
            throw error
        }
    }

    /// Whether this layer may retry `error`: not an error of the provider relayed by a proxy,
    /// which already spent its own retries on it (retries of both layers would multiply).
    /// Failures of the proxy hop itself, and errors of a proxy that does not say whose they
    /// are, are retried as their kind allows.
    func mayRetry(_ error: ChimeraError) -> Bool {
        !(route == .proxy && error.source == .upstream)
    }

    private func metadata(for error: ChimeraError, attempt: Int, elapsed: Duration, model: String?, extra: Logger.Metadata) -> Logger.Metadata {
        var metadata = extra
        metadata["url"] = "\(shownURL)"
        metadata["attempt"] = "\(attempt)"
        metadata["elapsed"] = "\(elapsed.formattedSeconds)"
        metadata["error_kind"] = "\(error.kind)"
        if let status = error.status { metadata["status"] = "\(status)" }
        if let model { metadata["model"] = "\(model)" }
        metadata["error"] = "\(error.description)"
        return metadata
    }
}
