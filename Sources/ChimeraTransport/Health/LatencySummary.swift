/// Latency statistics of a series of checks, in milliseconds to the microsecond.
///
/// Percentiles use the nearest-rank method: p95 of 100 values is the 95th smallest, so every
/// reported value is one that was measured, never an interpolation.
public struct LatencySummary: Sendable, Hashable, Codable {
    /// The most recent value.
    public var lastMilliseconds: Double
    /// The arithmetic mean.
    public var meanMilliseconds: Double
    /// The median.
    public var p50Milliseconds: Double
    /// The 95th percentile.
    public var p95Milliseconds: Double
    /// The 99th percentile.
    public var p99Milliseconds: Double

    /// Summarises `latencies`, given oldest first.
    ///
    /// - Returns: `nil` when there are no latencies.
    public init?(_ latencies: [Duration]) {
        guard let last = latencies.last else { return nil }
        let values = latencies.map(\.milliseconds)
        let sorted = values.sorted()
        lastMilliseconds = Self.microsecondPrecision(last.milliseconds)
        meanMilliseconds = Self.microsecondPrecision(values.reduce(0, +) / Double(values.count))
        p50Milliseconds = Self.percentile(50, ofSorted: sorted)
        p95Milliseconds = Self.percentile(95, ofSorted: sorted)
        p99Milliseconds = Self.percentile(99, ofSorted: sorted)
    }

    /// The nearest-rank percentile `p` (0–100) of a non-empty ascending array.
    static func percentile(_ p: Double, ofSorted sorted: [Double]) -> Double {
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return microsecondPrecision(sorted[min(max(rank, 1), sorted.count) - 1])
    }

    /// Rounds milliseconds to three decimals: finer digits are clock noise.
    private static func microsecondPrecision(_ milliseconds: Double) -> Double {
        (milliseconds * 1000).rounded() / 1000
    }

    enum CodingKeys: String, CodingKey {
        case lastMilliseconds = "last_ms"
        case meanMilliseconds = "mean_ms"
        case p50Milliseconds = "p50_ms"
        case p95Milliseconds = "p95_ms"
        case p99Milliseconds = "p99_ms"
    }
}

extension Duration {
    /// The duration in milliseconds, fractions kept.
    var milliseconds: Double { seconds * 1000 }
}
