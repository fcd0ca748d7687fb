import ChimeraCore
import Foundation

/// The values of OpenAI Chat Completions that requests, answers and streams share: finish
/// reasons, usage, error types, and how parts without a domain counterpart travel as
/// ``OpaquePart``s.
enum OpenAIChatWire {
    // MARK: Finish reasons

    /// `stop` → ``FinishReason/stop``, `length` → ``FinishReason/length``, `tool_calls` and the
    /// deprecated `function_call` → ``FinishReason/toolCalls``, `content_filter` →
    /// ``FinishReason/contentFilter``; anything else (DeepSeek's `insufficient_system_resource`)
    /// is kept as ``FinishReason/unknown(_:)``.
    static func finishReason(wire: String) -> FinishReason {
        switch wire {
        case "stop": .stop
        case "length": .length
        case "tool_calls", "function_call": .toolCalls
        case "content_filter": .contentFilter
        default: .unknown(wire)
        }
    }

    /// The wire value of a finish reason. OpenAI does not tell a stop sequence from a natural
    /// end, so ``FinishReason/stopSequence`` is `stop`; a natural end of an answer that called
    /// tools is `tool_calls` (Gemini ends calls with `STOP`, and OpenAI clients look for
    /// `tool_calls` before they run the calls).
    static func wire(finishReason: FinishReason, hasToolCalls: Bool) -> String {
        switch finishReason {
        case .stop: hasToolCalls ? "tool_calls" : "stop"
        case .stopSequence: "stop"
        case .length: "length"
        case .toolCalls: "tool_calls"
        case .contentFilter: "content_filter"
        case .unknown(let value): value
        }
    }

    // MARK: Usage

    /// Reads `usage`: `prompt_tokens`, `completion_tokens`, `total_tokens`,
    /// `prompt_tokens_details.cached_tokens` (else DeepSeek's `prompt_cache_hit_tokens`),
    /// `prompt_tokens_details.cache_write_tokens` and `completion_tokens_details.reasoning_tokens`.
    static func usage(_ field: JSONField) throws(FieldError) -> Usage {
        let details = field["prompt_tokens_details"]
        var usage = Usage.wire(
            input: [try field["prompt_tokens"].optionalInt() ?? 0],
            output: [try field["completion_tokens"].optionalInt() ?? 0],
            total: try field["total_tokens"].optionalInt()
        )
        let deepSeekCached = try field["prompt_cache_hit_tokens"].optionalInt()
        usage.cachedInputTokens = try details["cached_tokens"].optionalInt() ?? deepSeekCached
        usage.cacheWriteTokens = try details["cache_write_tokens"].optionalInt()
        usage.reasoningTokens = try field["completion_tokens_details"]["reasoning_tokens"].optionalInt()
        return usage
    }

    /// Writes `usage`; the details objects only hold the counts that are known. `extras` is what
    /// an OpenAI-family answer's usage held beyond that (audio tokens, DeepSeek's
    /// `prompt_cache_hit_tokens`), merged back member by member without overriding a count
    /// written here.
    static func usage(_ usage: Usage, extras: JSONObject?) -> JSONValue {
        var object: JSONObject = [
            "prompt_tokens": .int(usage.inputTokens),
            "completion_tokens": .int(usage.outputTokens),
            "total_tokens": .int(usage.totalTokens),
        ]
        var promptDetails = JSONObject()
        if let cached = usage.cachedInputTokens { promptDetails["cached_tokens"] = .int(cached) }
        if let written = usage.cacheWriteTokens { promptDetails["cache_write_tokens"] = .int(written) }
        if !promptDetails.isEmpty { object["prompt_tokens_details"] = .object(promptDetails) }
        if let reasoning = usage.reasoningTokens {
            object["completion_tokens_details"] = ["reasoning_tokens": .int(reasoning)]
        }
        if let extras { object = merging(extras, into: object) }
        return .object(object)
    }

    /// `object` with the members of `extras` it lacks (or has as `null`) added, recursively for
    /// members that are objects on both sides; any other member `object` has keeps its value.
    static func merging(_ extras: JSONObject, into object: JSONObject) -> JSONObject {
        var result = object
        for member in extras {
            switch (result[member.key], member.value) {
            case (nil, let value), (.null?, let value):
                result[member.key] = value
            case (.object(let mine)?, .object(let theirs)):
                result[member.key] = .object(merging(theirs, into: mine))
            default:
                break
            }
        }
        return result
    }

    // MARK: Errors

    /// The `error.type` OpenAI uses for an HTTP status: 400 `invalid_request_error`,
    /// 401 `authentication_error`, 403 `permission_error`, 404 `not_found_error`,
    /// 429 `rate_limit_error`, 5xx `server_error`, other 4xx `invalid_request_error`.
    static func errorType(status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 429: "rate_limit_error"
        case 500...599: "server_error"
        default: "invalid_request_error"
        }
    }

    /// `{"error":{"message","type","param":null,"code"}}`, and `hint` when Chimera knows what to do
    /// about the error (SDKs show the whole body, so it reaches the user): the type of the error's status; the
    /// code repeats the type, as AIClient-2-API does, except for a 429 that must not be retried,
    /// which gets `insufficient_quota` so that OpenAI clients leave it alone.
    static func errorBody(_ error: ChimeraError) -> JSONValue {
        let status = error.httpStatus
        let type = errorType(status: status)
        var detail: JSONObject = [
            "message": .string(error.upstreamMessage ?? error.message),
            "type": .string(type),
            "param": nil,
            "code": .string(status == 429 && !error.isRetryable ? "insufficient_quota" : type),
        ]
        if let hint = error.hint { detail["hint"] = .string(hint) }
        return ["error": .object(detail)]
    }

    // MARK: Time

    /// Seconds since 1970, for `created`.
    static func now() -> Int {
        Int(Date().timeIntervalSince1970)
    }
}
