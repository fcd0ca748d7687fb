import ChimeraCore
import ChimeraWire
import Foundation
import Testing

@Suite("OpenAI Chat codec")
struct OpenAIChatCodecTests {
    let codec = LegacyOpenAICodec(provider: .openai)

    // MARK: Unary responses

    @Test func responseFromTheReferenceGivesTextFinishAndUsage() throws {
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
        let response = try codec.decodeResponse(Data(json: body), provider: .openai)
        #expect(response.id == "chatcmpl-abc")
        #expect(response.model == "gpt-4.1")
        #expect(response.provider == .openai)
        #expect(response.text == "Hello")
        #expect(response.finishReason == .stop)
        #expect(response.usage == Usage(inputTokens: 9, outputTokens: 2, totalTokens: 11))
        #expect(response.route == .direct)
        #expect(response.wireProtocol == .json)
    }

    @Test func nullContentOfAToolCallIsEmptyText() throws {
        let body = """
            {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4.1","choices":[{"index":0,
             "message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
             "finish_reason":"tool_calls"}]}
            """
        let response = try codec.decodeResponse(Data(json: body), provider: .openai)
        #expect(response.text == "")
        #expect(response.finishReason == .toolCalls)
        #expect(response.usage == nil)
    }

    @Test func deepSeekReasoningIsNotMixedIntoTheTextAndItsFinishReasonIsKept() throws {
        let body = """
            {"id":"d-1","object":"chat.completion","model":"deepseek-reasoner","choices":[{"index":0,
             "message":{"role":"assistant","reasoning_content":"Let me think…","content":"42"},
             "finish_reason":"insufficient_system_resource"}],
             "usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":5}}
            """
        let response = try codec.decodeResponse(Data(json: body), provider: .deepseek)
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
        #expect(try codec.decodeResponse(Data(json: body), provider: .openai).finishReason == expected)
    }

