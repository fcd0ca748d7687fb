import ChimeraCore
import ChimeraWire
import Foundation
import Testing

@Suite("Gemini binding: answers")
struct GeminiResponseTests {
    let binding = GeminiHarness.binding
    let request = GeminiHarness.request()

    func decode(_ body: String) throws(ChimeraError) -> ChatResponse {
        try binding.decodeResponse(Array(body.utf8), for: request)
    }

    /// A gemini-2.5-flash answer with thought summaries (`includeThoughts`), a signed function
    /// call and a second call, as the API returns it.
    static let functionCallAnswer = """
        {
          "candidates": [{
            "content": {"parts": [
              {"text": "**Checking the weather**", "thought": true},
              {"functionCall": {"name": "get_weather", "args": {"city": "Boston", "unit": "C"}}, "thoughtSignature": "CiQBVKhc7w=="},
              {"functionCall": {"name": "get_time", "args": {}}}
            ], "role": "model"},
            "finishReason": "STOP", "index": 0,
            "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}]
          }],
          "usageMetadata": {
            "promptTokenCount": 57, "candidatesTokenCount": 15, "totalTokenCount": 152, "cachedContentTokenCount": 20,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 57}], "thoughtsTokenCount": 70, "toolUsePromptTokenCount": 10
          },
          "modelVersion": "gemini-2.5-flash",
          "responseId": "Xs1PaPfWI_6uqtsPy7y-0Aw",
          "promptFeedback": {"safetyRatings": []}
        }
        """

    @Test func functionCallAnswerDecodesInOrderWithSignaturesAndUsage() throws {
        let response = try decode(Self.functionCallAnswer)
        #expect(response.id == "Xs1PaPfWI_6uqtsPy7y-0Aw")
        #expect(response.model == "gemini-2.5-flash")
        #expect(response.finishReason == .toolCalls)
        let ids = response.toolCalls.map(\.id)
        #expect(ids.count == 2 && ids[0].hasPrefix("call_0_") && ids[1].hasPrefix("call_1_"), "\(ids)")
        #expect(response.parts == [
            .reasoning(Reasoning(text: "**Checking the weather**")),
            .toolCall(ToolCall(id: ids[0], name: "get_weather", arguments: #"{"city":"Boston","unit":"C"}"#, signature: "CiQBVKhc7w==")),
            .toolCall(ToolCall(id: ids[1], name: "get_time", arguments: "{}")),
        ])
        #expect(response.usage == Usage(inputTokens: 67, outputTokens: 85, totalTokens: 152, cachedInputTokens: 20, reasoningTokens: 70))
        let extensions = try #require(response.extensions[.geminiGenerateContent])
        #expect(extensions["promptFeedback"] == (try json(#"{"safetyRatings":[]}"#)))
        #expect(extensions["candidates"]?.array?.first?["safetyRatings"] != nil)
    }

    @Test func answerIDsAreDeterministicAndUnique() throws {
        let once = try decode(Self.functionCallAnswer).toolCalls.map(\.id)
        let twice = try decode(Self.functionCallAnswer).toolCalls.map(\.id)
        #expect(once == twice)
        #expect(Set(once).count == once.count)
        #expect(once.allSatisfy { $0.hasPrefix("call_") })
    }

    @Test func decodeThenEncodeGivesBackTheSameAnswer() throws {
        let response = try decode(Self.functionCallAnswer)
        let encoded = try JSONValue(parsing: binding.encodeResponse(response, for: request))
        #expect(semanticallyEqual(encoded, try json(Self.functionCallAnswer)), "\(encoded)")
    }

    @Test func textPartSignatureBecomesASignatureOnlyReasoningPartAndComesBack() throws {
        let body = #"{"candidates":[{"content":{"parts":[{"text":"Hello","thoughtSignature":"c2ln"},{"text":"!"}],"role":"model"},"finishReason":"STOP","index":0}],"modelVersion":"gemini-3-pro-preview","responseId":"r1"}"#
        let response = try decode(body)
        #expect(response.parts == [.reasoning(Reasoning(text: "", signature: "c2ln")), .text("Hello"), .text("!")])
        #expect(response.finishReason == .stop)
        #expect(response.text == "Hello!")
        let encoded = try JSONValue(parsing: binding.encodeResponse(response, for: request))
        #expect(semanticallyEqual(encoded, try json(body)), "\(encoded)")
    }

