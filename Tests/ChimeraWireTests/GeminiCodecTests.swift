import ChimeraCore
import ChimeraWire
import Foundation
import Testing

@Suite("Gemini codec")
struct GeminiCodecTests {
    let codec = LegacyGeminiCodec()

    // MARK: Unary responses

    @Test func responseTextSkipsThoughtPartsAndCountsThoughtsAsOutput() throws {
        let body = """
            {
              "candidates": [{
                "content": {"role": "model", "parts": [{"text": "Thinking about it", "thought": true}, {"text": "Hel"}, {"text": "lo"}]},
                "finishReason": "STOP", "index": 0, "safetyRatings": []
              }],
              "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 2, "thoughtsTokenCount": 10, "totalTokenCount": 17},
              "modelVersion": "gemini-2.5-flash", "responseId": "resp-abc"
            }
            """
        let response = try codec.decodeResponse(Data(json: body), provider: .gemini)
        #expect(response.text == "Hello")
        #expect(response.finishReason == .stop)
        #expect(response.usage == Usage(inputTokens: 5, outputTokens: 12, totalTokens: 17))
        #expect(response.id == "resp-abc")
        #expect(response.model == "gemini-2.5-flash")
    }

    @Test func blockedPromptWithoutCandidatesIsAnEmptyFilteredAnswer() throws {
        let body = #"{"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[]},"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},"modelVersion":"gemini-2.5-flash"}"#
        let response = try codec.decodeResponse(Data(json: body), provider: .gemini)
        #expect(response.text == "")
        #expect(response.finishReason == .contentFilter)
        #expect(response.usage == Usage(inputTokens: 8, outputTokens: 0, totalTokens: 8))
        #expect(response.id.hasPrefix("gemini-"))
    }

    @Test(arguments: [
        ("STOP", FinishReason.stop), ("MAX_TOKENS", .length), ("SAFETY", .contentFilter), ("RECITATION", .contentFilter),
        ("BLOCKLIST", .contentFilter), ("PROHIBITED_CONTENT", .contentFilter), ("SPII", .contentFilter),
        ("IMAGE_SAFETY", .contentFilter), ("OTHER", .unknown("OTHER")), ("MALFORMED_FUNCTION_CALL", .unknown("MALFORMED_FUNCTION_CALL")),
    ])
    func finishReasonsMapToTheDomain(_ wire: String, _ expected: FinishReason) throws {
        let body = #"{"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"\#(wire)"}]}"#
        #expect(try codec.decodeResponse(Data(json: body), provider: .gemini).finishReason == expected)
    }

    // MARK: Streams

    static let referenceStream = """
        data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hel"}]},"index":0}],"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5},"modelVersion":"gemini-2.5-flash"}

        data: {"candidates":[{"content":{"role":"model","parts":[{"text":"pondering","thought":true},{"text":"lo, 🌍"}]},"index":0}],"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5},"modelVersion":"gemini-2.5-flash"}

        data: {"candidates":[{"content":{"role":"model","parts":[{"text":"!"}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8},"modelVersion":"gemini-2.5-flash"}
        """

