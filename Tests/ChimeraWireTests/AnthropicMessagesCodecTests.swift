import ChimeraCore
import ChimeraWire
import Foundation
import Testing

@Suite("Anthropic Messages codec")
struct AnthropicMessagesCodecTests {
    let codec = LegacyAnthropicCodec()

    // MARK: Unary responses

    @Test func responseTextJoinsTextBlocksAndSkipsThinkingAndToolUse() throws {
        let body = """
            {
              "id": "msg_01", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
              "content": [
                {"type": "thinking", "thinking": "Let me see", "signature": "sig"},
                {"type": "text", "text": "Hello, "},
                {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}},
                {"type": "text", "text": "world"}
              ],
              "stop_reason": "end_turn", "stop_sequence": null,
              "usage": {"input_tokens": 12, "output_tokens": 6, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 1000}
            }
            """
        let response = try codec.decodeResponse(Data(json: body), provider: .anthropic)
        #expect(response.id == "msg_01")
        #expect(response.model == "claude-sonnet-4-5")
        #expect(response.text == "Hello, world")
        #expect(response.finishReason == .stop)
        #expect(response.usage == Usage(inputTokens: 1112, outputTokens: 6))
    }

    @Test(arguments: [
        ("end_turn", FinishReason.stop), ("stop_sequence", .stopSequence), ("max_tokens", .length),
        ("model_context_window_exceeded", .length), ("tool_use", .toolCalls), ("refusal", .contentFilter),
        ("pause_turn", .unknown("pause_turn")), ("safety", .unknown("safety")),
    ])
    func stopReasonsMapToTheDomain(_ wire: String, _ expected: FinishReason) throws {
        let body = #"{"id":"m","content":[{"type":"text","text":"x"}],"stop_reason":"\#(wire)","usage":{"input_tokens":1,"output_tokens":1}}"#
        #expect(try codec.decodeResponse(Data(json: body), provider: .anthropic).finishReason == expected)
    }

