import ChimeraCore
import ChimeraWire
import Foundation
import Testing

@Suite("Gemini binding: routes, headers, errors, model lists, token counts")
struct GeminiBindingTests {
    let binding = GeminiBinding()

    @Test func servesV1betaAndV1() {
        #expect(binding.family == .geminiGenerateContent)
        for version in ["v1beta", "v1"] {
            #expect(binding.serverRoutes.contains(ServerRoute(.post, "\(version)/models/{model}:generateContent", .unaryChat)))
            #expect(binding.serverRoutes.contains(ServerRoute(.post, "\(version)/models/{model}:streamGenerateContent", .streamingChat)))
            #expect(binding.serverRoutes.contains(ServerRoute(.post, "\(version)/models/{model}:countTokens", .countTokens)))
            #expect(binding.serverRoutes.contains(ServerRoute(.get, "\(version)/models", .models)))
        }
        #expect(binding.serverRoutes.count == 8)
    }

    @Test(arguments: [
        ("https://generativelanguage.googleapis.com", "https://generativelanguage.googleapis.com/v1beta"),
        ("https://generativelanguage.googleapis.com/", "https://generativelanguage.googleapis.com/v1beta"),
        ("https://generativelanguage.googleapis.com/v1", "https://generativelanguage.googleapis.com/v1"),
        ("http://localhost:8080/v1beta", "http://localhost:8080/v1beta"),
        ("http://localhost:8080/gemini-cli-oauth/v1alpha/", "http://localhost:8080/gemini-cli-oauth/v1alpha"),
        ("http://localhost:8080/gemini-cli-oauth", "http://localhost:8080/gemini-cli-oauth/v1beta"),
    ])
    func clientURLsFollowGooglesBaseURLRule(_ base: String, _ versioned: String) throws {
        let url = try #require(URL(string: base))
        #expect(binding.chatURL(base: url, model: "gemini-2.5-flash", stream: false).absoluteString == "\(versioned)/models/gemini-2.5-flash:generateContent")
        #expect(binding.chatURL(base: url, model: "gemini-2.5-flash", stream: true).absoluteString == "\(versioned)/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
        #expect(binding.modelsURL(base: url).absoluteString == "\(versioned)/models")
        #expect(binding.countTokensURL(base: url, model: "gemini-2.5-flash")?.absoluteString == "\(versioned)/models/gemini-2.5-flash:countTokens")
    }