    @Test func responseWithoutAnIdGetsOne() throws {
        let response = try codec.decodeResponse(Data(json: #"{"choices":[]}"#), provider: .qwen)
        #expect(response.id.hasPrefix("chatcmpl-"))
        #expect(response.text == "")
        #expect(response.finishReason == nil)
    }

    @Test func errorInsideA200ResponseIsThrown() throws {
        let body = #"{"error":{"message":"Rate limit reached","type":"rate_limit_error","code":"rate_limit_exceeded"}}"#
        let error = try #require(thrownError { try codec.decodeResponse(Data(json: body), provider: .openai) })
        #expect(error.kind == .rateLimited)
        #expect(error.status == 429)
        #expect(error.isRetryable)
        #expect(error.upstreamMessage == "Rate limit reached")
    }

    @Test func malformedResponseIsADecodingErrorNamingTheField() throws {
        let error = try #require(thrownError { try codec.decodeResponse(Data(json: #"{"choices":[{"message":{"content":5}}]}"#), provider: .openai) })
        #expect(error.kind == .decoding)
        #expect(error.message.contains("choices[0].message.content: expected a string"))
    }

    // MARK: Streams

    static let referenceStream = """
        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}],"usage":null}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"content":"lo 👋🏽"},"finish_reason":null}],"usage":null}

        : keep-alive

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}

        data: [DONE]


        """

    @Test(arguments: [Int.max, 1, 7])
    func referenceStreamDecodesToTextFinishAndUsage(chunkSize: Int) throws {
        let events = try StreamHarness.decode(Self.referenceStream, codec: codec, provider: .openai, chunkSize: chunkSize)
        #expect(events == [.delta("Hel"), .delta("lo 👋🏽"), .finish(.stop), .usage(Usage(inputTokens: 9, outputTokens: 2, totalTokens: 11))])
    }

    @Test func streamWithoutDoneAfterAFinishReasonIsComplete() throws {
        // AIClient-2-API 3.1.9 writes [DONE] only when no chunk carried a finish_reason.
        let stream = """
            data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

            data: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}

            """
        let events = try StreamHarness.decode(stream, codec: codec, provider: .openai)
        #expect(events == [.delta("Hi"), .finish(.length), .usage(Usage(inputTokens: 3, outputTokens: 1))])
    }

    @Test func streamEndingWithoutDoneOrFinishReasonIsTruncated() throws {
        let stream = """
            data: {"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}

            data: {"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}
            """
        let error = try #require(StreamHarness.error(decoding: stream, codec: codec, provider: .qwen))
        #expect(error.kind == .decoding)
        #expect(error.message.contains("stream ended before it was complete (truncated)"))
        #expect(error.provider == .qwen)
    }

    @Test func doneAloneCompletesTheStreamAndLaterEventsAreIgnored() throws {
        let stream = """
            data: {"choices":[{"index":0,"delta":{"content":"A"}}]}

            data: [DONE]

            data: {"choices":[{"index":0,"delta":{"content":"after"}}]}

            data: not json at all

            """
        #expect(try StreamHarness.decode(stream, codec: codec, provider: .openai) == [.delta("A")])
    }

    @Test func reasoningDeltasAreNotText() throws {
        let stream = """
            data: {"choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"thinking…","content":null}}]}

            data: {"choices":[{"index":0,"delta":{"reasoning_content":"more","content":""}}]}

            data: {"choices":[{"index":0,"delta":{"content":"Answer"}}]}

            data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: [DONE]

            """
        #expect(try StreamHarness.decode(stream, codec: codec, provider: .deepseek) == [.delta("Answer"), .finish(.stop)])
    }

    @Test func inBandErrorInA200StreamIsThrownWithTheStatusItsTypeImplies() throws {
        // AIClient-2-API: {"error":{"message","type","code":null}} after the headers went out.
        let stream = """
            data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}

            data: {"error":{"message":"upstream overloaded","type":"server_error","code":null}}

            """
        let error = try #require(StreamHarness.error(decoding: stream, codec: codec, provider: .openai))
        #expect(error.kind == .upstream)
        #expect(error.status == 500)
        #expect(error.isRetryable)
        #expect(error.upstreamMessage == "upstream overloaded")
        #expect(error.message.contains("server_error"))
    }

    @Test func inBandErrorWithNothingToImplyAStatusIsNotRetryable() throws {
        let error = try #require(StreamHarness.error(decoding: #"data: {"error":{"message":"something broke"}}"# + "\n\n", codec: codec, provider: .cursor))
        #expect(error.status == nil)
        #expect(error.kind == .upstream)
        #expect(!error.isRetryable)
        #expect(error.upstreamMessage == "something broke")
    }

    @Test func malformedChunkIsADecodingError() throws {
        let error = try #require(StreamHarness.error(decoding: "data: {\"choices\":[{\"delta\":{\"content\":[1]}}]}\n\n", codec: codec, provider: .openai))
        #expect(error.kind == .decoding)
        #expect(error.message.contains("choices[0].delta.content: expected a string"))
    }

    @Test func streamEncoderWritesChunksTheOpenAIClientsRead() throws {
        var encoder = codec.makeStreamEncoder(id: "chatcmpl-9", model: "gpt-4.1")
        let start = encoder.start()
        let first = try jsonObject(Data(try #require(start.first).data.utf8))
        #expect(first["object"] as? String == "chat.completion.chunk")
        #expect(first["id"] as? String == "chatcmpl-9")
        #expect(first["model"] as? String == "gpt-4.1")
        #expect(first["created"] is Int)
        let choice = try #require((first["choices"] as? [[String: Any]])?.first)
        #expect((choice["delta"] as? [String: Any])?["role"] as? String == "assistant")
        #expect(choice.keys.contains("finish_reason"))

        let usage = try jsonObject(Data(try #require(encoder.encode(.usage(Usage(inputTokens: 1, outputTokens: 2))).first).data.utf8))
        #expect((usage["choices"] as? [Any])?.isEmpty == true)
        #expect((usage["usage"] as? [String: Any])?["total_tokens"] as? Int == 3)
        #expect(encoder.encode(.delta("")).isEmpty)
        #expect(encoder.finish() == [SSEEvent(data: "[DONE]")])
    }

    // MARK: Requests

    @Test func requestToOpenAIUsesMaxCompletionTokensAndAsksForStreamUsage() throws {
        let request = ChatRequest(
            provider: .openai, model: "gpt-4.1",
            messages: [.system("You are terse."), .user("Hi")],
            temperature: 0.7, topP: 0.9, maxTokens: 512, stopSequences: ["\n\n"], stream: true
        )
        let body = try jsonObject(try codec.encodeRequest(request))
        #expect(body["model"] as? String == "gpt-4.1")
        #expect(body["max_completion_tokens"] as? Int == 512)
        #expect(body["max_tokens"] == nil)
        #expect(body["temperature"] as? Double == 0.7)
        #expect(body["top_p"] as? Double == 0.9)
        #expect(body["stop"] as? [String] == ["\n\n"])
        #expect(body["stream"] as? Bool == true)
        #expect((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        let messages = try #require(body["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["system", "user"])
        #expect(messages.map { $0["content"] as? String } == ["You are terse.", "Hi"])
    }

    @Test(arguments: [ProviderID.deepseek, .qwen, .cursor])
    func requestToCompatibleServersUsesMaxTokens(_ provider: ProviderID) throws {
        let request = ChatRequest(provider: provider, model: "m", messages: [.user("Hi")], maxTokens: 64)
        let body = try jsonObject(try LegacyOpenAICodec(provider: provider).encodeRequest(request))
        #expect(body["max_tokens"] as? Int == 64)
        #expect(body["max_completion_tokens"] == nil)
        #expect(body["stream_options"] == nil)
        #expect(body["stop"] == nil)
        #expect(body["temperature"] == nil)
    }

    @Test func temperatureThatIsNotANumberIsAnInvalidRequest() throws {
        let request = ChatRequest(provider: .openai, model: "m", messages: [.user("Hi")], temperature: .nan)
        let error = try #require(thrownError { try codec.encodeRequest(request) })
        #expect(error.kind == .invalidRequest)
        #expect(error.message.contains("temperature"))
    }

    @Test func inboundRequestAcceptsWhatOpenAIClientsSend() throws {
        let body = """
            {"model":"gpt-4.1","max_tokens":100,"stop":"END","stream":true,
             "messages":[
               {"role":"developer","content":"Be brief."},
               {"role":"user","content":[{"type":"text","text":"Part one."},{"type":"text","text":"Part two."}]},
               {"role":"assistant","content":null},
               {"role":"tool","content":"42","tool_call_id":"call_1"}
             ]}
            """
        let request = try codec.decodeRequest(Data(json: body), provider: .deepseek, model: nil, stream: nil)
        #expect(request.provider == .deepseek)
        #expect(request.model == "gpt-4.1")
        #expect(request.maxTokens == 100)
        #expect(request.stopSequences == ["END"])
        #expect(request.stream)
        #expect(request.messages == [
            .system("Be brief."), .user("Part one.\n\nPart two."), .assistant(""), ChatMessage(role: .tool, content: "42"),
        ])
    }

    @Test func maxCompletionTokensWinsOverMaxTokens() throws {
        let body = #"{"model":"m","max_tokens":10,"max_completion_tokens":20,"stop":["a","b"],"messages":[{"role":"user","content":"x"}]}"#
        let request = try codec.decodeRequest(Data(json: body), provider: .openai, model: nil, stream: nil)
        #expect(request.maxTokens == 20)
        #expect(request.stopSequences == ["a", "b"])
        #expect(!request.stream)
    }

    // MARK: Errors, models, headers

    @Test func errorBodyHasOpenAIsShapeAndTheStatusType() throws {
        let error = ChimeraError(kind: .rateLimited, message: "slow down", status: 429, upstreamMessage: "Rate limit reached", isRetryable: true)
        let body = try jsonObject(codec.encodeError(error))
        let detail = try #require(body["error"] as? [String: Any])
        #expect(detail["message"] as? String == "Rate limit reached")
        #expect(detail["type"] as? String == "rate_limit_error")
        #expect(detail["code"] as? String == "rate_limit_error")
        #expect(detail.keys.contains("param"))
        #expect(detail["param"] is NSNull)
    }

    @Test(arguments: [
        (400, "invalid_request_error"), (401, "authentication_error"), (403, "permission_error"),
        (404, "not_found_error"), (429, "rate_limit_error"), (500, "server_error"), (503, "server_error"), (422, "invalid_request_error"),
    ])
    func errorTypeFollowsTheStatus(_ status: Int, _ type: String) {
        #expect(LegacyOpenAICodec.errorType(status: status) == type)
    }

    @Test func modelListRoundTripsThroughOpenAIsShape() throws {
        let body = #"{"object":"list","data":[{"id":"gpt-4.1","object":"model","created":1686935002,"owned_by":"openai"},{"id":"deepseek-chat","object":"model","owned_by":"deepseek"}]}"#
        let models = try codec.decodeModelList(Data(json: body), provider: .deepseek)
        #expect(models == [ModelInfo(id: "gpt-4.1", provider: .deepseek), ModelInfo(id: "deepseek-chat", provider: .deepseek)])
        let encoded = try jsonObject(codec.encodeModelList(models))
        #expect(encoded["object"] as? String == "list")
        let first = try #require((encoded["data"] as? [[String: Any]])?.first)
        #expect(first["object"] as? String == "model")
        #expect(first["owned_by"] as? String == "deepseek")
        #expect(first["created"] as? Int == 0)
        #expect(try codec.decodeModelList(codec.encodeModelList(models), provider: .deepseek) == models)
    }

    @Test func modelListWithoutDataIsADecodingError() throws {
        let error = try #require(thrownError { try codec.decodeModelList(Data(json: #"{"object":"list"}"#), provider: .openai) })
        #expect(error.kind == .decoding)
        #expect(error.message.contains("data: required"))
    }

    @Test func keyTravelsAsABearerToken() {
        let headers = codec.authenticationHeaders(apiKey: Secret("sk-test-123"))
        #expect(headers.map(\.name) == ["Authorization"])
        #expect(headers.map(\.value) == ["Bearer sk-test-123"])
        #expect(codec.authenticationHeaders(apiKey: nil).isEmpty)
        #expect(codec.family == .openAIChat)
    }
}
