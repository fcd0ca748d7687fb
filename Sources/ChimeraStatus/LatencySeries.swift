import Foundation

/// Request latency over time for one provider and one kind of measurement: p50, p95 and p99
/// (nearest rank) of the successful requests in each minute of the last hour.
public struct LatencySeries: Sendable, Hashable, Encodable {
    /// What is measured.
    public enum Kind: String, Sendable, Hashable, Encodable, CaseIterable {
        /// Unary answers, arrival to last byte.
        case unary
        /// Streamed answers, arrival to last byte.
        case streamed
        /// Streamed answers, arrival to the first event: time to first token.
        case timeToFirstToken = "ttft"

        /// How the page names it.
        var title: String {
            switch self {
            case .unary: "unary"
            case .streamed: "streamed"
            case .timeToFirstToken: "time to first token"
            }
        }
    }

    /// One minute's percentiles.
    public struct Point: Sendable, Hashable, Encodable {
        /// When the minute began.
        public var start: Date
        /// The requests measured in it.
        public var count: Int
        /// The median, in milliseconds.
        public var p50: Double
        /// The 95th percentile, in milliseconds.
        public var p95: Double
        /// The 99th percentile, in milliseconds.
        public var p99: Double

        init(start: Date, samples: [Double]) {
            let sorted = samples.sorted()
            func rank(_ fraction: Double) -> Double {
                sorted[max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1)]
            }
            self.start = start
            self.count = sorted.count
            self.p50 = rank(0.5)
            self.p95 = rank(0.95)
            self.p99 = rank(0.99)
        }
    }

    /// The width of a point.
    public static let pointSeconds: TimeInterval = 60

    /// The provider.
    public var provider: String
    /// What is measured.
    public var kind: Kind
    /// The minutes that had requests, oldest first.
    public var points: [Point]
    /// The percentiles over the whole hour.
    public var overall: Point

    /// The series of `requests` within the hour before `now`, one per provider and kind that has
    /// measurements, ordered by provider then kind. Failed requests are left out: how fast an
    /// error came back says nothing of how fast answers come.
    public static func series(of requests: [RequestSummary], before now: Date) -> [LatencySeries] {
        var samples: [String: [Kind: [(Date, Double)]]] = [:]
        for request in requests where request.errorKind == nil && request.status < 400 && now.timeIntervalSince(request.at) < HealthTimeline.windowSeconds {
            let provider = request.provider ?? "unknown"
            samples[provider, default: [:]][request.streamed ? .streamed : .unary, default: []].append((request.at, request.latencyMilliseconds))
            if let ttft = request.timeToFirstTokenMilliseconds {
                samples[provider, default: [:]][.timeToFirstToken, default: []].append((request.at, ttft))
            }
        }
        return samples.keys.sorted().flatMap { provider in
            Kind.allCases.compactMap { kind -> LatencySeries? in
                guard let measured = samples[provider]?[kind], !measured.isEmpty else { return nil }
                let byMinute = Dictionary(grouping: measured) { (date, _) in
                    (date.timeIntervalSince1970 / pointSeconds).rounded(.down) * pointSeconds
                }
                let points = byMinute.keys.sorted().map { minute in
                    Point(start: Date(timeIntervalSince1970: minute), samples: byMinute[minute]!.map(\.1))
                }
                return LatencySeries(provider: provider, kind: kind, points: points, overall: Point(start: measured[0].0, samples: measured.map(\.1)))
            }
        }
    }
}
