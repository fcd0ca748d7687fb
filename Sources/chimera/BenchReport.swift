import Foundation

/// Everything `chimera bench` measured, as it writes it to JSON.
struct BenchReport: Encodable {
    /// The machine and build the numbers come from.
    struct Machine: Encodable {
        /// `ProcessInfo.activeProcessorCount`.
        var cores: Int
        /// The kernel and distribution, as `ProcessInfo` reports them.
        var operatingSystem: String
        /// Whether this is an optimized (`-c release`) build.
        var optimized: Bool
    }

    /// One target, request kind and concurrency.
    struct Scenario: Encodable {
        /// What was measured: `direct`, `proxy-json`, `proxy-protobuf`, `baseline` or `target`.
        var target: String
        /// `unary` or `stream`.
        var kind: String
        /// Requests in flight at once.
        var concurrency: Int
        /// Requests that completed.
        var completed: Int
        /// Requests that failed.
        var failed: Int
        /// Why the first failed one did.
        var firstFailure: String?
        /// Completed requests per second.
        var requestsPerSecond: Double
        /// Total time per request, in milliseconds.
        var total: BenchPercentiles?
        /// Time to first token per stream, in milliseconds.
        var firstToken: BenchPercentiles?
        /// ``total`` minus the baseline's, in milliseconds; `nil` for the baseline itself.
        var addedTotal: BenchPercentiles?
        /// ``firstToken`` minus the baseline's, in milliseconds.
        var addedFirstToken: BenchPercentiles?

        /// A scenario's summary from its samples, compared with `baseline` when there is one.
        init(target: String, kind: String, concurrency: Int, samples: BenchSamples, baseline: Scenario?) {
            self.target = target
            self.kind = kind
            self.concurrency = concurrency
            completed = samples.totals.count
            failed = samples.failures
            firstFailure = samples.firstFailure
            requestsPerSecond = samples.requestsPerSecond
            total = BenchPercentiles(samples.totals)
            firstToken = BenchPercentiles(samples.firstTokens)
            if let baseline, let total, let base = baseline.total { addedTotal = total.added(over: base) }
            if let baseline, let firstToken, let base = baseline.firstToken { addedFirstToken = firstToken.added(over: base) }
        }
    }

    /// The memory of a `chimera proxy` child process.
    struct Memory: Encodable {
        /// Many slow streams at once.
        var concurrentStreams: BenchMemory.ConcurrentStreams
        /// One long stream.
        var longStream: BenchMemory.LongStream
    }

    /// The machine and build.
    var machine: Machine
    /// When the run started (ISO 8601).
    var date: String
    /// The exact command line.
    var command: String
    /// The model string sent, simulator switches included.
    var model: String
    /// Requests per scenario (fewer if the time limit struck first).
    var requestsPerScenario: Int
    /// The time limit of each scenario, in seconds.
    var timeLimitSeconds: Double
    /// Whether the binary protocol was measured, or why not.
    var protobuf: String?
    /// Every scenario, in the order run.
    var scenarios: [Scenario]
    /// The memory scenarios, when run.
    var memory: Memory?
    /// JSON versus protobuf sizes and codec times, when run.
    var protocolSizes: ProtocolSizeBenchmark.Result?

    /// The scenarios as an aligned table: throughput, latency percentiles and what each adds over its baseline.
    var scenarioTable: (header: [String], rows: [[String]]) {
        let header = ["target", "kind", "conc", "ok", "fail", "req/s", "total p50/p95/p99 ms", "added total p50/p95/p99", "TTFT p50/p95/p99 ms", "added TTFT p50/p95/p99"]
        let rows = scenarios.map { scenario in
            [
                scenario.target, scenario.kind, "\(scenario.concurrency)", "\(scenario.completed)", "\(scenario.failed)",
                String(format: "%.0f", scenario.requestsPerSecond),
                Self.format(scenario.total), Self.format(scenario.addedTotal, signed: true),
                Self.format(scenario.firstToken), Self.format(scenario.addedFirstToken, signed: true),
            ]
        }
        return (header, rows)
    }

    /// Writes the report as pretty-printed JSON.
    ///
    /// - Throws: When the file cannot be written.
    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    private static func format(_ percentiles: BenchPercentiles?, signed: Bool = false) -> String {
        guard let percentiles else { return "-" }
        let style = signed ? "%+.3f" : "%.3f"
        return [percentiles.p50, percentiles.p95, percentiles.p99].map { String(format: style, $0) }.joined(separator: " / ")
    }
}
