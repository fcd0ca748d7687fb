import ChimeraSimulator
import ChimeraTestSupport
import Testing

@Suite("Tool calls")
struct ToolCallTests {
    private let weather = try! ToolRequests.normalized(ToolRequests.weatherArguments)
    private let time = try! ToolRequests.normalized(ToolRequests.timeArguments)

    @Test(arguments: Wire.allCases)
    func firstToolIsCalledWithArgumentsBuiltFromItsSchema(wire: Wire) async throws {
        try await withSimulator { simulator in
            let response = try await post(ToolRequests.endpoint(wire, model: wire.model, stream: false), ToolRequests.body(wire, model: wire.model), to: simulator)
            #expect(response.status == 200)
            let body = try response.json()
            let calls = try ToolRequests.calls(wire, body)
            #expect(calls.map(\.name) == ["get_weather"])
            #expect(calls.first?.arguments == weather)
            switch wire {
            case .openAI:
                #expect(calls.first?.id?.hasPrefix("call_sim") == true)
                #expect(body["choices"][0]["message"]["content"].isNull)
                #expect(body["choices"][0]["message"]["tool_calls"][0]["type"].string == "function")
                #expect(body["choices"][0]["finish_reason"].string == "tool_calls")
            case .anthropic:
                #expect(calls.first?.id?.hasPrefix("toolu_sim") == true)
                #expect(body["content"].array?.count == 1)
                #expect(body["stop_reason"].string == "tool_use")
            case .gemini:
                #expect(calls.first?.id == nil)
                #expect(body["candidates"][0]["finishReason"].string == "STOP")
                // No thinking asked of a 2.5 model: no signature.
                #expect(!body["candidates"][0]["content"]["parts"][0]["thoughtSignature"].exists)
            }
            #expect(outputTokens(wire, body) == 2)
        }
    }

    @Test(arguments: Wire.allCases)
    func streamedCallIsTheUnaryCallSentAcrossSeveralChunks(wire: Wire) async throws {
        try await withSimulator { simulator in
            let unary = try await post(ToolRequests.endpoint(wire, model: wire.model, stream: false), ToolRequests.body(wire, model: wire.model), to: simulator)
            let streamed = try await post(ToolRequests.endpoint(wire, model: wire.model, stream: true), ToolRequests.body(wire, model: wire.model, stream: true), to: simulator)
            #expect(streamed.status == 200)
            let events = try streamed.events()
            let (calls, chunks) = try ToolRequests.streamedCalls(wire, events)
            #expect(calls.map(\.name) == ["get_weather"])
            #expect(calls.map(\.arguments) == (try ToolRequests.calls(wire, unary.json())).map(\.arguments))
            let payloads = try payloads(streamed)
            switch wire {
            case .openAI:
                #expect(chunks >= 3)
                #expect(payloads.last?["choices"][0]["finish_reason"].string == "tool_calls")
                #expect(events.last?.data == "[DONE]")
            case .anthropic:
                #expect(chunks >= 3)
                let names = events.map(\.event)
                #expect(names.first == "message_start")
                #expect(names.suffix(3) == ["content_block_stop", "message_delta", "message_stop"])
                #expect(payloads.first { $0["type"].string == "content_block_start" }?["content_block"]["input"].keys == [])
                #expect(payloads.first { $0["type"].string == "message_delta" }?["delta"]["stop_reason"].string == "tool_use")
            case .gemini:
                #expect(chunks == 1)
                #expect(payloads.last?["candidates"][0]["finishReason"].string == "STOP")
                #expect(payloads.last?["usageMetadata"]["candidatesTokenCount"].int == 2)
            }
        }
    }

    @Test(arguments: Wire.allCases)
    func forcedToolIsCalledInsteadOfTheFirst(wire: Wire) async throws {
        let choice =
            switch wire {
            case .openAI: #""tool_choice":{"type":"function","function":{"name":"get_time"}}"#
            case .anthropic: #""tool_choice":{"type":"tool","name":"get_time"}"#
            case .gemini: #""toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_time"]}}"#
            }
        try await withSimulator { simulator in
            let response = try await post(ToolRequests.endpoint(wire, model: wire.model, stream: false), ToolRequests.body(wire, model: wire.model, extra: choice), to: simulator)
            let calls = try ToolRequests.calls(wire, response.json())
            #expect(calls.map(\.name) == ["get_time"])
            #expect(calls.first?.arguments == time)
        }
    }

