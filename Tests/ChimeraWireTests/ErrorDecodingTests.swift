import ChimeraCore
import ChimeraWire
import Foundation
import Testing

/// One non-2xx answer and what Chimera must make of it.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var provider: ProviderID
    var status: Int
    var headers: [(name: String, value: String)] = []
    var body: String
    var kind: ChimeraError.Kind
    var retryable: Bool
    var retryAfter: Duration? = nil
    var upstreamMessage: String?
    var message: String

    var testDescription: String { name }
}

@Suite("Error decoding")
struct ErrorDecodingTests {
    static let cases: [ErrorCase] = [
        ErrorCase(
            name: "OpenAI rate limit with retry-after-ms before retry-after", provider: .openai, status: 429,
            headers: [("retry-after-ms", "1500"), ("retry-after", "3")],
            body: #"{"error":{"message":"Rate limit reached for requests","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}"#,
            kind: .rateLimited, retryable: true, retryAfter: .milliseconds(1500),
            upstreamMessage: "Rate limit reached for requests", message: "OpenAI answered HTTP 429 (rate_limit_error, rate_limit_exceeded)"
        ),
        ErrorCase(
            name: "OpenAI exhausted quota is not retried", provider: .openai, status: 429,
            body: #"{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#,
            kind: .rateLimited, retryable: false,
            upstreamMessage: "You exceeded your current quota, please check your plan and billing details.", message: "OpenAI answered HTTP 429 (insufficient_quota)"
        ),
        ErrorCase(
            name: "OpenAI bad key", provider: .openai, status: 401,
            body: #"{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#,
            kind: .authentication, retryable: false,
            upstreamMessage: "Incorrect API key provided.", message: "OpenAI answered HTTP 401 (invalid_request_error, invalid_api_key)"
        ),
        ErrorCase(
            name: "OpenAI server error with a fractional Retry-After", provider: .openai, status: 503,
            headers: [("Retry-After", "2.5")],
            body: #"{"error":{"message":"The server is overloaded","type":"server_error","param":null,"code":null}}"#,
            kind: .upstream, retryable: true, retryAfter: .milliseconds(2500),
            upstreamMessage: "The server is overloaded", message: "OpenAI answered HTTP 503 (server_error)"
        ),
        ErrorCase(
            name: "OpenAI conflict is retried", provider: .openai, status: 409,
            body: #"{"error":{"message":"conflict","type":"invalid_request_error"}}"#,
            kind: .upstream, retryable: true, upstreamMessage: "conflict", message: "OpenAI answered HTTP 409 (invalid_request_error)"
        ),
        ErrorCase(
            name: "OpenAI unprocessable is not retried", provider: .openai, status: 422,
            body: #"{"error":{"message":"bad","type":"invalid_request_error"}}"#,
            kind: .invalidRequest, retryable: false, upstreamMessage: "bad", message: "OpenAI answered HTTP 422 (invalid_request_error)"
        ),
        ErrorCase(
            name: "DeepSeek insufficient balance", provider: .deepseek, status: 402,
            body: #"{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}"#,
            kind: .upstream, retryable: false,
            upstreamMessage: "Insufficient Balance", message: "DeepSeek answered HTTP 402 (unknown_error, invalid_request_error)"
        ),
        ErrorCase(
            name: "DeepSeek bad key", provider: .deepseek, status: 401,
            body: #"{"error":{"message":"Authentication Fails, Your api key: ****abcd is invalid","type":"authentication_error","param":null,"code":"invalid_request_error"}}"#,
            kind: .authentication, retryable: false,
            upstreamMessage: "Authentication Fails, Your api key: ****abcd is invalid", message: "DeepSeek answered HTTP 401 (authentication_error, invalid_request_error)"
        ),
        ErrorCase(
            name: "DeepSeek overloaded", provider: .deepseek, status: 503,
            body: #"{"error":{"message":"Server overloaded, please try again later","type":"server_error"}}"#,
            kind: .upstream, retryable: true,
            upstreamMessage: "Server overloaded, please try again later", message: "DeepSeek answered HTTP 503 (server_error)"
        ),
        ErrorCase(
            name: "Qwen throttling", provider: .qwen, status: 429,
            body: #"{"error":{"code":"Throttling.RateQuota","message":"Requests rate limit exceeded, please try again later."},"request_id":"r-1"}"#,
            kind: .rateLimited, retryable: true,
            upstreamMessage: "Requests rate limit exceeded, please try again later.", message: "Qwen answered HTTP 429 (Throttling.RateQuota)"
        ),
        ErrorCase(
            name: "Qwen free quota used up", provider: .qwen, status: 429,
            body: #"{"error":{"code":"insufficient_quota","message":"You exceeded your current quota."},"request_id":"r-2"}"#,
            kind: .rateLimited, retryable: false,
            upstreamMessage: "You exceeded your current quota.", message: "Qwen answered HTTP 429 (insufficient_quota)"
        ),
        ErrorCase(
            name: "Qwen overdue account", provider: .qwen, status: 403,
            body: #"{"error":{"code":"Arrearage","message":"Access denied, please make sure your account is in good standing.","type":"Arrearage"},"request_id":"r-3"}"#,
            kind: .authentication, retryable: false,
            upstreamMessage: "Access denied, please make sure your account is in good standing.", message: "Qwen answered HTTP 403 (Arrearage)"
        ),
        ErrorCase(
            name: "Anthropic overloaded", provider: .anthropic, status: 529,
            body: #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}"#,
            kind: .upstream, retryable: true, upstreamMessage: "Overloaded", message: "Anthropic answered HTTP 529 (overloaded_error)"
        ),
        ErrorCase(
            name: "Anthropic rate limit with retry-after in seconds", provider: .anthropic, status: 429,
            headers: [("retry-after", "17"), ("anthropic-ratelimit-requests-remaining", "0")],
            body: #"{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"},"request_id":"req_2"}"#,
            kind: .rateLimited, retryable: true, retryAfter: .seconds(17),
            upstreamMessage: "Number of requests has exceeded your rate limit", message: "Anthropic answered HTTP 429 (rate_limit_error)"
        ),
        ErrorCase(
            name: "Anthropic billing", provider: .anthropic, status: 402,
            body: #"{"type":"error","error":{"type":"billing_error","message":"Your credit balance is too low"}}"#,
            kind: .upstream, retryable: false, upstreamMessage: "Your credit balance is too low", message: "Anthropic answered HTTP 402 (billing_error)"
        ),
        ErrorCase(
            name: "Anthropic request too large", provider: .anthropic, status: 413,
            body: #"{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}}"#,
            kind: .invalidRequest, retryable: false,
            upstreamMessage: "Request exceeds the maximum allowed number of bytes.", message: "Anthropic answered HTTP 413 (request_too_large)"
        ),
        ErrorCase(
            name: "Gemini quota with RetryInfo", provider: .gemini, status: 429,
            body: """
                {"error": {"code": 429, "message": "You exceeded your current quota.", "status": "RESOURCE_EXHAUSTED",
                  "details": [{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": []},
                              {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}]}}
                """,
            kind: .rateLimited, retryable: true, retryAfter: .seconds(37),
            upstreamMessage: "You exceeded your current quota.", message: "Gemini answered HTTP 429 (RESOURCE_EXHAUSTED)"
        ),
        ErrorCase(
            name: "Gemini fractional retryDelay", provider: .gemini, status: 429,
            body: #"{"error":{"code":429,"message":"slow","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.2s"}]}}"#,
            kind: .rateLimited, retryable: true, retryAfter: .milliseconds(1200), upstreamMessage: "slow", message: "Gemini answered HTTP 429 (RESOURCE_EXHAUSTED)"
        ),
        ErrorCase(
            name: "Gemini header wait wins over RetryInfo", provider: .gemini, status: 429,
            headers: [("RETRY-AFTER", "5")],
            body: #"{"error":{"code":429,"message":"slow","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}}"#,
            kind: .rateLimited, retryable: true, retryAfter: .seconds(5), upstreamMessage: "slow", message: "Gemini answered HTTP 429 (RESOURCE_EXHAUSTED)"
        ),
        ErrorCase(
            name: "Gemini bad key answered with 400", provider: .gemini, status: 400,
            body: """
                {
                  "error": {
                    "code": 400,
                    "message": "API key not valid. Please pass a valid API key.",
                    "status": "INVALID_ARGUMENT",
                    "details": [
                      {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                        "metadata": {"service": "generativelanguage.googleapis.com"}
                      }
                    ]
                  }
                }
                """,
            kind: .authentication, retryable: false,
            upstreamMessage: "API key not valid. Please pass a valid API key.", message: "Gemini answered HTTP 400 (INVALID_ARGUMENT)"
        ),
        ErrorCase(
            name: "Gemini unavailable", provider: .gemini, status: 503,
            body: #"{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}"#,
            kind: .upstream, retryable: true,
            upstreamMessage: "The model is overloaded. Please try again later.", message: "Gemini answered HTTP 503 (UNAVAILABLE)"
        ),
        ErrorCase(
            name: "Gemini deadline exceeded", provider: .gemini, status: 504,
            body: #"{"error":{"code":504,"message":"Deadline exceeded","status":"DEADLINE_EXCEEDED"}}"#,
            kind: .upstream, retryable: true, upstreamMessage: "Deadline exceeded", message: "Gemini answered HTTP 504 (DEADLINE_EXCEEDED)"
        ),
        ErrorCase(
            name: "Gemini error wrapped in an array", provider: .gemini, status: 404,
            body: #"[{"error":{"code":404,"message":"models/nope is not found","status":"NOT_FOUND"}}]"#,
            kind: .invalidRequest, retryable: false, upstreamMessage: "models/nope is not found", message: "Gemini answered HTTP 404 (NOT_FOUND)"
        ),
        ErrorCase(
            name: "HTML page from a gateway", provider: .cursor, status: 502,
            body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
            kind: .upstream, retryable: true, upstreamMessage: nil, message: "Cursor answered HTTP 502 with a body that is not JSON"
        ),
        ErrorCase(
            name: "Empty body", provider: .openai, status: 500, body: "",
            kind: .upstream, retryable: true, upstreamMessage: nil, message: "OpenAI answered HTTP 500 with an empty body"
        ),
        ErrorCase(
            name: "Request timeout", provider: .qwen, status: 408, body: "",
            kind: .upstream, retryable: true, upstreamMessage: nil, message: "Qwen answered HTTP 408 with an empty body"
        ),
        ErrorCase(
            name: "AIClient-2-API generic shape", provider: .anthropic, status: 500,
            body: #"{"error":{"message":"[API Service] No healthy provider found in pool for claude-kiro-oauth","code":500,"suggestions":["Check the provider pool"],"details":{"upstream":"x"}}}"#,
            kind: .upstream, retryable: true,
            upstreamMessage: "[API Service] No healthy provider found in pool for claude-kiro-oauth", message: "Anthropic answered HTTP 500"
        ),
        ErrorCase(
            name: "AIClient-2-API OpenAI shape without param", provider: .openai, status: 401,
            body: #"{"error":{"message":"Unauthorized: API key is invalid or missing.","type":"authentication_error","code":"authentication_error"}}"#,
            kind: .authentication, retryable: false,
            upstreamMessage: "Unauthorized: API key is invalid or missing.", message: "OpenAI answered HTTP 401 (authentication_error)"
        ),
        ErrorCase(
            name: "Bare error string", provider: .gemini, status: 404, body: #"{"error":"Not Found"}"#,
            kind: .invalidRequest, retryable: false, upstreamMessage: "Not Found", message: "Gemini answered HTTP 404"
        ),
        ErrorCase(
            name: "Unreadable retry-after is ignored", provider: .openai, status: 429, headers: [("retry-after", "soon"), ("retry-after-ms", "-5")],
            body: #"{"error":{"message":"slow","type":"rate_limit_error"}}"#,
            kind: .rateLimited, retryable: true, retryAfter: nil, upstreamMessage: "slow", message: "OpenAI answered HTTP 429 (rate_limit_error)"
        ),
    ]