    @Test func codeExecutionAndGroundingStayOpaqueAndComeBack() throws {
        let body = """
            {"candidates":[{"content":{"parts":[
                {"text":"Let me compute."},
                {"executableCode":{"language":"PYTHON","code":"print(2**10)"}},
                {"codeExecutionResult":{"outcome":"OUTCOME_OK","output":"1024\\n"}},
                {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},
                {"text":"It is 1024."}],"role":"model"},
              "finishReason":"STOP","index":0,"groundingMetadata":{"webSearchQueries":["2^10"]}}],
             "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":30,"totalTokenCount":39},"modelVersion":"gemini-2.5-flash","responseId":"r3"}
            """
        let response = try decode(body)
        #expect(response.text == "Let me compute.It is 1024.")
        #expect(response.parts.map { if case .opaque(let part) = $0 { part.type } else { "-" } } == ["-", "executableCode", "codeExecutionResult", "-", "-"])
        #expect(response.parts[3] == .image(base64: "iVBORw0KGgo=", mediaType: "image/png"))
        let encoded = try JSONValue(parsing: binding.encodeResponse(response, for: request))
        #expect(semanticallyEqual(encoded, try json(body)), "\(encoded)")
    }

    @Test func severalCandidatesBecomeAdditionalChoices() throws {
        let body = """
            {"candidates":[
              {"content":{"parts":[{"text":"A"}],"role":"model"},"finishReason":"STOP","index":0},
              {"content":{"parts":[{"text":"B"}],"role":"model"},"finishReason":"MAX_TOKENS","index":1}],
             "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":2,"totalTokenCount":5},"modelVersion":"gemini-2.0-flash","responseId":"r2"}
            """
        let response = try decode(body)
        #expect(response.text == "A")
        #expect(response.additionalChoices == [ChatChoice(parts: [.text("B")], finishReason: .length)])
        #expect(response.usage == Usage(inputTokens: 3, outputTokens: 2, totalTokens: 5))
        let encoded = try JSONValue(parsing: binding.encodeResponse(response, for: request))
        #expect(semanticallyEqual(encoded, try json(body)), "\(encoded)")
    }

    @Test(arguments: [
        ("STOP", FinishReason.stop), ("MAX_TOKENS", .length), ("SAFETY", .contentFilter), ("RECITATION", .contentFilter),
        ("BLOCKLIST", .contentFilter), ("PROHIBITED_CONTENT", .contentFilter), ("SPII", .contentFilter),
        ("IMAGE_SAFETY", .contentFilter), ("IMAGE_OTHER", .contentFilter), ("OTHER", .unknown("OTHER")),
        ("MALFORMED_FUNCTION_CALL", .unknown("MALFORMED_FUNCTION_CALL")), ("LANGUAGE", .unknown("LANGUAGE")),
    ])
    func finishReasonsMapAndComeBackExactly(_ wire: String, _ expected: FinishReason) throws {
        let body = #"{"candidates":[{"content":{"parts":[{"text":"x"}],"role":"model"},"finishReason":"\#(wire)","index":0}],"modelVersion":"m","responseId":"r"}"#
        let response = try decode(body)
        #expect(response.finishReason == expected)
        let encoded = try JSONValue(parsing: binding.encodeResponse(response, for: request))
        #expect(encoded["candidates"]?.array?.first?["finishReason"] == .string(wire))
    }