    @Test(arguments: [Int.max, 1, 9])
    func referenceStreamDecodesToTextFinishAndTheLastUsage(chunkSize: Int) throws {
        let events = try StreamHarness.decode(Self.referenceStream, codec: codec, provider: .gemini, chunkSize: chunkSize)
        #expect(events == [
            .delta("Hel"), .usage(Usage(inputTokens: 5, outputTokens: 0, totalTokens: 5)),
            .delta("lo, 🌍"),
            .delta("!"), .finish(.stop), .usage(Usage(inputTokens: 5, outputTokens: 3, totalTokens: 8)),
        ])
    }

    @Test func syntheticTrailingStopAfterARealFinishIsNotASecondFinish() throws {
        // AIClient-2-API appends {"candidates":[{"finishReason":"STOP"}]} after the upstream's own.
        let stream = """
            data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]},"finishReason":"MAX_TOKENS","index":0}],"usageMetadata":{"promptTokenCount":2,"candidatesTokenCount":1,"totalTokenCount":3}}

            data: {"candidates":[{"finishReason":"STOP"}]}

            """
        let events = try StreamHarness.decode(stream, codec: codec, provider: .gemini)
        #expect(events == [.delta("Hi"), .finish(.length), .usage(Usage(inputTokens: 2, outputTokens: 1, totalTokens: 3))])
    }

    @Test func syntheticStopAloneCompletesAStreamThatHadNone() throws {
        let stream = """
            data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]},"index":0}]}

            data: {"candidates":[{"finishReason":"STOP"}]}

            """
        #expect(try StreamHarness.decode(stream, codec: codec, provider: .gemini) == [.delta("Hi"), .finish(.stop)])
    }

    @Test func streamEndingWithoutAFinishReasonIsTruncated() throws {
        let stream = #"data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hel"}]},"index":0}]}"# + "\n\n"
        let error = try #require(StreamHarness.error(decoding: stream, codec: codec, provider: .gemini))
        #expect(error.kind == .decoding)
        #expect(error.message.contains("truncated"))
    }

    @Test func errorPayloadInA200StreamIsThrown() throws {
        let stream = """
            data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hel"}]},"index":0}]}

            data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}

            """
        let error = try #require(StreamHarness.error(decoding: stream, codec: codec, provider: .gemini))
        #expect(error.status == 503)
        #expect(error.isRetryable)
        #expect(error.kind == .upstream)
        #expect(error.upstreamMessage == "The model is overloaded.")
        #expect(error.message.contains("UNAVAILABLE"))
    }

    @Test func streamEncoderWritesOneChunkPerDeltaAndAFinalChunk() throws {
        var encoder = codec.makeStreamEncoder(id: "resp-1", model: "gemini-2.5-flash")
        #expect(encoder.start().isEmpty)
        let delta = try jsonObject(Data(try #require(encoder.encode(.delta("Hi")).first).data.utf8))
        #expect(delta["modelVersion"] as? String == "gemini-2.5-flash")
        let candidate = try #require((delta["candidates"] as? [[String: Any]])?.first)
        let content = try #require(candidate["content"] as? [String: Any])
        #expect(content["role"] as? String == "model")
        #expect((content["parts"] as? [[String: Any]])?.first?["text"] as? String == "Hi")
        #expect(candidate["index"] as? Int == 0)
        #expect(encoder.encode(.finish(.length)).isEmpty)
        #expect(encoder.encode(.usage(Usage(inputTokens: 1, outputTokens: 2))).isEmpty)
        let final = try jsonObject(Data(try #require(encoder.finish().first).data.utf8))
        #expect((final["candidates"] as? [[String: Any]])?.first?["finishReason"] as? String == "MAX_TOKENS")
        #expect((final["usageMetadata"] as? [String: Any])?["totalTokenCount"] as? Int == 3)
    }

    // MARK: Requests

    @Test func requestPutsTheSystemPromptApartAndAssistantTurnsAsModel() throws {
        let request = ChatRequest(
            provider: .gemini, model: "gemini-2.5-flash",
            messages: [.system("You are terse."), .user("Hi"), .assistant("Hello"), .user("Again")],
            temperature: 0.7, topP: 0.95, maxTokens: 512, stopSequences: ["END"], stream: true
        )
        let body = try jsonObject(try codec.encodeRequest(request))
        #expect(body["model"] == nil)
        #expect(body["stream"] == nil)
        let system = try #require(body["systemInstruction"] as? [String: Any])
        #expect((system["parts"] as? [[String: Any]])?.first?["text"] as? String == "You are terse.")
        let contents = try #require(body["contents"] as? [[String: Any]])
        #expect(contents.map { $0["role"] as? String } == ["user", "model", "user"])
        let config = try #require(body["generationConfig"] as? [String: Any])
        #expect(config["temperature"] as? Double == 0.7)
        #expect(config["topP"] as? Double == 0.95)
        #expect(config["maxOutputTokens"] as? Int == 512)
        #expect(config["stopSequences"] as? [String] == ["END"])
    }

    @Test func requestWithoutOptionsHasNoGenerationConfigOrSystemInstruction() throws {
        let body = try jsonObject(try codec.encodeRequest(ChatRequest(provider: .gemini, model: "g", messages: [.user("Hi")])))
        #expect(body["generationConfig"] == nil)
        #expect(body["systemInstruction"] == nil)
    }

    @Test func inboundRequestTakesModelAndStreamFromTheURL() throws {
        let body = """
            {"system_instruction":{"parts":[{"text":"Be "},{"text":"brief."}]},
             "contents":[{"parts":[{"text":"Hi"}]},{"role":"model","parts":[{"text":"…","thought":true},{"text":"Hello"}]},{"role":"user","parts":[{"text":"Again"}]}],
             "generationConfig":{"temperature":0.2,"max_output_tokens":77,"stopSequences":["END"],"topK":40}}
            """
        let request = try codec.decodeRequest(Data(json: body), provider: .gemini, model: "models/gemini-2.5-flash", stream: true)
        #expect(request.model == "gemini-2.5-flash")
        #expect(request.stream)
        #expect(request.messages == [.system("Be brief."), .user("Hi"), .assistant("Hello"), .user("Again")])
        #expect(request.temperature == 0.2)
        #expect(request.maxTokens == 77)
        #expect(request.stopSequences == ["END"])
    }

    @Test(arguments: [nil, "", "models/"] as [String?])
    func inboundRequestWithoutAModelInTheURLIsRejected(_ model: String?) throws {
        let body = Data(json: #"{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"#)
        let error = try #require(thrownError { try codec.decodeRequest(body, provider: .gemini, model: model, stream: false) })
        #expect(error.kind == .invalidRequest)
        #expect(error.message.hasPrefix("model:"))
    }

    // MARK: Errors, models, headers

    @Test func errorBodyHasGooglesShapeWithRetryInfo() throws {
        let error = ChimeraError(kind: .rateLimited, message: "slow down", status: 429, isRetryable: true, retryAfter: .milliseconds(1500))
        let body = try jsonObject(codec.encodeError(error))
        let detail = try #require(body["error"] as? [String: Any])
        #expect(detail["code"] as? Int == 429)
        #expect(detail["status"] as? String == "RESOURCE_EXHAUSTED")
        #expect(detail["message"] as? String == "slow down")
        let details = try #require(detail["details"] as? [[String: Any]])
        #expect(details.first?["@type"] as? String == "type.googleapis.com/google.rpc.RetryInfo")
        #expect(details.first?["retryDelay"] as? String == "1.5s")
    }

    @Test(arguments: [
        (400, "INVALID_ARGUMENT"), (401, "UNAUTHENTICATED"), (403, "PERMISSION_DENIED"), (404, "NOT_FOUND"),
        (429, "RESOURCE_EXHAUSTED"), (500, "INTERNAL"), (503, "UNAVAILABLE"), (504, "DEADLINE_EXCEEDED"),
    ])
    func errorStatusNameFollowsTheHTTPStatus(_ status: Int, _ name: String) {
        #expect(LegacyGeminiCodec.errorStatus(status: status) == name)
    }

    @Test func modelListKeepsGeneratingModelsAndStripsThePrefix() throws {
        let body = """
            {"models":[
              {"name":"models/gemini-2.5-flash","displayName":"Gemini 2.5 Flash","inputTokenLimit":1048576,"supportedGenerationMethods":["generateContent","countTokens"]},
              {"name":"models/text-embedding-004","displayName":"Text Embedding 004","supportedGenerationMethods":["embedContent"]},
              {"name":"models/gemini-pro","baseModelId":"gemini-pro"}
            ],"nextPageToken":"abc"}
            """
        let models = try codec.decodeModelList(Data(json: body), provider: .gemini)
        #expect(models == [
            ModelInfo(id: "gemini-2.5-flash", provider: .gemini, displayName: "Gemini 2.5 Flash"),
            ModelInfo(id: "gemini-pro", provider: .gemini),
        ])
        let encoded = try jsonObject(codec.encodeModelList(models))
        let first = try #require((encoded["models"] as? [[String: Any]])?.first)
        #expect(first["name"] as? String == "models/gemini-2.5-flash")
        #expect((first["supportedGenerationMethods"] as? [String])?.contains("generateContent") == true)
    }

    @Test func keyTravelsInXGoogAPIKey() {
        let headers = codec.authenticationHeaders(apiKey: Secret("AIzaTest"))
        #expect(headers.map(\.name) == ["x-goog-api-key"])
        #expect(headers.map(\.value) == ["AIzaTest"])
        #expect(codec.family == .geminiGenerateContent)
    }
}
