import ChimeraCore
import Foundation

/// Reads the errors of every protocol family: non-2xx answers, and error payloads that arrive
/// inside a 200 response or stream (AIClient-2-API sends its headers before it calls upstream).
///
/// One reader serves all three codecs because the shapes overlap and a proxy may answer in
/// another family's shape than the one asked for. It understands OpenAI's
/// `{"error":{message,type,param,code}}`, Anthropic's `{"type":"error","error":{type,message}}`,
/// Gemini's `{"error":{code,message,status,details}}` (also wrapped in an array),
/// AIClient-2-API's generic `{"error":{message,code:<int>,suggestions,details}}`, a bare
/// `{"error":"…"}`, and bodies that are not JSON at all (an HTML page from a gateway, nothing).
enum UpstreamErrorReader {
    /// The statuses worth sending again: timeouts, conflicts, rate limits and server failures.
    static let retryableStatuses: Set<Int> = [408, 409, 429, 500, 502, 503, 504, 529]

    /// The error of a non-2xx answer.
    static func httpError(status: Int, headers: [(name: String, value: String)], body: some Collection<UInt8>, provider: ProviderID) -> ChimeraError {
        let json: JSONValue?
        do {
            json = try JSONValue(parsing: body)
        } catch {
            // An HTML page from a gateway, an empty body: the status still says what failed.
            json = nil
        }
        let fields = json.map { Fields(body: $0) } ?? Fields()
        var message = "\(provider.displayName) answered HTTP \(status)"
        if !fields.labels.isEmpty {
            message += " (\(fields.labels.joined(separator: ", ")))"
        } else if body.isEmpty {
            message += " with an empty body"
        } else if json == nil {
            message += " with a body that is not JSON"
        }
        return makeError(
            status: status,
            fields: fields,
            message: message,
            retryAfter: retryAfter(headers: headers, now: Date()) ?? fields.retryDelay,
            body: String(decoding: body, as: UTF8.self),
            provider: provider
        )
    }

    /// The error carried by a payload that arrived with HTTP 200, or `nil` when its `error`
    /// member is `null`.
    ///
    /// Its status is the one its type or code implies (`overloaded_error` → 529,
    /// `RESOURCE_EXHAUSTED` → 429, a numeric `code`); when nothing implies one, the status is
    /// `nil` and the error is not retryable.
    ///
    /// - Parameters:
    ///   - error: The payload's `error` member (an object, or a bare message string).
    ///   - raw: The payload's bytes, kept (redacted and bounded) as the error's body.
    ///   - location: Where it arrived, for the message: `in the stream`, `in a 200 response`.
    static func inBandError(_ error: JSONValue, raw: some Collection<UInt8>, provider: ProviderID, location: String) -> ChimeraError? {
        guard error != .null else { return nil }
        let fields = Fields(error: error)
        var message = "\(provider.displayName) sent an error \(location)"
        if !fields.labels.isEmpty { message += " (\(fields.labels.joined(separator: ", ")))" }
        return makeError(
            status: fields.impliedStatus,
            fields: fields,
            message: message,
            retryAfter: fields.retryDelay,
            body: String(decoding: raw, as: UTF8.self),
            provider: provider
        )
    }

    // MARK: - Classification

    private static func makeError(
        status: Int?,
        fields: Fields,
        message: String,
        retryAfter: Duration?,
        body: String,
        provider: ProviderID
    ) -> ChimeraError {
        let retryable = !fields.isQuotaExhausted && status.map(retryableStatuses.contains) == true
        return ChimeraError(
            kind: kind(status: status, fields: fields),
            message: message,
            provider: provider,
            status: status,
            upstreamMessage: fields.message,
            body: body,
            isRetryable: retryable,
            retryAfter: retryAfter,
            hint: fields.isQuotaExhausted ? "the account's quota or balance is used up; retrying will not help" : fields.hint
        )
    }

    private static func kind(status: Int?, fields: Fields) -> ChimeraError.Kind {
        // Gemini rejects a bad key with 400 INVALID_ARGUMENT; only the ErrorInfo reason says so.
        if fields.reasons.contains("API_KEY_INVALID") { return .authentication }
        switch status {
        case 401, 403: return .authentication
        case 429: return .rateLimited
        case 400, 404, 413, 422: return .invalidRequest
        default: return .upstream
        }
    }

    // MARK: - Retry-after

    /// The wait a server asked for: `retry-after-ms` (milliseconds) first, then `retry-after`
    /// (seconds, fractional allowed, or an HTTP-date). Header names are case-insensitive; values
    /// that are not positive or not readable are ignored.
    private static func retryAfter(headers: [(name: String, value: String)], now: Date) -> Duration? {
        func value(of name: String) -> String? {
            headers.first { $0.name.lowercased() == name }?.value.trimmingCharacters(in: .whitespaces)
        }
        if let text = value(of: "retry-after-ms"), let milliseconds = Double(text), let wait = positiveDuration(seconds: milliseconds / 1000) {
            return wait
        }
        guard let text = value(of: "retry-after") else { return nil }
        if let seconds = Double(text) {
            return positiveDuration(seconds: seconds)
        }
        guard let date = httpDate(text) else { return nil }
        return positiveDuration(seconds: date.timeIntervalSince(now))
    }

