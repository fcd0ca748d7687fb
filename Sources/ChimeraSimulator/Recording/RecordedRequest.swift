/// One request as it reached the simulator, for tests that check what a client or proxy sent.
///
/// `GET /_simulator/requests` answers these as JSON (see ``RunningSimulator/recordedRequests(limit:)``).
/// Header names are lower-cased, values exact, except credentials: the values of
/// `Authorization`, `x-api-key`, `x-goog-api-key` and the `key` query parameter are replaced by
/// ``redacted(_:)``, because keys must never show in anything log-like, even a fake upstream's.
/// A test that needs to know which key arrived compares against `redacted("<the key>")`.
public struct RecordedRequest: Sendable, Hashable, Codable {
    /// The most body bytes kept; a longer body is cut there and ``bodyTruncated`` is set.
    public static let maximumBodyBytes = 1 << 20

    /// `GET`, `POST`, …
    public var method: String
    /// The path, percent-encoded as sent (`/v1beta/models/gemini-2.5-flash:generateContent`).
    public var path: String
    /// The query string without `?`, empty when there is none.
    public var query: String
    /// The headers in the order they came, each `[name, value]`.
    public var headers: [[String]]
    /// The body as text (invalid UTF-8 replaced), at most ``maximumBodyBytes`` of it.
    public var body: String
    /// `true` when the body was longer than ``maximumBodyBytes``; absent otherwise.
    public var bodyTruncated: Bool?

    /// Creates a record.
    public init(method: String, path: String, query: String, headers: [[String]], body: String, bodyTruncated: Bool? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
    }

    /// The values of a header, by case-insensitive name, in order.
    public func headerValues(_ name: String) -> [String] {
        let name = name.lowercased()
        return headers.compactMap { $0.count == 2 && $0[0] == name ? $0[1] : nil }
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? { headerValues(name).first }

    /// What the record shows instead of a secret: a fingerprint that tells keys apart without
    /// revealing them (`<redacted 1a2b3c4d>`).
    public static func redacted(_ secret: String) -> String {
        let hash = FNV1a.hash(secret, seed: "chimera-simulator-redaction")
        let hex = String(hash >> 32, radix: 16)
        return "<redacted \(String(repeating: "0", count: 8 - hex.count) + hex)>"
    }

    /// The names of the headers that carry credentials.
    static let credentialHeaders: Set<String> = ["authorization", "x-api-key", "x-goog-api-key", "proxy-authorization"]

    /// A credential header's value with the secret redacted; an auth scheme (`Bearer`) stays readable.
    static func redactedCredential(_ value: String) -> String {
        let parts = value.split(separator: " ", maxSplits: 1)
        if parts.count == 2, parts[0].allSatisfy(\.isLetter) {
            return "\(parts[0]) \(redacted(String(parts[1])))"
        }
        return redacted(value)
    }

    /// A query string with the value of `key=` redacted.
    static func redactedQuery(_ query: String) -> String {
        query.split(separator: "&", omittingEmptySubsequences: false).map { item in
            guard item.hasPrefix("key=") else { return String(item) }
            return "key=" + redacted(String(item.dropFirst(4)).removingPercentEncoding ?? String(item.dropFirst(4)))
        }
        .joined(separator: "&")
    }
}
