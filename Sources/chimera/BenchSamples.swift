import Foundation

/// The timings of one benchmark scenario: every completed request, the failures, and the wall time.
struct BenchSamples: Sendable {
    /// Time from sending a request to its last byte, per completed request.
    var totals: [Duration] = []
    /// Time from sending a streamed request to its first text delta, per completed stream.
    var firstTokens: [Duration] = []
    /// Requests that threw.
    var failures = 0
    /// The first failure's description, to show why a scenario failed.
    var firstFailure: String?
    /// Wall time of the whole scenario.
    var elapsed: Duration = .zero

    /// Completed requests per second of wall time.
    var requestsPerSecond: Double {
        elapsed > .zero ? Double(totals.count) / elapsed.seconds : 0
    }

    /// Adds one round of the same scenario, run at another time: its requests and its wall time.
    mutating func append(round: BenchSamples) {
        merge(round)
        elapsed += round.elapsed
    }

    /// Folds another worker's samples into these.
    mutating func merge(_ other: BenchSamples) {
        totals += other.totals
        firstTokens += other.firstTokens
        failures += other.failures
        firstFailure = firstFailure ?? other.firstFailure
    }
}

/// p50, p95 and p99 of a set of durations, in milliseconds.
struct BenchPercentiles: Encodable, Sendable {
    /// The median.
    var p50: Double
    /// The 95th percentile.
    var p95: Double
    /// The 99th percentile.
    var p99: Double

    /// The nearest-rank percentiles of `durations`; `nil` when there are none.
    init?(_ durations: [Duration]) {
        guard !durations.isEmpty else { return nil }
        let sorted = durations.sorted()
        func rank(_ percent: Double) -> Double {
            let index = Int((percent / 100 * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(max(index, 0), sorted.count - 1)].seconds * 1000
        }
        p50 = rank(50)
        p95 = rank(95)
        p99 = rank(99)
    }

    private init(p50: Double, p95: Double, p99: Double) {
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
    }

    /// What these percentiles add over `baseline`'s, percentile by percentile.
    ///
    /// The difference of percentiles, not the percentile of differences: requests of two modes
    /// are not paired, so this is the honest comparison of two distributions.
    func added(over baseline: BenchPercentiles) -> BenchPercentiles {
        BenchPercentiles(p50: p50 - baseline.p50, p95: p95 - baseline.p95, p99: p99 - baseline.p99)
    }
}
