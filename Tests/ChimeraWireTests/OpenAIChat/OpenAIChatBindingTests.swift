import ChimeraCore
import ChimeraWire
import Testing

private typealias H = OpenAIChatHarness

@Suite("OpenAI Chat binding: headers, errors, model lists")
struct OpenAIChatBindingTests {
    @Test func theKeyTravelsAsABearerToken() {
        let headers = H.binding.authenticationHeaders(apiKey: Secret("sk-test-123"))
        #expect(headers.map(\.name) == ["Authorization"])
        #expect(headers.map(\.value) == ["Bearer sk-test-123"])
        #expect(H.binding.authenticationHeaders(apiKey: nil).isEmpty)
        #expect(H.binding.family == .openAIChat)
    }

    // MARK: Errors

    @Test func anErrorBodyHasOpenAIsShapeWithTheUpstreamsMessage() throws {
        let error = ChimeraError(kind: .rateLimited, message: "slow down", status: 429, upstreamMessage: "Rate limit reached", isRetryable: true)
        let body = try JSONValue(parsing: H.binding.encodeError(error))
        #expect(body == ["error": ["message": "Rate limit reached", "type": "rate_limit_error", "param": nil, "code": "rate_limit_error"]])
    }

    @Test(arguments: [
        (400, "invalid_request_error"), (401, "authentication_error"), (403, "permission_error"),
        (404, "not_found_error"), (429, "rate_limit_error"), (500, "server_error"), (503, "server_error"), (422, "invalid_request_error"),
    ])
    func theErrorTypeFollowsTheStatus(_ status: Int, _ type: String) throws {
        let error = ChimeraError(kind: .upstream, message: "failed", status: status, isRetryable: true)
        let body = try JSONValue(parsing: H.binding.encodeError(error))
        #expect(body["error"]?["type"] == .string(type))
    }

    @Test func aRateLimitThatMustNotBeRetriedIsAnExhaustedQuota() throws {
        let error = ChimeraError(kind: .rateLimited, message: "quota", status: 429, isRetryable: false)
        #expect(try JSONValue(parsing: H.binding.encodeError(error))["error"]?["code"] == "insufficient_quota")
    }

    // MARK: Model lists

    @Test func aModelListRoundTripsThroughOpenAIsShape() throws {
        let body = #"{"object":"list","data":[{"id":"gpt-4.1","object":"model","created":1686935002,"owned_by":"openai"},{"id":"deepseek-chat","object":"model","owned_by":"deepseek"}]}"#
        let models = try H.binding.decodeModelList(Array(body.utf8), provider: .deepseek)
        #expect(models == [ModelInfo(id: "gpt-4.1", provider: .deepseek), ModelInfo(id: "deepseek-chat", provider: .deepseek)])
        let written = try JSONValue(parsing: H.binding.encodeModelList(models))
        #expect(written["object"] == "list")
        #expect(written["data"]?.array?.first == ["id": "gpt-4.1", "object": "model", "created": 0, "owned_by": "deepseek"])
        #expect(try H.binding.decodeModelList(H.binding.encodeModelList(models), provider: .deepseek) == models)
    }

    @Test func aModelListWithoutDataIsADecodingError() throws {
        let error = try #require(thrownError { try H.binding.decodeModelList(Array(#"{"object":"list"}"#.utf8), provider: .openai) })
        #expect(error.kind == .decoding)
        #expect(error.message.contains("data: required"), "\(error.message)")
    }
}
