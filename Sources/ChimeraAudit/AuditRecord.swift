import ChimeraCore
import Foundation

/// One request as the audit log keeps it: who asked which provider for what model, when, with
/// what outcome and cost — never what was said, unless content auditing is on.
///
/// Fields a server does not know are written as JSON `null`, so every line has the same keys.
/// Free text (route, model, request id, content) passes through ``Redaction`` before it is kept.
public struct AuditRecord: Sendable, Hashable {
    /// When the request finished (for a stream: when its last byte was written).
    public var time: Date
    /// The request's id.
    public var requestID: String?
    /// The caller's address, `ip:port`.
    public var client: String?
    /// A fingerprint of the credential the caller presented (``AuditKeyID``), never the credential.
    public var keyID: String?
    /// The protocol the caller spoke: `openai_chat`, `anthropic_messages`, `gemini`, `connect_protobuf`, `http`.
    public var inboundProtocol: String?
    /// The HTTP method.
    public var method: String?
    /// The path called, without its query (which may carry a key).
    public var route: String?
    /// The upstream provider.
    public var provider: String?
    /// The model asked for.
    public var model: String?
    /// The HTTP status answered.
    public var status: Int?
    /// Whether the answer was a stream.
    public var streamed: Bool?
    /// Prompt tokens, as the provider counted them.
    public var tokensIn: Int?
    /// Answer tokens.
    public var tokensOut: Int?
    /// Prompt tokens served from the provider's cache.
    public var tokensCached: Int?
    /// From the request's arrival to its last byte, in milliseconds.
    public var latencyMilliseconds: Int?
    /// Request body bytes received.
    public var bytesIn: Int?
    /// Response body bytes sent.
    public var bytesOut: Int?
    /// The ``ChimeraError/Kind`` of a failure (also of one reported in-band in a stream), or
    /// `client_gone` when the caller left before the end.
    public var errorKind: String?
    /// The prompt and the answer, only with `CHIMERA_AUDIT_CONTENT=true`.
    public var content: Content?

    /// What was said, when content auditing is on.
    public struct Content: Sendable, Hashable, Codable {
        /// The request's messages, `role: text` one per line.
        public var prompt: String?
        /// The answer's text.
        public var answer: String?

        /// Creates content.
        public init(prompt: String? = nil, answer: String? = nil) {
            self.prompt = prompt
            self.answer = answer
        }
    }

    /// Creates a record; only the time is required.
    public init(time: Date = Date()) {
        self.time = time
    }

    /// The record with every free-text field redacted, as it is written.
    var redacted: AuditRecord {
        var copy = self
        copy.requestID = requestID.map(Redaction.redact)
        copy.client = client.map(Redaction.redact)
        copy.route = route.map { Redaction.redact(String($0.prefix { $0 != "?" })) }
        copy.model = model.map(Redaction.redact)
        copy.content = content.map { Content(prompt: $0.prompt.map(Redaction.redact), answer: $0.answer.map(Redaction.redact)) }
        return copy
    }
}

extension AuditRecord {
    /// The JSON keys, in the order of the documentation.
    enum Key: String, CodingKey {
        case seq, time
        case requestID = "request_id"
        case client
        case keyID = "key_id"
        case inboundProtocol = "protocol"
        case method, route, provider, model, status, streamed
        case tokensIn = "tokens_in"
        case tokensOut = "tokens_out"
        case tokensCached = "tokens_cached"
        case latencyMilliseconds = "latency_ms"
        case bytesIn = "bytes_in"
        case bytesOut = "bytes_out"
        case errorKind = "error_kind"
        case content, prev
    }

    /// The record as the JSON object of one line, with its place in the chain, before the line's
    /// own hash is appended (see ``AuditChain``).
    struct Chained: Encodable {
        let record: AuditRecord
        let seq: Int
        let prev: String

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(seq, forKey: .seq)
            try container.encode(record.time.formatted(Self.timeFormat), forKey: .time)
            // `encode` of an optional writes null: every line has every key, known or not.
            try container.encode(record.requestID, forKey: .requestID)
            try container.encode(record.client, forKey: .client)
            try container.encode(record.keyID, forKey: .keyID)
            try container.encode(record.inboundProtocol, forKey: .inboundProtocol)
            try container.encode(record.method, forKey: .method)
            try container.encode(record.route, forKey: .route)
            try container.encode(record.provider, forKey: .provider)
            try container.encode(record.model, forKey: .model)
            try container.encode(record.status, forKey: .status)
            try container.encode(record.streamed, forKey: .streamed)
            try container.encode(record.tokensIn, forKey: .tokensIn)
            try container.encode(record.tokensOut, forKey: .tokensOut)
            try container.encode(record.tokensCached, forKey: .tokensCached)
            try container.encode(record.latencyMilliseconds, forKey: .latencyMilliseconds)
            try container.encode(record.bytesIn, forKey: .bytesIn)
            try container.encode(record.bytesOut, forKey: .bytesOut)
            try container.encode(record.errorKind, forKey: .errorKind)
            try container.encodeIfPresent(record.content, forKey: .content)
            try container.encode(prev, forKey: .prev)
        }

        static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    }
}
