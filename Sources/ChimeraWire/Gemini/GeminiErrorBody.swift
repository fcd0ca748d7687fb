import ChimeraCore

/// Gemini's error body, `{"error":{"code","message","status","details"}}`, for any error.
///
/// `code` is the HTTP status (``ChimeraError/httpStatus``), `status` Google's name for it
/// (``statusName(_:)``), `message` the upstream's own message when there is one. An
/// authentication error answered with 400 carries the `ErrorInfo` reason `API_KEY_INVALID`, and
/// a retry-after becomes a `RetryInfo.retryDelay`, so a Gemini client reads both as it would
/// from Google (``UpstreamErrorReader`` reads them back).
enum GeminiErrorBody {
    static func body(_ error: ChimeraError) -> JSONObject {
        let status = error.httpStatus
        var details: [JSONValue] = []
        if error.kind == .authentication, status == 400 {
            details.append(["@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"])
        }
        if let retryAfter = error.retryAfter {
            details.append(["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": .string(retryAfter.formattedSeconds)])
        }
        var inner: JSONObject = [
            "code": .int(status),
            "message": .string(error.upstreamMessage ?? error.message),
            "status": .string(statusName(status)),
        ]
        if !details.isEmpty { inner["details"] = .array(details) }
        // What to do about it, as in every family's error shape; clients that do not know the member ignore it.
        if let hint = error.hint { inner["hint"] = .string(hint) }
        return ["error": .object(inner)]
    }

    /// Google's status name for an HTTP status: 400 `INVALID_ARGUMENT`, 401 `UNAUTHENTICATED`,
    /// 403 `PERMISSION_DENIED`, 404 `NOT_FOUND`, 409 `ABORTED`, 429 `RESOURCE_EXHAUSTED`,
    /// 499 `CANCELLED`, 501 `UNIMPLEMENTED`, 503 `UNAVAILABLE`, 504 `DEADLINE_EXCEEDED`,
    /// `INTERNAL` for other 5xx and `UNKNOWN` for the rest.
    static func statusName(_ status: Int) -> String {
        switch status {
        case 400: "INVALID_ARGUMENT"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 409: "ABORTED"
        case 429: "RESOURCE_EXHAUSTED"
        case 499: "CANCELLED"
        case 501: "UNIMPLEMENTED"
        case 503: "UNAVAILABLE"
        case 504: "DEADLINE_EXCEEDED"
        case 500...599: "INTERNAL"
        default: "UNKNOWN"
        }
    }
}
