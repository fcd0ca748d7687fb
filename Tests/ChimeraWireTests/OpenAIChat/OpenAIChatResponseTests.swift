import ChimeraCore
import ChimeraWire
import Testing

private typealias H = OpenAIChatHarness

@Suite("OpenAI Chat binding: answers")
struct OpenAIChatResponseTests {
    @Test func theReferenceAnswerGivesTextFinishAndUsage() throws {
        let body = """
            {
              "id": "chatcmpl-abc", "object": "chat.completion", "created": 1700000000, "model": "gpt-4.1",
              "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": "Hello", "refusal": null},
                "finish_reason": "stop", "logprobs": null
              }],
              "usage": {
                "prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11,
                "prompt_tokens_details": {"cached_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0}
              }
            }
            """
        let response = try H.decodeResponse(body)
        #expect(response.id == "chatcmpl-abc")
        #expect(response.model == "gpt-4.1")
        #expect(response.provider == .openai)
        #expect(response.text == "Hello")
        #expect(response.finishReason == .stop)
        #expect(response.usage == Usage(inputTokens: 9, outputTokens: 2, totalTokens: 11, cachedInputTokens: 0, reasoningTokens: 0))
        #expect(response.route == .direct)
        #expect(response.wireProtocol == .json)
    }

    @Test func aToolCallWithNullContentIsTheCallAndNoText() throws {
        let body = """
            {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4.1","choices":[{"index":0,
             "message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
             "finish_reason":"tool_calls"}]}
            """
        let response = try H.decodeResponse(body)
        #expect(response.text == "")
        #expect(response.parts == [.toolCall(ToolCall(id: "call_1", name: "f", arguments: "{}"))])
        #expect(response.finishReason == .toolCalls)
        #expect(response.usage == nil)
    }

    @Test func deepSeekReasoningIsAReasoningPartBeforeTheTextAndItsFinishReasonIsKept() throws {
        let body = """
            {"id":"d-1","object":"chat.completion","model":"deepseek-reasoner","choices":[{"index":0,
             "message":{"role":"assistant","reasoning_content":"Let me think…","content":"42"},
             "finish_reason":"insufficient_system_resource"}],
             "usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":5}}
            """
        let response = try H.decodeResponse(body, provider: .deepseek)
        #expect(response.parts == [.reasoning(Reasoning(text: "Let me think…")), .text("42")])
        #expect(response.text == "42")
        #expect(response.finishReason == .unknown("insufficient_system_resource"))
        #expect(response.provider == .deepseek)
    }

    @Test(arguments: [
        ("stop", FinishReason.stop), ("length", .length), ("tool_calls", .toolCalls),
        ("function_call", .toolCalls), ("content_filter", .contentFilter), ("something_new", .unknown("something_new")),
    ])
    func finishReasonsMapToTheDomain(_ wire: String, _ expected: FinishReason) throws {
        let body = #"{"choices":[{"index":0,"message":{"content":"x"},"finish_reason":"\#(wire)"}]}"#
        #expect(try H.decodeResponse(body).finishReason == expected)
    }

    @Test func anAnswerWithoutAnIdGetsOneAndTheRequestsModel() throws {
        let response = try H.decodeResponse(#"{"choices":[{"message":{"content":"x"}}]}"#, provider: .qwen)
        #expect(response.id.hasPrefix("chatcmpl-"))
        #expect(response.model == "gpt-4.1")
        #expect(response.text == "x")
        #expect(response.finishReason == nil)
    }

    @Test func anAnswerWithoutAChoiceIsADecodingError() throws {
        let error = try #require(thrownError { try H.decodeResponse(#"{"choices":[]}"#) })
        #expect(error.kind == .decoding)
        #expect(error.message.contains("choices: the answer has no choice"), "\(error.message)")
    }

    @Test func anErrorInsideA200IsThrown() throws {
        let body = #"{"error":{"message":"Rate limit reached","type":"rate_limit_error","code":"rate_limit_exceeded"}}"#
        let error = try #require(thrownError { try H.decodeResponse(body) })
        #expect(error.kind == .rateLimited)
        #expect(error.status == 429)
        #expect(error.isRetryable)
        #expect(error.upstreamMessage == "Rate limit reached")
    }

    @Test func aMalformedAnswerIsADecodingErrorNamingTheField() throws {
        let error = try #require(thrownError { try H.decodeResponse(#"{"choices":[{"message":{"content":5}}]}"#) })
        #expect(error.kind == .decoding)
        #expect(error.message.contains("choices[0].message.content: expected a string"), "\(error.message)")
    }

    // MARK: The check of an answer passed through as sent

    private static func check(_ body: String) throws(ChimeraError) -> Usage? {
        try H.binding.checkResponse(Array(body.utf8), for: H.request())
    }

    @Test func theCheckReadsUsageAndLeavesTheChoicesUnread() throws {
        // A choice whose content the full reader refuses: the check does not read it.
        let body = #"{"id":"c","choices":[{"message":{"content":5}}],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":4}}}"#
        #expect(try Self.check(body) == Usage(inputTokens: 9, outputTokens: 2, totalTokens: 11, cachedInputTokens: 4))
        #expect(try Self.check(#"{"choices":[ {} ]}"#) == nil)
    }

    @Test(arguments: [#"{"choices":[]}"#, #"{"choices":[ ]}"#, #"{"choices":{}}"#, #"{"id":"c"}"#])
    func theCheckRefusesAnAnswerWithoutAChoice(_ body: String) throws {
        let error = try #require(thrownError { try Self.check(body) })
        #expect(error.kind == .decoding)
        #expect(error.message.contains("choices: the answer has no choice"), "\(error.message)")
    }

    @Test func theCheckThrowsTheErrorInsideA200() throws {
        let error = try #require(thrownError { try Self.check(#"{"error":{"message":"Rate limit reached","type":"rate_limit_error","code":"rate_limit_exceeded"}}"#) })
        #expect(error.kind == .rateLimited)
        #expect(error.upstreamMessage == "Rate limit reached")
    }

    @Test func theCheckRefusesWhatIsNotJSONAndUsageThatIsNotCounts() throws {
        let notJSON = try #require(thrownError { try Self.check(#"{"choices":[{}]"#) })
        #expect(notJSON.kind == .decoding)
        #expect(notJSON.message.contains("not valid JSON"), "\(notJSON.message)")
        let badUsage = try #require(thrownError { try Self.check(#"{"choices":[{}],"usage":{"prompt_tokens":"9"}}"#) })
        #expect(badUsage.kind == .decoding)
        #expect(badUsage.message.contains("usage.prompt_tokens"), "\(badUsage.message)")
    }
}
