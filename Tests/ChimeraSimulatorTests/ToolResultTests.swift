import ChimeraSimulator
import ChimeraTestSupport
import Testing

@Suite("Tool results")
struct ToolResultTests {
    /// A conversation in which the model called both tools and the last turn returns their results.
    private func conversation(_ wire: Wire, stream: Bool = false) -> String {
        switch wire {
        case .openAI:
            #"""
            {"model":"gpt-4.1","stream":\#(stream),"messages":[{"role":"user","content":"Weather and time?"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}},{"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"call_1","content":"{\"temp\":21}"},{"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"10:00"}]}],
             "tools":[{"type":"function","function":{"name":"get_weather"}},{"type":"function","function":{"name":"get_time"}}]}
            """#
        case .anthropic:
            #"""
            {"model":"claude-sonnet-4-5","max_tokens":100,"stream":\#(stream),"messages":[{"role":"user","content":"Weather and time?"},
             {"role":"assistant","content":[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}},{"type":"tool_use","id":"toolu_2","name":"get_time","input":{}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"{\"temp\":21}"},{"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"10:00"}]}]}],
             "tools":[{"name":"get_weather","input_schema":{"type":"object"}},{"name":"get_time","input_schema":{"type":"object"}}]}
            """#
        case .gemini:
            #"""
            {"contents":[{"role":"user","parts":[{"text":"Weather and time?"}]},
             {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{}}},{"functionCall":{"name":"get_time","args":{}}}]},
             {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp":21}}},{"functionResponse":{"name":"get_time","response":"10:00"}}]}],
             "tools":[{"functionDeclarations":[{"name":"get_weather"},{"name":"get_time"}]}]}
            """#
        }
    }

    private func expectedQuote(_ wire: Wire) -> String {
        let time = wire == .gemini ? #""10:00""# : "10:00"
        return "Tool get_weather returned: {\"temp\":21}\nTool get_time returned: \(time)"
    }

    @Test(arguments: Wire.allCases)
    func lastTurnsToolResultsAreQuotedOneLinePerResultInOrder(wire: Wire) async throws {
        try await withSimulator { simulator in
            let unary = try await post(ToolRequests.endpoint(wire, model: wire.model, stream: false), conversation(wire), to: simulator)
            #expect(unary.status == 200)
            let body = try unary.json()
            #expect(unaryText(wire, body) == expectedQuote(wire))
            #expect(try ToolRequests.calls(wire, body).isEmpty)
            #expect(finishReason(wire, body) == wire.finishReasons.natural)
            let streamed = try await post(ToolRequests.endpoint(wire, model: wire.model, stream: true), conversation(wire, stream: true), to: simulator)
            #expect(try streamedText(wire, streamed.events()) == expectedQuote(wire))
        }
    }

    @Test func anthropicErrorResultsAreQuotedAsFailures() async throws {
        try await withSimulator { simulator in
            let body = #"""
                {"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":"Weather?"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","is_error":true,"content":"city unknown"}]}]}
                """#
            let response = try await post(.anthropicMessages, body, to: simulator)
            #expect(unaryText(.anthropic, try response.json()) == "Tool get_weather failed: city unknown")
        }
    }

    @Test func openAIRefusesAToolCallWithoutItsToolMessage() async throws {
        try await withSimulator { simulator in
            let body = #"""
                {"model":"gpt-4.1","messages":[{"role":"user","content":"Weather?"},
                 {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                 {"role":"user","content":"Well?"}]}
                """#
            let response = try await post(.openAIChat, body, to: simulator)
            #expect(response.status == 400)
            let error = try response.json()["error"]
            #expect(error["type"].string == "invalid_request_error")
            #expect(error["param"].string == "messages.[1].role")
            #expect(error["message"].string?.contains("did not have response messages: call_1") == true)
        }
    }

    @Test func openAIRefusesAToolMessageThatAnswersNoCall() async throws {
        try await withSimulator { simulator in
            let body = #"""
                {"model":"gpt-4.1","messages":[{"role":"user","content":"Weather?"},
                 {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"sunny"},{"role":"tool","tool_call_id":"call_9","content":"rain"}]}
                """#
            let response = try await post(.openAIChat, body, to: simulator)
            #expect(response.status == 400)
            let error = try response.json()["error"]
            #expect(error["param"].string == "messages.[3].role")
            #expect(error["message"].string?.contains("must be a response to a preceeding message with 'tool_calls'") == true)
        }
    }

    @Test func anthropicRefusesAResultForAToolUseOfNoPreviousTurn() async throws {
        try await withSimulator { simulator in
            let body = #"""
                {"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":"Weather?"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},{"type":"tool_result","tool_use_id":"toolu_9","content":"rain"}]}]}
                """#
            let response = try await post(.anthropicMessages, body, to: simulator)
            #expect(response.status == 400)
            let body400 = try response.json()
            try expectInvalidRequest(.anthropic, body400)
            #expect(body400["error"]["message"].string?.hasPrefix("messages.2.content.1: unexpected `tool_use_id` found in `tool_result` blocks: toolu_9.") == true)
        }
    }

    @Test func anthropicRefusesAToolUseTheNextTurnDoesNotAnswer() async throws {
        try await withSimulator { simulator in
            let body = #"""
                {"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":"Weather?"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}]},
                 {"role":"user","content":"Never mind."}]}
                """#
            let response = try await post(.anthropicMessages, body, to: simulator)
            #expect(response.status == 400)
            #expect(try response.json()["error"]["message"].string?.hasPrefix("messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1.") == true)
        }
    }

    @Test func geminiRefusesAResponseToAFunctionThePreviousTurnDidNotCall() async throws {
        try await withSimulator { simulator in
            let mismatch = #"""
                {"contents":[{"role":"user","parts":[{"text":"Weather?"}]},{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{}}}]},
                 {"role":"user","parts":[{"functionResponse":{"name":"get_time","response":{}}}]}]}
                """#
            let response = try await post(.gemini(model: "gemini-2.5-flash", method: "generateContent"), mismatch, to: simulator)
            #expect(response.status == 400)
            let body = try response.json()
            try expectInvalidRequest(.gemini, body)
            #expect(body["error"]["message"].string?.contains("contents[2].parts[0].functionResponse.name") == true)
            let orphan = #"{"contents":[{"role":"user","parts":[{"functionResponse":{"name":"get_time","response":{}}}]}]}"#
            let orphanResponse = try await post(.gemini(model: "gemini-2.5-flash", method: "generateContent"), orphan, to: simulator)
            #expect(orphanResponse.status == 400)
            #expect(try orphanResponse.json()["error"]["message"].string == "Please ensure that function response turn comes immediately after a function call turn.")
        }
    }
}