    @Test func theModelIsOnePathSegment() throws {
        let url = binding.chatURL(base: try #require(URL(string: "https://example.com")), model: "tuned/a b?c", stream: false)
        #expect(url.absoluteString == "https://example.com/v1beta/models/tuned%2Fa%20b%3Fc:generateContent")
    }

    @Test func theKeyGoesInXGoogAPIKeyAndNoHeaderIsForwarded() {
        let headers = binding.authenticationHeaders(apiKey: Secret("AIza-test"))
        #expect(headers.map(\.name) == ["x-goog-api-key"])
        #expect(headers.map(\.value) == ["AIza-test"])
        #expect(binding.authenticationHeaders(apiKey: nil).isEmpty)
        #expect(binding.forwardedHeaders.isEmpty)
    }

    @Test func replacingTheModelLeavesTheBodyAsSent() throws {
        let body = Array(#"{ "contents" : [] , "model":"x" }"#.utf8)
        #expect(try binding.replacingModel(in: body, with: "other") == body)
    }

    // MARK: Errors

    @Test func aBadKeyIsAnAuthenticationErrorDespiteItsStatus400() {
        let body = #"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}"#
        let error = binding.decodeError(status: 400, headers: [], body: Array(body.utf8), provider: .gemini)
        #expect(error.kind == .authentication)
        #expect(error.upstreamMessage == "API key not valid. Please pass a valid API key.")
        // Written back, a Gemini client reads the same.
        let written = binding.encodeError(error)
        let again = binding.decodeError(status: error.httpStatus, headers: [], body: written, provider: .gemini)
        #expect(again.kind == .authentication)
        #expect(String(decoding: written, as: UTF8.self).contains("API_KEY_INVALID"))
    }

    @Test func aRateLimitKeepsItsRetryDelay() throws {
        let body = """
            {
              "error": {
                "code": 429,
                "message": "You exceeded your current quota.",
                "status": "RESOURCE_EXHAUSTED",
                "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}]
              }
            }
            """
        let error = binding.decodeError(status: 429, headers: [], body: Array(body.utf8), provider: .gemini)
        #expect(error.kind == .rateLimited)
        #expect(error.retryAfter == .seconds(37))
        #expect(error.isRetryable)
        #expect(try JSONValue(parsing: binding.encodeError(error)) == (try json("""
            {"error":{"code":429,"message":"You exceeded your current quota.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}}
            """)))
    }

    @Test(arguments: [
        (400, "INVALID_ARGUMENT"), (401, "UNAUTHENTICATED"), (403, "PERMISSION_DENIED"), (404, "NOT_FOUND"),
        (429, "RESOURCE_EXHAUSTED"), (500, "INTERNAL"), (502, "INTERNAL"), (503, "UNAVAILABLE"), (504, "DEADLINE_EXCEEDED"),
    ])
    func errorBodiesCarryGooglesStatusNames(_ status: Int, _ name: String) throws {
        let body = try JSONValue(parsing: binding.encodeError(ChimeraError(kind: .upstream, message: "m", status: status)))
        #expect(body["error"]?["status"] == .string(name))
        #expect(body["error"]?["code"] == .int(status))
    }

    // MARK: Model lists and token counts

    @Test func modelListsStripThePrefixAndSkipModelsThatCannotChat() throws {
        let body = """
            {"models":[
              {"name":"models/gemini-2.5-flash","version":"001","displayName":"Gemini 2.5 Flash","inputTokenLimit":1048576,"supportedGenerationMethods":["generateContent","countTokens"]},
              {"name":"models/text-embedding-004","displayName":"Text Embedding 004","supportedGenerationMethods":["embedContent"]},
              {"name":"models/gemini-2.0-flash"}],
             "nextPageToken":"Ch4KHG1vZGVscy9nZW1pbmk"}
            """
        let models = try binding.decodeModelList(Array(body.utf8), provider: .gemini)
        #expect(models == [
            ModelInfo(id: "gemini-2.5-flash", provider: .gemini, displayName: "Gemini 2.5 Flash"),
            ModelInfo(id: "gemini-2.0-flash", provider: .gemini),
        ])
        let written = try binding.decodeModelList(binding.encodeModelList(models), provider: .gemini)
        #expect(written.map(\.id) == ["gemini-2.5-flash", "gemini-2.0-flash"])
        #expect(written.first?.displayName == "Gemini 2.5 Flash")
    }

    @Test func aModelListThatIsNotOneIsADecodingError() {
        let error = thrownError { try binding.decodeModelList(Array(#"{"models":[{"displayName":"x"}]}"#.utf8), provider: .gemini) }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("models[0].name: required") == true, "\(String(describing: error))")
    }

    @Test func tokenCountsReadAndWriteTotalTokens() throws {
        #expect(try binding.decodeTokenCount(Array(#"{"totalTokens":31,"cachedContentTokenCount":4,"promptTokensDetails":[{"modality":"TEXT","tokenCount":31}]}"#.utf8), provider: .gemini) == 31)
        #expect(try binding.decodeTokenCount(Array("{}".utf8), provider: .gemini) == 0)
        #expect(try binding.decodeTokenCount(binding.encodeTokenCount(12), provider: .gemini) == 12)
        #expect(String(decoding: binding.encodeTokenCount(12), as: UTF8.self) == #"{"totalTokens":12}"#)
        let error = thrownError { try binding.decodeTokenCount(Array(#"{"totalTokens":"many"}"#.utf8), provider: .gemini) }
        #expect(error?.kind == .decoding)
    }
}