    @Test(arguments: Wire.allCases)
    func parallelToolsSwitchCallsEveryToolUnlessParallelCallsAreDisabled(wire: Wire) async throws {
        try await withSimulator { simulator in
            let model = wire.model + "@parallel-tools"
            for stream in [false, true] {
                let response = try await post(ToolRequests.endpoint(wire, model: model, stream: stream), ToolRequests.body(wire, model: model, stream: stream), to: simulator)
                let calls = stream ? try ToolRequests.streamedCalls(wire, response.events()).calls : try ToolRequests.calls(wire, response.json())
                #expect(calls.map(\.name) == ["get_weather", "get_time"], "stream: \(stream)")
                #expect(calls.map(\.arguments) == [weather, time], "stream: \(stream)")
                if wire != .gemini {
                    #expect(Set(calls.compactMap(\.id)).count == 2, "stream: \(stream)")
                }
            }
            let disable: String? =
                switch wire {
                case .openAI: #""parallel_tool_calls":false"#
                case .anthropic: #""tool_choice":{"type":"auto","disable_parallel_tool_use":true}"#
                case .gemini: nil
                }
            if let disable {
                let response = try await post(ToolRequests.endpoint(wire, model: model, stream: false), ToolRequests.body(wire, model: model, extra: disable), to: simulator)
                #expect(try ToolRequests.calls(wire, response.json()).map(\.name) == ["get_weather"])
            }
        }
    }

    @Test(arguments: Wire.allCases)
    func toolChoiceNoneAnswersWithText(wire: Wire) async throws {
        let none =
            switch wire {
            case .openAI: #""tool_choice":"none""#
            case .anthropic: #""tool_choice":{"type":"none"}"#
            case .gemini: #""toolConfig":{"functionCallingConfig":{"mode":"NONE"}}"#
            }
        try await withSimulator { simulator in
            let response = try await post(ToolRequests.endpoint(wire, model: wire.model, stream: false), ToolRequests.body(wire, model: wire.model, extra: none), to: simulator)
            let body = try response.json()
            #expect(try ToolRequests.calls(wire, body).isEmpty)
            #expect(unaryText(wire, body) == "Simulated reply from \(wire.model): Weather in Paris?")
            #expect(finishReason(wire, body) == wire.finishReasons.natural)
        }
    }

    @Test func geminiFieldsAreAlsoReadInSnakeCaseAsGoogleGenAISendsSome() async throws {
        try await withSimulator { simulator in
            let body = #"{"contents":[{"role":"user","parts":[{"text":"Weather?"}]}],"tools":[{"function_declarations":[{"name":"get_weather","parameters_json_schema":\#(ToolRequests.weatherSchema)}]}],"generation_config":{"max_output_tokens":5}}"#
            let response = try await post(.gemini(model: "gemini-2.5-flash", method: "generateContent", version: "v1"), body, to: simulator)
            let calls = try ToolRequests.calls(.gemini, response.json())
            #expect(calls.map(\.arguments) == [weather])
        }
    }

    @Test func truncateAfterCountsArgumentFragmentsAsChunks() async throws {
        try await withSimulator { simulator in
            let model = "gpt-4.1@truncate-after=2"
            let response = try await post(.openAIChat, ToolRequests.body(.openAI, model: model, stream: true), to: simulator)
            let (calls, chunks) = try ToolRequests.streamedCalls(.openAI, response.events(), normalize: false)
            #expect(chunks == 2)
            #expect(calls.first?.arguments == String(ToolRequests.weatherArguments.prefix(20)))
            #expect(try response.events().last?.data != "[DONE]")
        }
    }

    @Test func openAIRefusesAToolChoiceWithoutToolsOrNamingAnUnknownTool() async throws {
        try await withSimulator { simulator in
            let withoutTools = try await post(.openAIChat, #"{"model":"gpt-4.1","messages":[{"role":"user","content":"Hi"}],"tool_choice":"required"}"#, to: simulator)
            #expect(withoutTools.status == 400)
            #expect(try withoutTools.json()["error"]["param"].string == "tool_choice")
            let unknown = try await post(.openAIChat, ToolRequests.body(.openAI, model: "gpt-4.1", extra: #""tool_choice":{"type":"function","function":{"name":"teleport"}}"#), to: simulator)
            #expect(unknown.status == 400)
            #expect(try unknown.json()["error"]["message"].string?.contains("teleport") == true)
        }
    }
}