    /// Reads a protobuf duration as Google writes it in `RetryInfo.retryDelay`: `37s`, `1.2s`.
    static func protobufDuration(_ text: String) -> Duration? {
        guard text.hasSuffix("s"), let seconds = Double(text.dropLast()) else { return nil }
        return positiveDuration(seconds: seconds)
    }

    // A server's wait longer than a year is nonsense; the bound also keeps the conversion to
    // Duration far from overflow.
    private static func positiveDuration(seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds > 0, seconds <= 366 * 86_400 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// Reads an HTTP-date in its only current form, IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    ///
    /// Parsed by hand because the value is untrusted and Foundation's `DateFormatter` on Linux
    /// traps on some non-ASCII input.
    private static func httpDate(_ text: String) -> Date? {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let fields = text.split(separator: " ")
        guard text.utf8.count <= 64, fields.count == 6, fields[0].hasSuffix(","), fields[5] == "GMT",
              let day = Int(fields[1]), (1...31).contains(day),
              let monthIndex = months.firstIndex(of: String(fields[2])),
              let year = Int(fields[3]), (1970...9999).contains(year)
        else { return nil }
        let clock = fields[4].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard clock.count == 3, let hour = clock[0], let minute = clock[1], let second = clock[2],
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = daysSinceEpoch(year: year, month: monthIndex + 1, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    // Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    // MARK: - Fields

    /// What an error body says, whatever its shape.
    struct Fields {
        /// The upstream's own message.
        var message: String?
        /// OpenAI's or Anthropic's `error.type`.
        var type: String?
        /// A string `error.code` (OpenAI, Qwen).
        var code: String?
        /// A numeric `error.code` (Gemini, AIClient-2-API's generic shape): an HTTP status.
        var numericCode: Int?
        /// Gemini's `error.status`, e.g. `RESOURCE_EXHAUSTED`.
        var status: String?
        /// The `reason` of each `google.rpc.ErrorInfo` in Gemini's `details`.
        var reasons: [String] = []
        /// Gemini's `RetryInfo.retryDelay`.
        var retryDelay: Duration?
        /// What to do about it: the `hint` a Chimera proxy writes in every family's error shape.
        var hint: String?

        init() {}

        /// Reads a whole error body.
        init(body: JSONValue) {
            // Gemini's non-SSE stream endpoint wraps its error in an array.
            let root = body.array?.first ?? body
            self.init(error: root["error"] ?? .null)
            message = message ?? root["message"]?.string
        }

        /// Reads the `error` member of a body or payload.
        init(error: JSONValue) {
            if let text = error.string {
                message = text
                return
            }
            message = error["message"]?.string
            type = error["type"]?.string
            code = error["code"]?.string
            numericCode = error["code"]?.int
            status = error["status"]?.string
            hint = error["hint"]?.string.map { String($0.prefix(500)) }
            for detail in error["details"]?.array ?? [] {
                if let reason = detail["reason"]?.string { reasons.append(reason) }
                if let delay = detail["retryDelay"]?.string.flatMap(UpstreamErrorReader.protobufDuration) {
                    retryDelay = delay
                }
            }
        }

        /// The names that classify the error, for the message: type, status and code, once each.
        var labels: [String] {
            var labels: [String] = []
            for label in [type, status, code].compactMap({ $0 }) where !label.isEmpty && !labels.contains(label) {
                labels.append(String(label.prefix(64)))
            }
            return labels
        }

        /// Whether the error is about money rather than load: OpenAI's and Qwen's
        /// `insufficient_quota`, Qwen's `Arrearage`, Anthropic's `billing_error`.
        var isQuotaExhausted: Bool {
            [type, code].contains { value in
                guard let value = value?.lowercased() else { return false }
                return value == "insufficient_quota" || value == "arrearage" || value == "billing_error"
            }
        }

        /// The HTTP status that an in-band error stands for.
        var impliedStatus: Int? {
            if let numericCode, (400...599).contains(numericCode) { return numericCode }
            for name in [type, status, code].compactMap({ $0 }) {
                if let status = Self.statusByName[name] { return status }
            }
            return nil
        }

        // Error types (OpenAI, Anthropic, AIClient-2-API) and Google status names.
        private static let statusByName: [String: Int] = [
            "invalid_request_error": 400,
            "authentication_error": 401,
            "billing_error": 402,
            "permission_error": 403,
            "not_found_error": 404,
            "request_too_large": 413,
            "rate_limit_error": 429,
            "rate_limit_exceeded": 429,
            "insufficient_quota": 429,
            "api_error": 500,
            "server_error": 500,
            "timeout_error": 504,
            "overloaded_error": 529,
            "INVALID_ARGUMENT": 400,
            "FAILED_PRECONDITION": 400,
            "OUT_OF_RANGE": 400,
            "UNAUTHENTICATED": 401,
            "PERMISSION_DENIED": 403,
            "NOT_FOUND": 404,
            "ABORTED": 409,
            "ALREADY_EXISTS": 409,
            "RESOURCE_EXHAUSTED": 429,
            "CANCELLED": 499,
            "INTERNAL": 500,
            "UNKNOWN": 500,
            "DATA_LOSS": 500,
            "UNIMPLEMENTED": 501,
            "UNAVAILABLE": 503,
            "DEADLINE_EXCEEDED": 504,
        ]
    }
}