    @Test(arguments: cases)
    func errorIsClassifiedFromStatusHeadersAndBody(_ example: ErrorCase) {
        let binding = ProtocolBindings.binding(for: example.provider)
        let error = binding.decodeError(status: example.status, headers: example.headers, body: Array(example.body.utf8), provider: example.provider)
        #expect(error.kind == example.kind)
        #expect(error.status == example.status)
        #expect(error.isRetryable == example.retryable)
        #expect(error.retryAfter == example.retryAfter)
        #expect(error.upstreamMessage == example.upstreamMessage)
        #expect(error.message == example.message)
        #expect(error.provider == example.provider)
        #expect((error.bodyExcerpt == nil) == example.body.isEmpty)
    }

    @Test func retryAfterAsAnHTTPDateIsTheDelayFromNow() throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: Date().addingTimeInterval(120))
        let error = OpenAIChatBinding(provider: .openai).decodeError(status: 503, headers: [("Retry-After", date)], body: [], provider: .openai)
        let wait = try #require(error.retryAfter)
        #expect(wait > .seconds(110) && wait <= .seconds(121))
    }

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37", "06 Nov 2094 08:49:37 GMT", "Sun, 31 Foo 2094 08:49:37 GMT",
        "Sun, 06 Nov 2094 25:00:00 GMT", "Sun, 06 Nov 2094 08:49 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 2094", "s͗B\u{FFFD}k Gp Or ^ 6 5 ֓=q q {z %",
    ])
    func retryAfterThatIsNeitherSecondsNorAnIMFDateIsIgnored(_ value: String) {
        let error = OpenAIChatBinding(provider: .openai).decodeError(status: 503, headers: [("retry-after", value)], body: [], provider: .openai)
        #expect(error.retryAfter == nil)
    }

    @Test func retryAfterDateInThePastIsIgnored() {
        let error = GeminiBinding().decodeError(status: 503, headers: [("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")], body: [], provider: .gemini)
        #expect(error.retryAfter == nil)
    }

    @Test func keyEchoedInAnErrorBodyIsRedacted() {
        let body = #"{"error":{"message":"Incorrect API key provided: sk-proj-abcdefghijklmnop1234. You can find your API key at https://platform.openai.com.","type":"invalid_request_error","code":"invalid_api_key"}}"#
        let error = OpenAIChatBinding(provider: .openai).decodeError(status: 401, headers: [], body: Array(body.utf8), provider: .openai)
        #expect(!error.description.contains("abcdefghijklmnop"))
        #expect(error.upstreamMessage?.contains("abcdefghijklmnop") == false)
        #expect(error.bodyExcerpt?.contains("abcdefghijklmnop") == false)
    }

    static let proxyErrors: [ChimeraError] = [
        ChimeraError(kind: .authentication, message: "Unauthorized", status: 401),
        ChimeraError.invalidRequest("messages[2].role: expected a string"),
        ChimeraError(kind: .rateLimited, message: "slow down", status: 429, upstreamMessage: "Rate limit reached", isRetryable: true),
        ChimeraError(kind: .rateLimited, message: "quota", status: 429, upstreamMessage: "You exceeded your current quota", isRetryable: false),
        ChimeraError(kind: .upstream, message: "overloaded", status: 529, isRetryable: true),
        ChimeraError(kind: .upstream, message: "unavailable", status: 503, isRetryable: true),
        ChimeraError(kind: .invalidRequest, message: "no such model", status: 404),
    ]

    @Test(arguments: ProtocolFamily.allCases, proxyErrors)
    func errorAnsweredByTheProxyReadsBackTheSame(_ family: ProtocolFamily, _ original: ChimeraError) {
        let binding = ProtocolBindings.binding(for: family)
        let status = original.httpStatus
        let provider = family.sampleProvider
        let decoded = binding.decodeError(status: status, headers: [], body: binding.encodeError(original), provider: provider)
        #expect(decoded.kind == original.kind)
        #expect(decoded.status == status)
        #expect(decoded.upstreamMessage == (original.upstreamMessage ?? original.message))
        // Google's error shape has no way to say that a 429 is not worth retrying.
        if !(family == .geminiGenerateContent && status == 429 && !original.isRetryable) {
            #expect(decoded.isRetryable == original.isRetryable)
        }
    }

    @Test func geminiBadKeyAndRetryDelaySurviveTheProxy() {
        let binding = GeminiBinding()
        let badKey = binding.decodeError(status: 400, headers: [], body: binding.encodeError(ChimeraError(kind: .authentication, message: "API key not valid", status: 400)), provider: .gemini)
        #expect(badKey.kind == .authentication)
        let limited = ChimeraError(kind: .rateLimited, message: "slow", status: 429, isRetryable: true, retryAfter: .milliseconds(2500))
        #expect(binding.decodeError(status: 429, headers: [], body: binding.encodeError(limited), provider: .gemini).retryAfter == .milliseconds(2500))
    }
}
