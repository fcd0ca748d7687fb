import ChimeraCore
import Testing

@Suite("Errors, redaction and retry policy")
struct ErrorAndRetryTests {
    @Test(arguments: [
        "Authorization: Bearer sk-proj-SENTINEL1234567890",
        #"{"error":{"message":"Incorrect API key provided: sk-SENTINEL1234567890abc"}}"#,
        "GET /v1beta/models?key=AIzaSENTINEL1234567890 failed",
        "x-api-key: SENTINEL1234567890",
        "http://user:SENTINEL1234567890@proxy:8080",
        #"{"api_key": "SENTINEL1234567890"}"#,
        // Labels in any case, and text with non-ASCII characters (checked by every pattern).
        "AUTHORIZATION: BEARER SENTINEL1234567890",
        "X-API-KEY: SENTINEL1234567890",
        "GET /v1beta/models?KEY=SENTINEL1234567890 failed",
        "Schlüssel abgelehnt: Bearer SENTINEL1234567890",
        "“sk-SENTINEL1234567890” ist ungültig",
    ])
    func redactionRemovesSecrets(_ text: String) {
        let redacted = Redaction.redact(text)
        #expect(!redacted.contains("SENTINEL1234567890"))
        #expect(redacted.contains(Redaction.mask))
    }

    @Test func redactionKeepsOrdinaryText() {
        let text = "The model gpt-4.1 answered HTTP 429: rate limit reached; try again in 2s"
        #expect(Redaction.redact(text) == text)
    }

    @Test func errorDescriptionIsBoundedAndRedacted() {
        let body = "Bearer sk-SENTINEL1234567890 " + String(repeating: "x", count: 5000)
        let error = ChimeraError(kind: .upstream, message: "boom", provider: .openai, status: 500, body: body, isRetryable: true)
        #expect(error.bodyExcerpt!.count <= ChimeraError.bodyExcerptLimit + 1)
        #expect(!error.bodyExcerpt!.contains("SENTINEL"))
        #expect(!error.description.contains("SENTINEL"))
        #expect(error.description == "[upstream] OpenAI: boom (HTTP 500)")
    }

    @Test func descriptionCarriesStatusUpstreamMessageRetryAfterAndHint() {
        let error = ChimeraError(
            kind: .rateLimited, message: "OpenAI answered HTTP 429", provider: .openai, status: 429,
            upstreamMessage: "Rate limit reached", isRetryable: true, retryAfter: .milliseconds(1500),
            hint: "slow down"
        )
        #expect(error.description == "[rate_limited] OpenAI: OpenAI answered HTTP 429 (HTTP 429): Rate limit reached; retry after 1.5s. slow down")
        #expect(error.kind.description == "rate_limited")
        #expect(ChimeraError.Kind(name: "rate_limited") == .rateLimited)
    }

    @Test func backoffDoublesWithJitterAndIsCapped() {
        let policy = RetryPolicy(maxRetries: 6, baseDelay: .milliseconds(500), maxDelay: .seconds(8))
        let retryable = ChimeraError(kind: .upstream, message: "503", status: 503, isRetryable: true)
        #expect(policy.delay(beforeRetry: 1, after: retryable, jitter: 1) == .milliseconds(500))
        #expect(policy.delay(beforeRetry: 2, after: retryable, jitter: 1) == .seconds(1))
        #expect(policy.delay(beforeRetry: 3, after: retryable, jitter: 0.75) == .milliseconds(1500))
        #expect(policy.delay(beforeRetry: 6, after: retryable, jitter: 1) == .seconds(8))
        #expect(policy.delay(beforeRetry: 7, after: retryable, jitter: 1) == nil)
    }

    @Test func retryAfterIsHonouredUpToItsLimitAndNonRetryableErrorsAreNot() {
        let policy = RetryPolicy(maxRetries: 2, maxRetryAfter: .seconds(60))
        var limited = ChimeraError(kind: .rateLimited, message: "429", status: 429, isRetryable: true, retryAfter: .seconds(2))
        #expect(policy.delay(beforeRetry: 1, after: limited) == .seconds(2))
        limited.retryAfter = .seconds(600)
        #expect(policy.delay(beforeRetry: 1, after: limited) == nil)
        let auth = ChimeraError(kind: .authentication, message: "401", status: 401)
        #expect(policy.delay(beforeRetry: 1, after: auth) == nil)
    }

    @Test func runRetriesUntilSuccess() async throws {
        let policy = RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(1))
        var attempts: [Int] = []
        let result = try await policy.run { (attempt: Int) throws(ChimeraError) -> String in
            attempts.append(attempt)
            if attempt < 3 { throw ChimeraError(kind: .upstream, message: "503", status: 503, isRetryable: true) }
            return "ok"
        }
        #expect(result == "ok")
        #expect(attempts == [1, 2, 3])
    }

    @Test func runStopsAtTheFirstNonRetryableError() async {
        let policy = RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(1))
        var attempts = 0
        await #expect(throws: ChimeraError.self) {
            try await policy.run { (_: Int) throws(ChimeraError) -> String in
                attempts += 1
                throw ChimeraError(kind: .authentication, message: "401", status: 401)
            }
        }
        #expect(attempts == 1)
    }
}
