import ChimeraCore
import ChimeraWire
import Foundation
import Testing

private typealias H = AnthropicMessagesHarness

@Suite("Anthropic Messages binding: routes, headers, errors, token counts, model lists")
struct AnthropicMessagesBindingTests {
    @Test func routesAndURLsAreAnthropics() throws {
        #expect(H.binding.family == .anthropicMessages)
        #expect(H.binding.serverRoutes == [
            ServerRoute(.post, "v1/messages", .chat),
            ServerRoute(.post, "v1/messages/count_tokens", .countTokens),
            ServerRoute(.get, "v1/models", .models, selectingHeader: "anthropic-version"),
        ])
        let base = try #require(URL(string: "https://api.anthropic.com"))
        #expect(H.binding.chatURL(base: base, model: "m", stream: true).absoluteString == "https://api.anthropic.com/v1/messages")
        #expect(H.binding.modelsURL(base: base).absoluteString == "https://api.anthropic.com/v1/models")
        #expect(H.binding.countTokensURL(base: base, model: "m")?.absoluteString == "https://api.anthropic.com/v1/messages/count_tokens")
        let proxied = try #require(URL(string: "http://localhost:8080/claude-custom"))
        #expect(H.binding.chatURL(base: proxied, model: "m", stream: false).absoluteString == "http://localhost:8080/claude-custom/v1/messages")
    }

    @Test func headersCarryTheKeyAndTheVersion() {
        let headers = H.binding.authenticationHeaders(apiKey: Secret("sk-ant-1"))
        #expect(headers.map(\.name) == ["x-api-key", "anthropic-version"])
        #expect(headers.map(\.value) == ["sk-ant-1", "2023-06-01"])
        #expect(H.binding.authenticationHeaders(apiKey: nil).map(\.name) == ["anthropic-version"])
        #expect(H.binding.forwardedHeaders == ["anthropic-version", "anthropic-beta"])
    }

    @Test func replacingTheModelLeavesEveryOtherByteAsSent() throws {
        let body = "{ \"max_tokens\" : 5,\n  \"model\":\"alias\", \"x\": [1.0e3] }"
        let replaced = try H.binding.replacingModel(in: Array(body.utf8), with: "claude-\"q\"")
        #expect(String(decoding: replaced, as: UTF8.self) == "{ \"max_tokens\" : 5,\n  \"model\":\"claude-\\\"q\\\"\", \"x\": [1.0e3] }")
        let added = try H.binding.replacingModel(in: Array(#"{"max_tokens":5}"#.utf8), with: "m")
        #expect(String(decoding: added, as: UTF8.self) == #"{"model":"m","max_tokens":5}"#)
        let error = try #require(H.error { () throws(ChimeraError) in try H.binding.replacingModel(in: Array("[]".utf8), with: "m") })
        #expect(error.kind == .invalidRequest)
    }

    // MARK: Errors

    @Test(arguments: [
        (400, true, "invalid_request_error"), (401, false, "authentication_error"), (402, false, "billing_error"),
        (403, false, "permission_error"), (404, false, "not_found_error"), (413, false, "request_too_large"),
        (429, true, "rate_limit_error"), (429, false, "billing_error"), (500, true, "api_error"),
        (503, true, "api_error"), (504, true, "timeout_error"), (529, true, "overloaded_error"),
    ])
    func errorsAreWrittenWithTheTypeOfTheirStatus(_ status: Int, _ retryable: Bool, _ type: String) throws {
        let error = ChimeraError(kind: .upstream, message: "Chimera's words", status: status, upstreamMessage: "upstream's words", isRetryable: retryable)
        #expect(try H.json(H.binding.encodeError(error)) == ["type": "error", "error": ["type": .string(type), "message": "upstream's words"]])
    }

    @Test func anErrorBodyIsReadWithItsStatusAndRetryAfter() {
        let body = #"{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"},"request_id":"req_011"}"#
        let error = H.binding.decodeError(status: 429, headers: [("retry-after", "7")], body: Array(body.utf8), provider: .anthropic)
        #expect(error.kind == .rateLimited)
        #expect(error.isRetryable)
        #expect(error.retryAfter == .seconds(7))
        #expect(error.upstreamMessage == "Number of requests has exceeded your rate limit")
    }

    // MARK: Token counts

    @Test func aTokenCountRequestHoldsOnlyWhatTheEndpointTakes() throws {
        var request = AnthropicMessagesRequestTests.crossFamilyRequest
        request.extensions[.anthropicMessages] = ["service_tier": "auto", "cache_control": ["type": "ephemeral"]]
        let body = try H.json(H.binding.encodeTokenCountRequest(request))
        #expect(body.object?.keys == ["model", "system", "messages", "thinking", "tool_choice", "tools", "output_config", "cache_control"])
    }

    @Test func anInboundTokenCountNeedsNoMaxTokens() throws {
        let body = #"{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"Hello"}],"tools":[{"name":"f","input_schema":{"type":"object"}}]}"#
        let request = try H.binding.decodeTokenCountRequest(Array(body.utf8), provider: .anthropic, model: nil)
        #expect(request.maxTokens == nil && !request.stream)
        H.expectSame(try H.json(H.binding.encodeTokenCountRequest(request)), try H.json(body))
        let refused = H.error { () throws(ChimeraError) in try H.binding.decodeRequest(Array(body.utf8), provider: .anthropic, model: nil, stream: nil) }
        #expect(refused?.message == "max_tokens: required")
    }

    @Test func tokenCountsAreReadAndWritten() throws {
        #expect(try H.binding.decodeTokenCount(Array(#"{"input_tokens":2095}"#.utf8), provider: .anthropic) == 2095)
        #expect(String(decoding: H.binding.encodeTokenCount(14), as: UTF8.self) == #"{"input_tokens":14}"#)
        let malformed = H.error { () throws(ChimeraError) in try H.binding.decodeTokenCount(Array(#"{"tokens":1}"#.utf8), provider: .anthropic) }
        #expect(malformed?.kind == .decoding)
        #expect(malformed?.message.contains("input_tokens: required") == true)
        let inBand = H.error { () throws(ChimeraError) in
            try H.binding.decodeTokenCount(Array(#"{"type":"error","error":{"type":"not_found_error","message":"no model"}}"#.utf8), provider: .anthropic)
        }
        #expect(inBand?.status == 404)
    }

    // MARK: Model lists

    @Test func aModelListIsReadAndWritten() throws {
        let page = #"""
            {"data":[{"type":"model","id":"claude-sonnet-4-5-20250929","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z","max_input_tokens":200000},{"type":"model","id":"claude-haiku-4-5","display_name":"Claude Haiku 4.5","created_at":"2025-10-01T00:00:00Z"}],"has_more":false,"first_id":"claude-sonnet-4-5-20250929","last_id":"claude-haiku-4-5"}
            """#
        let models = try H.binding.decodeModelList(Array(page.utf8), provider: .anthropic)
        #expect(models == [
            ModelInfo(id: "claude-sonnet-4-5-20250929", provider: .anthropic, displayName: "Claude Sonnet 4.5"),
            ModelInfo(id: "claude-haiku-4-5", provider: .anthropic, displayName: "Claude Haiku 4.5"),
        ])
        let written = try H.json(H.binding.encodeModelList(models))
        #expect(written["has_more"] == false)
        #expect(written["first_id"] == "claude-sonnet-4-5-20250929")
        #expect(written["last_id"] == "claude-haiku-4-5")
        #expect(written["data"]?.array?.first == [
            "type": "model", "id": "claude-sonnet-4-5-20250929", "display_name": "Claude Sonnet 4.5", "created_at": "1970-01-01T00:00:00Z",
        ])
        let broken = H.error { () throws(ChimeraError) in try H.binding.decodeModelList(Array(#"{"data":[{"type":"model"}]}"#.utf8), provider: .anthropic) }
        #expect(broken?.message.contains("data[0].id: required") == true)
    }
}