    @Test func thinkingThatUsedUpTheBudgetIsAnAnswerWithoutParts() throws {
        let response = try decode(#"{"candidates":[{"content":{"role":"model"},"finishReason":"MAX_TOKENS","index":0}],"usageMetadata":{"promptTokenCount":4,"totalTokenCount":104,"thoughtsTokenCount":100},"modelVersion":"gemini-2.5-pro","responseId":"r"}"#)
        #expect(response.parts.isEmpty)
        #expect(response.finishReason == .length)
        #expect(response.usage == Usage(inputTokens: 4, outputTokens: 100, totalTokens: 104, reasoningTokens: 100))
    }

    @Test func aBlockedPromptIsAClearError() {
        let error = thrownError { try decode(#"{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT","blockReasonMessage":"The prompt was blocked"},"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},"modelVersion":"gemini-2.5-flash"}"#) }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.httpStatus == 400)
        #expect(error?.isRetryable == false)
        #expect(error?.message.contains("PROHIBITED_CONTENT") == true)
        #expect(error?.upstreamMessage == "The prompt was blocked")
    }

    @Test(arguments: [
        (#"{"candidates":[],"modelVersion":"m"}"#, "candidates: the answer has no candidate"),
        (#"{"modelVersion":"m"}"#, "candidates: the answer has no candidate"),
        (#"{"candidates":[{"index":0}]}"#, "candidates[0]: a candidate needs content or a finishReason"),
        (#"{"candidates":[{"content":{"parts":[{"text":1}]}}]}"#, "candidates[0].content.parts[0].text: expected a string"),
        ("not json", "body: not valid JSON"),
    ])
    func unreadableOrEmptyAnswersAreDecodingErrors(_ body: String, _ message: String) {
        let error = thrownError { try decode(body) }
        #expect(error?.kind == .decoding)
        #expect(error?.httpStatus == 502)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func anErrorInA200BodyIsThrown() {
        let error = thrownError { try decode(#"{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"7s"}]}}"#) }
        #expect(error?.kind == .rateLimited)
        #expect(error?.retryAfter == .seconds(7))
        #expect(error?.isRetryable == true)
    }

    // MARK: Encoding answers from other families

    @Test func anAnthropicStyleAnswerEncodesAsCandidates() throws {
        let response = ChatResponse(
            id: "msg_1", provider: .anthropic, model: "claude-sonnet-4-5",
            parts: [
                .reasoning(Reasoning(text: "Let me check.", signature: "EqQB")),
                .reasoning(Reasoning(text: "", redactedData: "SECRET")),
                .text("Checking."),
                .toolCall(ToolCall(id: "toolu_01", name: "get_weather", arguments: #"{"city":"Oslo"}"#)),
            ],
            finishReason: .toolCalls,
            usage: Usage(inputTokens: 100, outputTokens: 50, totalTokens: 150, cachedInputTokens: 80, cacheWriteTokens: 10, reasoningTokens: 20)
        )
        let encoded = try JSONValue(parsing: binding.encodeResponse(response, for: request))
        #expect(encoded == (try json("""
            {"candidates":[{"content":{"parts":[
                {"text":"Let me check.","thought":true,"thoughtSignature":"EqQB"},
                {"text":"Checking."},
                {"functionCall":{"name":"get_weather","args":{"city":"Oslo"},"id":"toolu_01"}}],"role":"model"},
              "finishReason":"STOP","index":0}],
             "usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":30,"totalTokenCount":150,"cachedContentTokenCount":80,"thoughtsTokenCount":20},
             "modelVersion":"claude-sonnet-4-5","responseId":"msg_1"}
            """)), "\(encoded)")
    }

    @Test func aCallWithArgumentsThatAreNotAnObjectEndsAsAMalformedFunctionCall() throws {
        let response = ChatResponse(
            id: "r", provider: .openai, model: "gpt-4.1",
            parts: [.text("Calling"), .toolCall(ToolCall(id: "call_1", name: "f", arguments: #"{"a":"#))],
            finishReason: .toolCalls, usage: nil
        )
        let encoded = try JSONValue(parsing: binding.encodeResponse(response, for: request))
        let candidate = try #require(encoded["candidates"]?.array?.first)
        #expect(candidate["finishReason"] == "MALFORMED_FUNCTION_CALL")
        #expect(candidate["finishMessage"]?.string?.contains("f") == true)
        #expect(candidate["content"]?["parts"] == (try json(#"[{"text":"Calling"}]"#)))
    }

    @Test func anotherFamilysFinishReasonIsOther() throws {
        let response = ChatResponse(id: "r", provider: .anthropic, model: "m", text: "x", finishReason: .unknown("pause_turn"), usage: nil)
        let encoded = try JSONValue(parsing: binding.encodeResponse(response, for: request))
        #expect(encoded["candidates"]?.array?.first?["finishReason"] == "OTHER")
    }
}

@Suite("Gemini binding: conversations and hostile bodies")
struct GeminiConversationTests {
    let binding = GeminiHarness.binding

    /// The library's loop: a Gemini answer appended to the conversation, then a tool result for
    /// its call, sent back to Gemini.
    @Test func anAnswerSentBackAsHistoryKeepsItsSignatureAndPairsItsResult() throws {
        let request = GeminiHarness.request([.user("Weather in Oslo?")])
        let answer = try binding.decodeResponse(Array(GeminiResponseTests.functionCallAnswer.utf8), for: request)
        var next = request
        next.messages.append(answer.message)
        for call in answer.toolCalls {
            next.messages.append(.toolResult(ToolResult(toolCallID: call.id, text: "ok")))
        }
        let body = try GeminiHarness.encode(next)
        let contents = try #require(body["contents"]?.array)
        #expect(contents.count == 3)
        #expect(contents[1]["parts"] == (try json("""
            [{"text":"**Checking the weather**","thought":true},
             {"functionCall":{"name":"get_weather","args":{"city":"Boston","unit":"C"}},"thoughtSignature":"CiQBVKhc7w=="},
             {"functionCall":{"name":"get_time","args":{}}}]
            """)))
        // Both results, in one user turn, named after their calls.
        #expect(contents[2] == (try json("""
            {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"result":"ok"}}},{"functionResponse":{"name":"get_time","response":{"result":"ok"}}}]}
            """)))
    }

    /// The signature survives a caller of another family, who only sees it folded into the id.
    @Test func aSignatureFoldedIntoAnIDComesBackToGemini() throws {
        let answer = try binding.decodeResponse(Array(GeminiResponseTests.functionCallAnswer.utf8), for: GeminiHarness.request())
        let call = try #require(answer.toolCalls.first)
        let folded = ToolCall(id: call.idCarryingSignature, name: call.name, arguments: call.arguments)
        let request = GeminiHarness.request([
            .user("x"), .assistant([.toolCall(folded)]), .toolResult(ToolResult(toolCallID: folded.id, text: "{}")),
        ])
        let body = try GeminiHarness.encode(request)
        let parts = try #require(body["contents"]?.array?[1]["parts"]?.array)
        #expect(parts.first?["thoughtSignature"] == "CiQBVKhc7w==")
        #expect(parts.first?["functionCall"]?["id"] == nil)
        #expect(body["contents"]?.array?[2]["parts"]?.array?.first?["functionResponse"]?["name"] == "get_weather")
    }

    /// Every prefix of a real body and stream is either read or refused with a ChimeraError:
    /// no crash, no success made of half a body.
    @Test func truncatedBodiesFailCleanly() throws {
        for body in [GeminiRequestTests.pythonGenAIBody, GeminiRequestTests.toolConversation] {
            let bytes = Array(body.utf8)
            for end in stride(from: 0, to: bytes.count - 1, by: 7) {
                do {
                    _ = try binding.decodeRequest(Array(bytes[..<end]), provider: .gemini, model: "m", stream: false)
                    Issue.record("a truncated request decoded: \(end) of \(bytes.count) bytes")
                } catch {
                    #expect(error.kind == .invalidRequest)
                }
            }
        }
        let answer = Array(GeminiResponseTests.functionCallAnswer.utf8)
        for end in stride(from: 0, to: answer.count - 1, by: 5) {
            do {
                _ = try binding.decodeResponse(Array(answer[..<end]), for: GeminiHarness.request())
                Issue.record("a truncated answer decoded: \(end) of \(answer.count) bytes")
            } catch {
                #expect(error.kind == .decoding)
            }
        }
        // Cut anywhere before the chunk with the finish reason, a stream is truncated.
        let stream = Array(GeminiStreamTests.toolStream.utf8)
        let lastChunk = try #require(GeminiStreamTests.toolStream.range(of: "data:", options: .backwards))
        let cut = GeminiStreamTests.toolStream.utf8.distance(from: GeminiStreamTests.toolStream.startIndex, to: lastChunk.lowerBound)
        for end in stride(from: 0, to: cut, by: 11) {
            #expect(GeminiHarness.streamError(String(decoding: stream[..<end], as: UTF8.self)) != nil, "a stream cut at byte \(end) decoded")
        }
    }
}