    @Test func errorInsideA200ResponseIsThrown() throws {
        let body = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}"#
        let error = try #require(thrownError { try codec.decodeResponse(Data(json: body), provider: .anthropic) })
        #expect(error.status == 529)
        #expect(error.isRetryable)
        #expect(error.kind == .upstream)
        #expect(error.upstreamMessage == "Overloaded")
    }

    // MARK: Streams

    static let referenceStream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1,"cache_read_input_tokens":30}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"abc"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type":"ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"こんにちは"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"🎉"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: something_new
        data: {"type":"something_new","whatever":[1,2]}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":6}}

        event: message_stop
        data: {"type":"message_stop"}


        """

    @Test(arguments: [Int.max, 1, 5])
    func referenceStreamDecodesToTextFinishAndUsage(chunkSize: Int) throws {
        let events = try StreamHarness.decode(Self.referenceStream, codec: codec, provider: .anthropic, chunkSize: chunkSize)
        #expect(events == [.delta("こんにちは"), .delta("🎉"), .finish(.stop), .usage(Usage(inputTokens: 42, outputTokens: 6))])
    }

    @Test func eventsWithoutEventLinesDispatchOnTheirType() throws {
        let stream = Self.referenceStream
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("event:") }
            .joined(separator: "\n")
        let events = try StreamHarness.decode(stream, codec: codec, provider: .anthropic)
        #expect(StreamSummary(events) == StreamSummary(text: "こんにちは🎉", finishReasons: [.stop], usages: [Usage(inputTokens: 42, outputTokens: 6)]))
    }

    @Test func messageDeltaInputCountsReplaceTheStartsAndOutputIsCumulative() throws {
        let stream = """
            data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":0,"output_tokens":0}}}

            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"A"}}

            data: {"type":"message_delta","delta":{},"usage":{"output_tokens":3}}

            data: {"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"input_tokens":20,"output_tokens":5}}

            data: {"type":"message_stop"}

            """
        let events = try StreamHarness.decode(stream, codec: codec, provider: .anthropic)
        #expect(events == [
            .delta("A"), .usage(Usage(inputTokens: 0, outputTokens: 3)),
            .finish(.length), .usage(Usage(inputTokens: 20, outputTokens: 5)),
        ])
    }

    @Test func appendedMessageStopAfterARealOneIsIgnored() throws {
        // AIClient-2-API appends a message_stop when it saw none; a duplicate must change nothing.
        let stream = Self.referenceStream + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
        let events = try StreamHarness.decode(stream, codec: codec, provider: .anthropic)
        #expect(StreamSummary(events).finishReasons == [.stop])
    }

    @Test func stopReasonWithoutMessageStopIsComplete() throws {
        let stream = """
            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":2}}

            """
        let events = try StreamHarness.decode(stream, codec: codec, provider: .anthropic)
        #expect(events == [.delta("Hi"), .finish(.stopSequence), .usage(Usage(inputTokens: 0, outputTokens: 2))])
    }

    @Test func streamCutBeforeAnyStopReasonIsTruncated() throws {
        let stream = """
            event: message_start
            data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":3,"output_tokens":1}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

            """
        let error = try #require(StreamHarness.error(decoding: stream, codec: codec, provider: .anthropic))
        #expect(error.kind == .decoding)
        #expect(error.message.contains("truncated"))
    }

    @Test(arguments: [
        ("overloaded_error", 529, true, ChimeraError.Kind.upstream),
        ("rate_limit_error", 429, true, .rateLimited),
        ("api_error", 500, true, .upstream),
        ("invalid_request_error", 400, false, .invalidRequest),
        ("authentication_error", 401, false, .authentication),
    ])
    func errorEventInA200StreamIsThrownAsItsStatus(_ type: String, _ status: Int, _ retryable: Bool, _ kind: ChimeraError.Kind) throws {
        let stream = """
            event: message_start
            data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":3,"output_tokens":1}}}

            event: error
            data: {"type":"error","error":{"type":"\(type)","message":"It failed"}}

            """
        let error = try #require(StreamHarness.error(decoding: stream, codec: codec, provider: .anthropic))
        #expect(error.status == status)
        #expect(error.isRetryable == retryable)
        #expect(error.kind == kind)
        #expect(error.upstreamMessage == "It failed")
        #expect(error.message.contains(type))
    }

    @Test func streamEncoderNamesEveryEventAfterItsType() throws {
        let text = StreamHarness.encode([.delta("Hi"), .finish(.stop), .usage(Usage(inputTokens: 4, outputTokens: 2))], codec: codec, id: "msg_9", model: "claude-x")
        var parser = SSEParser()
        let events = try parser.parse(Array(text.utf8))
        #expect(events.map(\.event) == ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"])
        for event in events {
            #expect(try jsonObject(Data(event.data.utf8))["type"] as? String == event.event)
        }
        let start = try jsonObject(Data(events[0].data.utf8))["message"] as? [String: Any]
        #expect(start?["id"] as? String == "msg_9")
        #expect(start?["model"] as? String == "claude-x")
        let delta = try jsonObject(Data(events[4].data.utf8))
        #expect((delta["delta"] as? [String: Any])?["stop_reason"] as? String == "end_turn")
        #expect((delta["usage"] as? [String: Any])?["output_tokens"] as? Int == 2)
        #expect((delta["usage"] as? [String: Any])?["input_tokens"] as? Int == 4)
    }

    // MARK: Requests

    @Test func requestPutsSystemOnTopAndDefaultsMaxTokens() throws {
        let request = ChatRequest(
            provider: .anthropic, model: "claude-sonnet-4-5",
            messages: [.system("You are terse."), .user("Hi"), .assistant("Hello"), .system("Answer in French."), .user("Again")],
            stopSequences: ["END"], stream: true
        )
        let body = try jsonObject(try codec.encodeRequest(request))
        #expect(body["system"] as? String == "You are terse.\n\nAnswer in French.")
        #expect(body["max_tokens"] as? Int == LegacyAnthropicCodec.defaultMaxTokens)
        #expect(body["stop_sequences"] as? [String] == ["END"])
        #expect(body["stream"] as? Bool == true)
        let messages = try #require(body["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "user"])
        #expect(messages.map { $0["content"] as? String } == ["Hi", "Hello", "Again"])
    }

    @Test(arguments: [(1.7, 1.0), (0.4, 0.4), (-0.5, 0.0)])
    func temperatureIsClampedToAnthropicsRange(_ given: Double, _ sent: Double) throws {
        let request = ChatRequest(provider: .anthropic, model: "c", messages: [.user("Hi")], temperature: given, maxTokens: 10)
        let body = try jsonObject(try codec.encodeRequest(request))
        #expect(body["temperature"] as? Double == sent)
        #expect(body["max_tokens"] as? Int == 10)
    }

    @Test func roleAnthropicHasNoPlaceForIsAnInvalidRequest() throws {
        let request = ChatRequest(provider: .anthropic, model: "c", messages: [.user("Hi"), ChatMessage(role: .unknown("tool"), content: "42")])
        let error = try #require(thrownError { try codec.encodeRequest(request) })
        #expect(error.kind == .invalidRequest)
        #expect(error.message.contains("messages[1].role"))
    }

    @Test func inboundRequestReadsSystemBlocksAndTextBlocksAndDropsThinking() throws {
        let body = """
            {"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,"temperature":0.5,"top_p":0.9,"stop_sequences":["END"],
             "system":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}},{"type":"text","text":"Be kind."}],
             "messages":[
               {"role":"user","content":"Hi"},
               {"role":"assistant","content":[{"type":"thinking","thinking":"…","signature":"s"},{"type":"text","text":"Hello"}]},
               {"role":"user","content":[{"type":"text","text":"One"},{"type":"text","text":"Two"}]}
             ]}
            """
        let request = try codec.decodeRequest(Data(json: body), provider: .anthropic, model: nil, stream: nil)
        #expect(request.messages == [.system("You are terse."), .system("Be kind."), .user("Hi"), .assistant("Hello"), .user("One\n\nTwo")])
        #expect(request.maxTokens == 1024)
        #expect(request.temperature == 0.5)
        #expect(request.topP == 0.9)
        #expect(request.stopSequences == ["END"])
        #expect(request.stream)
    }

    // MARK: Errors, models, headers

    @Test(arguments: [
        (400, "invalid_request_error"), (401, "authentication_error"), (402, "billing_error"), (403, "permission_error"),
        (404, "not_found_error"), (413, "request_too_large"), (429, "rate_limit_error"), (500, "api_error"),
        (502, "api_error"), (504, "timeout_error"), (529, "overloaded_error"),
    ])
    func errorBodyHasAnthropicsShapeAndTheStatusType(_ status: Int, _ type: String) throws {
        let retryable = [429, 500, 502, 504, 529].contains(status)
        let body = try jsonObject(codec.encodeError(ChimeraError(kind: .upstream, message: "failed", status: status, isRetryable: retryable)))
        #expect(body["type"] as? String == "error")
        let detail = try #require(body["error"] as? [String: Any])
        #expect(detail["type"] as? String == type)
        #expect(detail["message"] as? String == "failed")
    }

    @Test func rateLimitThatMustNotBeRetriedIsWrittenAsABillingError() throws {
        let error = ChimeraError(kind: .rateLimited, message: "spend limit reached", status: 429, isRetryable: false)
        let body = try jsonObject(codec.encodeError(error))
        #expect((body["error"] as? [String: Any])?["type"] as? String == "billing_error")
    }

    @Test func modelListRoundTripsThroughAnthropicsShape() throws {
        let body = """
            {"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"},
                     {"type":"model","id":"claude-haiku-4-5","display_name":"Claude Haiku 4.5","created_at":"2025-10-01T00:00:00Z","max_tokens":64000}],
             "has_more":false,"first_id":"claude-sonnet-4-5","last_id":"claude-haiku-4-5"}
            """
        let models = try codec.decodeModelList(Data(json: body), provider: .anthropic)
        #expect(models == [
            ModelInfo(id: "claude-sonnet-4-5", provider: .anthropic, displayName: "Claude Sonnet 4.5"),
            ModelInfo(id: "claude-haiku-4-5", provider: .anthropic, displayName: "Claude Haiku 4.5"),
        ])
        let encoded = try jsonObject(codec.encodeModelList(models))
        #expect(encoded["has_more"] as? Bool == false)
        #expect(encoded["first_id"] as? String == "claude-sonnet-4-5")
        #expect((encoded["data"] as? [[String: Any]])?.first?["type"] as? String == "model")
        #expect(try codec.decodeModelList(codec.encodeModelList(models), provider: .anthropic) == models)
    }

    @Test func keyTravelsInXAPIKeyWithTheVersionHeader() {
        let headers = codec.authenticationHeaders(apiKey: Secret("sk-ant-test"))
        #expect(headers.map(\.name) == ["x-api-key", "anthropic-version"])
        #expect(headers.map(\.value) == ["sk-ant-test", "2023-06-01"])
        #expect(codec.authenticationHeaders(apiKey: nil).map(\.name) == ["anthropic-version"])
        #expect(codec.family == .anthropicMessages)
    }
}
