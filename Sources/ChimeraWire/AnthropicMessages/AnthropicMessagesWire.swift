import ChimeraCore

/// The small tables of Anthropic Messages that every codec of the family shares: stop reasons,
/// error types, prompt-cache markers, and reading a block's members.
enum AnthropicMessagesWire {
    /// The `anthropic-version` Chimera sends (the API accepts it from every current SDK).
    static let apiVersion = "2023-06-01"

    /// The `max_tokens` sent when a request sets no limit, since Anthropic requires one.
    ///
    /// 4096 fits the output limit of every current Claude model and is what converters such as
    /// AIClient-2-API supply. With thinking on, the budget is added to it, because Anthropic
    /// counts thinking within `max_tokens` and refuses a budget that is not below it.
    static let defaultMaxTokens = 4096

    /// The smallest `thinking.budget_tokens` Anthropic accepts.
    static let minimumThinkingBudget = 1024

    // MARK: Stop reasons

    /// A `stop_reason` as a finish reason: `end_turn` → stop, `stop_sequence` → stop sequence,
    /// `max_tokens` and `model_context_window_exceeded` → length, `tool_use` → tool calls,
    /// `refusal` → content filter; anything else (`pause_turn`, a proxy's `safety`) is kept as
    /// ``FinishReason/unknown(_:)``.
    static func finishReason(_ wire: String) -> FinishReason {
        switch wire {
        case "end_turn": .stop
        case "stop_sequence": .stopSequence
        case "max_tokens", "model_context_window_exceeded": .length
        case "tool_use": .toolCalls
        case "refusal": .contentFilter
        default: .unknown(wire)
        }
    }

    /// The `stop_reason` of a finish reason.
    ///
    /// - Parameters:
    ///   - reason: The finish, or `nil` when none was given (a natural end).
    ///   - madeToolCalls: Whether the answer holds tool calls: a natural end then is `tool_use`,
    ///     whatever the upstream called it (OpenAI-compatible servers often say `stop`), because
    ///     Anthropic clients run the tools only on `tool_use`.
    ///   - original: The upstream's own `stop_reason`, when the answer came from Anthropic; it
    ///     is kept when it maps to the same finish (`model_context_window_exceeded` stays itself
    ///     instead of becoming `max_tokens`).
    static func stopReason(_ reason: FinishReason?, madeToolCalls: Bool, original: String? = nil) -> String {
        if let original, finishReason(original) == reason { return original }
        switch reason {
        case nil, .stop?: return madeToolCalls ? "tool_use" : "end_turn"
        case .stopSequence?: return "stop_sequence"
        case .length?: return "max_tokens"
        case .toolCalls?: return "tool_use"
        case .contentFilter?: return "refusal"
        case .unknown(let value)?: return value
        }
    }

    // MARK: Errors

    /// The `error.type` Anthropic uses for an HTTP status: 400 `invalid_request_error`,
    /// 401 `authentication_error`, 402 `billing_error`, 403 `permission_error`,
    /// 404 `not_found_error`, 413 `request_too_large`, 429 `rate_limit_error`,
    /// 504 `timeout_error`, 529 `overloaded_error`, other 5xx `api_error`, other 4xx
    /// `invalid_request_error`.
    static func errorType(status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 402: "billing_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 504: "timeout_error"
        case 529: "overloaded_error"
        case 500...599: "api_error"
        default: "invalid_request_error"
        }
    }

    /// `{"type":"error","error":{"type","message"}}` for an error: the type of its status,
    /// except that a 429 which must not be retried is a spending limit, which Anthropic calls
    /// `billing_error`, so that a client leaves it alone instead of retrying.
    static func errorBody(_ error: ChimeraError) -> JSONValue {
        let status = error.httpStatus
        let type = status == 429 && !error.isRetryable ? "billing_error" : errorType(status: status)
        var detail: JSONObject = ["type": .string(type), "message": .string(error.upstreamMessage ?? error.message)]
        // What to do about it, as in every family's error shape; clients that do not know the member ignore it.
        if let hint = error.hint { detail["hint"] = .string(hint) }
        return ["type": "error", "error": .object(detail)]
    }

    // MARK: Prompt-cache markers

    /// Reads `cache_control` (`{"type":"ephemeral","ttl":"1h"}`); absent or `null` is `nil`.
    static func cacheControl(_ field: JSONField) throws(FieldError) -> CacheControl? {
        guard field.isPresent else { return nil }
        return CacheControl(type: try field["type"].string(), ttl: try field["ttl"].optionalString())
    }

    /// The JSON of a prompt-cache marker.
    static func json(_ cacheControl: CacheControl) -> JSONValue {
        var object: JSONObject = ["type": .string(cacheControl.type)]
        if let ttl = cacheControl.ttl { object["ttl"] = .string(ttl) }
        return .object(object)
    }

    // MARK: Members

    /// Whether every member of `field` that is not `null` is one of `keys`: a block with members
    /// the domain has no place for is kept whole, as an opaque part, instead of losing them.
    static func hasOnly(_ field: JSONField, _ keys: Set<String>) -> Bool {
        guard let object = field.value?.object else { return false }
        return object.allSatisfy { keys.contains($0.key) || $0.value.isNull }
    }

    /// Whether a part is a tool call.
    static func isToolCall(_ part: ContentPart) -> Bool {
        if case .toolCall = part { true } else { false }
    }
}
