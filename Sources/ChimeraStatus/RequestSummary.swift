import ChimeraCore
import ChimeraRelay
import Foundation

/// The metadata of one relayed request, as the status page lists it: never its content.
public struct RequestSummary: Sendable, Hashable, Encodable {
    /// When the answer ended.
    public var at: Date
    /// The inbound request's id.
    public var requestID: String?
    /// The provider asked, when the request named one.
    public var provider: String?
    /// The model asked for, redacted as any text that leaves the process.
    public var model: String
    /// The HTTP status the caller got (200 for a stream, also one that failed midway).
    public var status: Int
    /// Whether the answer streamed.
    public var streamed: Bool
    /// How the request travelled: `direct`, `proxy` or `direct-fallback`.
    public var route: String
    /// From arrival to the last byte, in milliseconds.
    public var latencyMilliseconds: Double
    /// From arrival to a stream's first event, in milliseconds.
    public var timeToFirstTokenMilliseconds: Double?
    /// Prompt tokens, when the provider reported them.
    public var inputTokens: Int?
    /// Answer tokens, when the provider reported them.
    public var outputTokens: Int?
    /// The kind of the failure (`rate_limited`, `timeout`, …), when there was one.
    public var errorKind: String?

    /// The summary of `record`, which ended at `at`.
    public init(_ record: RelayRecord, at: Date = Date()) {
        self.at = at
        self.requestID = record.requestID
        self.provider = record.provider?.rawValue
        self.model = Redaction.redact(record.model)
        self.status = record.status
        self.streamed = record.streamed
        self.route = record.route.rawValue
        self.latencyMilliseconds = record.latency.milliseconds
        self.timeToFirstTokenMilliseconds = record.timeToFirstEvent?.milliseconds
        self.inputTokens = record.usage?.inputTokens
        self.outputTokens = record.usage?.outputTokens
        self.errorKind = record.error.map { $0.kind.description }
    }

    enum CodingKeys: String, CodingKey {
        case at
        case requestID = "request_id"
        case provider, model, status, streamed, route
        case latencyMilliseconds = "latency_ms"
        case timeToFirstTokenMilliseconds = "ttft_ms"
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case errorKind = "error_kind"
    }
}

extension Duration {
    /// The duration in milliseconds, rounded to a microsecond.
    var milliseconds: Double { (seconds * 1_000_000).rounded() / 1000 }
}
