import ChimeraTransport
import Foundation

/// One subject's health over the last hour, in fixed-width buckets: the worst status seen in
/// each, the checks and failures counted, the mean latency.
public struct HealthTimeline: Sendable {
    /// One stretch of ``HealthTimeline/bucketSeconds``.
    public struct Bucket: Sendable, Hashable, Encodable {
        /// When the stretch began.
        public var start: Date
        /// The worst status seen in it.
        public var status: ProxyHealthStatus
        /// Checks (or requests) counted in it.
        public var checks: Int
        /// Of those, the failed ones.
        public var failures: Int
        var latencyTotal: Double
        var latencyCount: Int

        /// The mean latency of the successful checks, in milliseconds.
        public var latencyMilliseconds: Double? {
            latencyCount == 0 ? nil : latencyTotal / Double(latencyCount)
        }

        enum CodingKeys: String, CodingKey {
            case start, status, checks, failures
            case latencyMilliseconds = "latency_ms"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(start, forKey: .start)
            try container.encode(status, forKey: .status)
            try container.encode(checks, forKey: .checks)
            try container.encode(failures, forKey: .failures)
            try container.encodeIfPresent(latencyMilliseconds, forKey: .latencyMilliseconds)
        }
    }

    /// The width of a bucket.
    public static let bucketSeconds: TimeInterval = 10
    /// How far back the timeline reaches.
    public static let windowSeconds: TimeInterval = 3600

    /// What the band is of: `proxy http://localhost:8080`, `openai`.
    public let subject: String
    /// The status now.
    public private(set) var status: ProxyHealthStatus = .unknown
    /// Why, when the source said.
    public private(set) var reason: String?
    /// The latest latency seen, in milliseconds.
    public private(set) var lastLatencyMilliseconds: Double?
    private var buckets = RingBuffer<Bucket>(capacity: Int(windowSeconds / bucketSeconds))

    /// An empty timeline of `subject`.
    public init(subject: String) {
        self.subject = subject
    }

    /// Adds `observation`, made at `date`.
    public mutating func record(_ observation: HealthObservation, at date: Date) {
        status = observation.status
        reason = observation.reason ?? reason
        if let latency = observation.latencyMilliseconds { lastLatencyMilliseconds = latency }
        let start = Date(timeIntervalSince1970: (date.timeIntervalSince1970 / Self.bucketSeconds).rounded(.down) * Self.bucketSeconds)
        if buckets.last?.start != start {
            buckets.append(Bucket(start: start, status: observation.status, checks: 0, failures: 0, latencyTotal: 0, latencyCount: 0))
        }
        buckets.updateLast { bucket in
            if observation.status.severity > bucket.status.severity { bucket.status = observation.status }
            bucket.checks += observation.checks
            bucket.failures += observation.failures
            if let latency = observation.latencyMilliseconds {
                bucket.latencyTotal += latency
                bucket.latencyCount += 1
            }
        }
    }

    /// The buckets that began within the window before `now`, oldest first.
    public func buckets(before now: Date) -> [Bucket] {
        buckets.elements.filter { now.timeIntervalSince($0.start) < Self.windowSeconds }
    }
}
