import Chimera
import Foundation

/// A closed-loop load: a fixed number of workers, each sending its next request as soon as the
/// previous one finished, until the request count or the time limit is reached.
struct BenchLoad: Sendable {
    /// Requests to send in all.
    var requests: Int
    /// Requests in flight at once.
    var concurrency: Int
    /// When to stop even if requests remain, so every scenario ends by itself.
    var timeLimit: Duration

    /// The timing of one request.
    struct Timing: Sendable {
        /// From sending to the last byte.
        var total: Duration
        /// From sending to the first text delta, for streams.
        var firstToken: Duration?
    }

    /// Sends `requests` requests at `concurrency` and times each.
    ///
    /// - Parameter send: Sends one request and reports its timing; a thrown error counts as a failure.
    func run(_ send: @escaping @Sendable () async throws -> Timing) async -> BenchSamples {
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started + timeLimit
        var samples = await withTaskGroup(of: BenchSamples.self) { group in
            for worker in 0..<concurrency {
                let share = requests / concurrency + (worker < requests % concurrency ? 1 : 0)
                group.addTask {
                    var own = BenchSamples()
                    own.totals.reserveCapacity(share)
                    for _ in 0..<share where clock.now < deadline {
                        do {
                            let timing = try await send()
                            own.totals.append(timing.total)
                            if let firstToken = timing.firstToken { own.firstTokens.append(firstToken) }
                        } catch {
                            own.failures += 1
                            if own.firstFailure == nil { own.firstFailure = ChimeraError(describing: error).description }
                        }
                    }
                    return own
                }
            }
            var all = BenchSamples()
            for await own in group { all.merge(own) }
            return all
        }
        samples.elapsed = clock.now - started
        return samples
    }

    /// Sends `request` through `service` once and times it: the whole answer for a unary
    /// request, the first delta and the end for a stream.
    static func send(_ request: ChatRequest, through service: LLMService) async throws -> Timing {
        let clock = ContinuousClock()
        let started = clock.now
        guard request.stream else {
            _ = try await service.complete(request)
            return Timing(total: clock.now - started)
        }
        var firstToken: Duration?
        for try await event in try await service.stream(request) {
            if firstToken == nil, case .delta = event { firstToken = clock.now - started }
        }
        return Timing(total: clock.now - started, firstToken: firstToken)
    }
}
