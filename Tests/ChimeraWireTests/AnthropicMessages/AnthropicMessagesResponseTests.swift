import ChimeraCore
import ChimeraWire
import Testing

private typealias H = AnthropicMessagesHarness

@Suite("Anthropic Messages binding: answers")
struct AnthropicMessagesResponseTests {
    /// A message as the API answers it (anthropic SDK `types/message.py`).
    static let fullAnswer = #"""
        {
          "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
          "type": "message",
          "role": "assistant",
          "model": "claude-sonnet-4-5-20250929",
          "content": [
            {"type": "thinking", "thinking": "The user wants weather.", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA"},
            {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"},
            {"type": "text", "text": "Let me check.", "citations": [{"type": "char_location", "cited_text": "x", "document_index": 0, "document_title": null, "start_char_index": 0, "end_char_index": 1}]},
            {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "paris weather"}},
            {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather", "input": {"location": "Paris", "unit": "celsius"}, "caller": {"type": "direct"}}
          ],
          "stop_reason": "tool_use",
          "stop_sequence": null,
          "usage": {
            "input_tokens": 12, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 1000, "output_tokens": 6,
            "output_tokens_details": {"thinking_tokens": 4},
            "cache_creation": {"ephemeral_5m_input_tokens": 100, "ephemeral_1h_input_tokens": 0},
            "server_tool_use": {"web_search_requests": 1, "web_fetch_requests": 0},
            "service_tier": "standard"
          },
          "container": {"id": "container_1", "expires_at": "2026-01-01T00:00:00Z"}
        }
        """#

    @Test func everyBlockAndCountDecodesInOrder() throws {
        let response = try H.binding.decodeResponse(Array(Self.fullAnswer.utf8), for: H.request())
        #expect(response.id == "msg_01XFDUDYJgAACzvnptvVoYEL")
        #expect(response.model == "claude-sonnet-4-5-20250929")
        #expect(response.provider == .anthropic)
        try #require(response.parts.count == 5)
        #expect(response.parts[0] == .reasoning(Reasoning(text: "The user wants weather.", signature: "EqQBCgIYAhIM1gbcDa9GJwZA")))
        #expect(response.parts[1] == .reasoning(Reasoning(text: "", redactedData: "EmwKAhgBEgy3va3pzix")))
        #expect(response.parts[2] == .text("Let me check."))
        guard case .opaque(let serverTool) = response.parts[3] else {
            Issue.record("not opaque: \(response.parts[3])")
            return
        }
        #expect(serverTool.type == "server_tool_use")
        #expect(response.parts[4] == .toolCall(ToolCall(id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", arguments: #"{"location":"Paris","unit":"celsius"}"#)))
        #expect(response.finishReason == .toolCalls)
        #expect(response.stopSequence == nil)
        #expect(response.usage == Usage(inputTokens: 1112, outputTokens: 6, cachedInputTokens: 1000, cacheWriteTokens: 100, reasoningTokens: 4))
        let extensions = try #require(response.extensions[.anthropicMessages])
        #expect(extensions["container"]?["id"] == "container_1")
        #expect(extensions["usage"] == [
            "cache_creation": ["ephemeral_5m_input_tokens": 100, "ephemeral_1h_input_tokens": 0],
            "server_tool_use": ["web_search_requests": 1, "web_fetch_requests": 0],
            "service_tier": "standard",
        ])
    }

    @Test func anAnswerEncodedAgainKeepsWhatTheDomainHolds() throws {
        let request = H.request()
        let response = try H.binding.decodeResponse(Array(Self.fullAnswer.utf8), for: request)
        let body = try H.json(H.binding.encodeResponse(response, for: request))
        var expected = try H.json(Self.fullAnswer)
        // Answer citations and the default caller are what the domain does not carry.
        guard case .object(var object) = expected, case .array(var content) = object["content"] else { return }
        content[2] = ["type": "text", "text": "Let me check."]
        content[4] = ["type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather", "input": ["location": "Paris", "unit": "celsius"]]
        object["content"] = .array(content)
        expected = .object(object)
        H.expectSame(body, expected)
    }

    @Test(arguments: [
        ("end_turn", FinishReason.stop), ("stop_sequence", .stopSequence), ("max_tokens", .length),
        ("model_context_window_exceeded", .length), ("tool_use", .toolCalls), ("refusal", .contentFilter),
        ("pause_turn", .unknown("pause_turn")), ("safety", .unknown("safety")),
    ])
    func stopReasonsMapAndComeBack(_ wire: String, _ expected: FinishReason) throws {
        let body = #"{"id":"m","type":"message","role":"assistant","model":"x","content":[{"type":"text","text":"x"}],"stop_reason":"\#(wire)","stop_sequence":\#(wire == "stop_sequence" ? #""END""# : "null"),"usage":{"input_tokens":1,"output_tokens":1}}"#
        let response = try H.binding.decodeResponse(Array(body.utf8), for: H.request())
        #expect(response.finishReason == expected)
        #expect(response.stopSequence == (wire == "stop_sequence" ? "END" : nil))
        #expect(try H.json(H.binding.encodeResponse(response, for: H.request()))["stop_reason"]?.string == wire)
    }

    @Test func anEmptyContentIsAnAnswerAndAMissingOneIsNot() throws {
        let empty = #"{"id":"m","type":"message","role":"assistant","model":"x","content":[],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":0}}"#
        #expect(try H.binding.decodeResponse(Array(empty.utf8), for: H.request()).parts.isEmpty)
        let missing = #"{"id":"m","type":"message","role":"assistant","model":"x","stop_reason":"end_turn"}"#
        let error = try #require(H.error { () throws(ChimeraError) in try H.binding.decodeResponse(Array(missing.utf8), for: H.request()) })
        #expect(error.kind == .decoding)
        #expect(error.httpStatus == 502)
        #expect(error.message.contains("content: required"))
    }

    @Test func anErrorInsideA200IsThrown() throws {
        let body = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}"#
        let error = try #require(H.error { () throws(ChimeraError) in try H.binding.decodeResponse(Array(body.utf8), for: H.request()) })
        #expect(error.status == 529)
        #expect(error.isRetryable)
        #expect(error.upstreamMessage == "Overloaded")
    }

    @Test func theForcedJSONToolBecomesTheAnswerText() throws {
        let body = #"{"id":"m","type":"message","role":"assistant","model":"x","content":[{"type":"tool_use","id":"toolu_1","name":"json_object","input":{"b":2,"a":1}}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}}"#
        let response = try H.binding.decodeResponse(Array(body.utf8), for: H.request(responseFormat: .jsonObject))
        #expect(response.parts == [.text(#"{"b":2,"a":1}"#)])
        #expect(response.finishReason == .stop)
        // Without the structured request, the same tool is an ordinary call.
        #expect(try H.binding.decodeResponse(Array(body.utf8), for: H.request()).toolCalls.count == 1)
    }

    // MARK: Any family's answer

    @Test func anAnswerOfAnotherFamilyIsWrittenAsAnthropicAnswers() throws {
        let response = ChatResponse(
            id: "chatcmpl-1", provider: .gemini, model: "gemini-2.5-pro",
            parts: [
                .reasoning(Reasoning(text: "thinking", signature: nil)),
                .text("Here."),
                .image(base64: "AAAA", mediaType: "image/png"),
                .toolCall(ToolCall(id: "call_1", name: "f", arguments: #"{"x":1}"#, signature: "c2ln")),
                .toolCall(ToolCall(id: "call_2", name: "g", arguments: "{not json")),
                .toolCall(ToolCall(id: "call_3", name: "h", arguments: "")),
            ],
            finishReason: .stop,
            usage: Usage(inputTokens: 100, outputTokens: 20, cachedInputTokens: 30, cacheWriteTokens: 10, reasoningTokens: 5),
            extensions: [.geminiGenerateContent: ["modelVersion": "x"]]
        )
        let body = try H.json(H.binding.encodeResponse(response, for: H.request()))
        let expected = try H.json(#"""
            {"id":"chatcmpl-1","type":"message","role":"assistant","model":"gemini-2.5-pro","content":[
              {"type":"thinking","thinking":"thinking","signature":""},
              {"type":"text","text":"Here."},
              {"type":"tool_use","id":"call_1__sig_c2ln","name":"f","input":{"x":1}},
              {"type":"tool_use","id":"call_2","name":"g","input":{"chimera_raw_arguments":"{not json"}},
              {"type":"tool_use","id":"call_3","name":"h","input":{}}
            ],"stop_reason":"tool_use","stop_sequence":null,
            "usage":{"input_tokens":60,"cache_creation_input_tokens":10,"cache_read_input_tokens":30,"output_tokens":20,"output_tokens_details":{"thinking_tokens":5}}}
            """#)
        H.expectSame(body, expected)
    }

    @Test func aToolCallWrittenInAnAnswerComesBackWithItsSignature() throws {
        let call = ToolCall(id: "call_1", name: "f", arguments: #"{"x":1}"#, signature: "c2lnbmF0dXJlIQ==")
        let answer = ChatResponse(id: "r", provider: .gemini, model: "g", parts: [.toolCall(call)], finishReason: .toolCalls, usage: nil)
        let body = H.binding.encodeResponse(answer, for: H.request())
        // The client sends the answer back as its next assistant turn.
        let content = try #require(try H.json(body)["content"])
        let next = #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":\#(content)}]}"#
        let request = try H.binding.decodeRequest(Array(next.utf8), provider: .anthropic, model: nil, stream: nil)
        #expect(request.messages.last?.toolCalls == [call])
    }
}
