import ChimeraTransport
import Foundation

/// The status page's content at one moment: the `GET /status.json` body, and what
/// ``StatusPage`` renders.
public struct StatusSnapshot: Sendable, Encodable {
    /// One health band: a subject's hour.
    public struct Health: Sendable, Encodable {
        /// What it is of.
        public var subject: String
        /// The status now.
        public var status: ProxyHealthStatus
        /// Why, when the source said.
        public var reason: String?
        /// The fraction of the hour's checks that succeeded; `nil` before the first.
        public var availability: Double?
        /// The hour's checks (for an upstream, its requests).
        public var checks: Int
        /// Of those, the failed ones.
        public var failures: Int
        /// The latest latency, in milliseconds.
        public var lastLatencyMilliseconds: Double?
        /// The hour's buckets, oldest first.
        public var buckets: [HealthTimeline.Bucket]

        init(_ timeline: HealthTimeline, before now: Date) {
            let buckets = timeline.buckets(before: now)
            let checks = buckets.reduce(0) { $0 + $1.checks }
            let failures = buckets.reduce(0) { $0 + $1.failures }
            self.subject = timeline.subject
            self.status = timeline.status
            self.reason = timeline.reason
            self.availability = checks == 0 ? nil : Double(checks - failures) / Double(checks)
            self.checks = checks
            self.failures = failures
            self.lastLatencyMilliseconds = timeline.lastLatencyMilliseconds
            self.buckets = buckets
        }

        enum CodingKeys: String, CodingKey {
            case subject, status, reason, availability, checks, failures, buckets
            case lastLatencyMilliseconds = "last_latency_ms"
        }
    }

    /// How many requests the table lists.
    public static let tableSize = 100

    /// When the snapshot was taken.
    public var generatedAt: Date
    /// The server, its egress manifest and configuration.
    public var info: StatusInfo
    /// The health bands.
    public var health: [Health]
    /// Request latency over the hour, per provider and kind.
    public var latency: [LatencySeries]
    /// The last ``tableSize`` requests, newest first.
    public var requests: [RequestSummary]
    /// The live sections as HTML, only in ``jsonBody()``.
    var sections: [String: String]?

    /// The snapshot of what `recorder` holds, taken at `now`.
    public init(recorder: StatusRecorder, info: StatusInfo, now: Date = Date()) {
        let (requests, health) = recorder.snapshot()
        self.generatedAt = now
        self.info = info
        self.health = health.map { Health($0, before: now) }
        self.latency = LatencySeries.series(of: requests, before: now)
        self.requests = Array(requests.suffix(Self.tableSize).reversed())
    }

    enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at"
        case info, health, latency, requests, sections
    }

    /// The JSON body: the snapshot, and the page's live sections rendered as HTML under
    /// `sections` (element id to markup), which the page's script swaps in.
    public func jsonBody() throws -> Data {
        var body = self
        body.sections = StatusPage.liveSections(self)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(body)
    }
}
