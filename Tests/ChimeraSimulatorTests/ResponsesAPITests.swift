import ChimeraCore
import ChimeraSimulator
import ChimeraTestSupport
import Testing

@Suite("Responses API")
struct ResponsesAPITests {
    private let tools = #""tools":[{"type":"function","name":"get_weather","description":"Current weather","parameters":\#(ToolRequests.weatherSchema),"strict":true}]"#

    @Test func stringInputAnswersAResponseObjectWithOneMessage() async throws {
        try await withSimulator { simulator in
            let response = try await post(.responses, #"{"model":"gpt-4.1","instructions":"Be brief.","input":"Hi","temperature":0.5}"#, to: simulator)
            #expect(response.status == 200)
            #expect(response.header("x-request-id")?.hasPrefix("req_") == true)
            let body = try response.json()
            #expect(body["object"].string == "response")
            #expect(body["id"].string?.hasPrefix("resp_") == true)
            #expect(body["status"].string == "completed")
            #expect(body["instructions"].string == "Be brief.")
            #expect(body["temperature"].double == 0.5)
            #expect(body["incomplete_details"].isNull)
            #expect(body["output"].array?.count == 1)
            let message = body["output"][0]
            #expect(message["type"].string == "message")
            #expect(message["role"].string == "assistant")
            #expect(message["status"].string == "completed")
            #expect(message["content"][0]["type"].string == "output_text")
            #expect(message["content"][0]["text"].string == "Simulated reply from gpt-4.1: Hi")
            #expect(body["usage"]["input_tokens"].int == 3)
            #expect(body["usage"]["output_tokens"].int == 5)
            #expect(body["usage"]["total_tokens"].int == 8)
            #expect(body["usage"]["input_tokens_details"]["cached_tokens"].int == 0)
            #expect(body["usage"]["output_tokens_details"]["reasoning_tokens"].int == 0)
        }
    }

    @Test func streamSendsTheTypedEventsNumberedInOrder() async throws {
        try await withSimulator { simulator in
            let input = #"[{"type":"message","role":"user","content":[{"type":"input_text","text":"Hi"}]}]"#
            let response = try await post(.responses, #"{"model":"gpt-4.1","stream":true,"input":\#(input)}"#, to: simulator)
            #expect(response.header("content-type") == "text/event-stream")
            let events = try response.events()
            let payloads = try payloads(response)
            #expect(
                events.map(\.event)
                    == ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]
                    + Array(repeating: "response.output_text.delta", count: 5)
                    + ["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"]
            )
            #expect(zip(events, payloads).allSatisfy { $0.event == $1["type"].string })
            #expect(payloads.map { $0["sequence_number"].int } == Array(0..<payloads.count))
            #expect(payloads[0]["response"]["status"].string == "in_progress")
            #expect(payloads[0]["response"]["usage"].isNull)
            #expect(payloads.compactMap { $0["type"].string == "response.output_text.delta" ? $0["delta"].string : nil }.joined() == "Simulated reply from gpt-4.1: Hi")
            #expect(payloads[9]["text"].string == "Simulated reply from gpt-4.1: Hi")
            let completed = try #require(payloads.last)
            #expect(completed["response"]["status"].string == "completed")
            #expect(completed["response"]["output"][0]["content"][0]["text"].string == "Simulated reply from gpt-4.1: Hi")
            #expect(completed["response"]["usage"]["output_tokens"].int == 5)
            #expect(Set(payloads.compactMap { $0["item_id"].string }) == [completed["response"]["output"][0]["id"].string ?? ""])
        }
    }

    @Test func functionToolIsCalledUnaryAndStreamed() async throws {
        try await withSimulator { simulator in
            let body = try await post(.responses, #"{"model":"gpt-4.1","input":"Weather?",\#(tools)}"#, to: simulator).json()
            let call = body["output"][0]
            #expect(call["type"].string == "function_call")
            #expect(call["name"].string == "get_weather")
            #expect(call["call_id"].string?.hasPrefix("call_sim") == true)
            #expect(try ToolRequests.normalized(call["arguments"].string ?? "") == ToolRequests.normalized(ToolRequests.weatherArguments))
            #expect(body["tools"][0]["name"].string == "get_weather")

            let streamed = try payloads(await post(.responses, #"{"model":"gpt-4.1","stream":true,"input":"Weather?",\#(tools)}"#, to: simulator))
            let types = streamed.compactMap { $0["type"].string }
            #expect(types.filter { $0 == "response.function_call_arguments.delta" }.count >= 3)
            #expect(types.suffix(3) == ["response.function_call_arguments.done", "response.output_item.done", "response.completed"])
            #expect(streamed.first { $0["type"].string == "response.output_item.added" }?["item"]["arguments"].string == "")
            let arguments = streamed.filter { $0["type"].string == "response.function_call_arguments.delta" }.compactMap { $0["delta"].string }.joined()
            #expect(arguments == streamed.first { $0["type"].string == "response.function_call_arguments.done" }?["arguments"].string)
        }
    }

    @Test func previousResponseIDContinuesWithTheFunctionOutput() async throws {
        try await withSimulator { simulator in
            let first = try await post(.responses, #"{"model":"gpt-4.1","input":"Weather?",\#(tools)}"#, to: simulator).json()
            let id = try #require(first["id"].string)
            let callID = try #require(first["output"][0]["call_id"].string)
            let followUp = #"{"model":"gpt-4.1","previous_response_id":"\#(id)","input":[{"type":"function_call_output","call_id":"\#(callID)","output":"{\"temp\":21}"}],\#(tools)}"#
            let answer = try await post(.responses, followUp, to: simulator).json()
            #expect(answer["output"][0]["content"][0]["text"].string == #"Tool get_weather returned: {"temp":21}"#)
            #expect(answer["previous_response_id"].string == id)

            let unknownCall = try await post(.responses, followUp.replacingOccurrences(of: callID, with: "call_nope"), to: simulator)
            #expect(unknownCall.status == 400)
            #expect(try unknownCall.json()["error"]["message"].string == "No tool call found for function call output with call_id call_nope.")
        }
    }

    @Test func previousResponseThatWasNeverIssuedOrNotStoredIsNotFound() async throws {
        try await withSimulator { simulator in
            let unknown = try await post(.responses, #"{"model":"gpt-4.1","previous_response_id":"resp_nope","input":"Hi"}"#, to: simulator)
            #expect(unknown.status == 400)
            let error = try unknown.json()["error"]
            #expect(error["code"].string == "previous_response_not_found")
            #expect(error["param"].string == "previous_response_id")
            #expect(error["message"].string == "Previous response with id 'resp_nope' not found.")

            let unstored = try await post(.responses, #"{"model":"gpt-4.1","store":false,"input":"Hi"}"#, to: simulator).json()
            #expect(unstored["store"].bool == false)
            let id = try #require(unstored["id"].string)
            #expect(try await post(.responses, #"{"model":"gpt-4.1","previous_response_id":"\#(id)","input":"Again"}"#, to: simulator).status == 400)
        }
    }

    @Test func reasoningItemComesFirstWithSummaryAndVerifiableEncryptedContent() async throws {
        try await withSimulator { simulator in
            let request = #"{"model":"o4-mini","input":"Hi","reasoning":{"effort":"low","summary":"auto"},"include":["reasoning.encrypted_content"],"store":false}"#
            let body = try await post(.responses, request, to: simulator).json()
            #expect(body["output"].array?.map { $0["type"].string } == ["reasoning", "message"])
            let reasoning = body["output"][0]
            #expect(reasoning["summary"][0]["type"].string == "summary_text")
            #expect(reasoning["summary"][0]["text"].string == ThinkingTests.reasoning)
            let sealed = try #require(reasoning["encrypted_content"].string)
            #expect(body["usage"]["output_tokens_details"]["reasoning_tokens"].int == 16)
            #expect(body["usage"]["output_tokens"].int == 5 + 16)
            #expect(body["reasoning"]["effort"].string == "low")

            let streamed = try payloads(await post(.responses, request.replacingOccurrences(of: #""input""#, with: #""stream":true,"input""#), to: simulator))
            let summary = streamed.filter { $0["type"].string == "response.reasoning_summary_text.delta" }.compactMap { $0["delta"].string }.joined()
            #expect(summary == ThinkingTests.reasoning)

            let returned = #"[{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"\#(sealed)"},{"role":"user","content":"Again"}]"#
            #expect(try await post(.responses, #"{"model":"o4-mini","input":\#(returned)}"#, to: simulator).status == 200)
            let forged = returned.replacingOccurrences(of: sealed, with: "Zm9yZ2Vk")
            let refused = try await post(.responses, #"{"model":"o4-mini","input":\#(forged)}"#, to: simulator)
            #expect(refused.status == 400)
            #expect(try refused.json()["error"]["code"].string == "invalid_encrypted_content")
        }
    }

    @Test func maxOutputTokensMakesTheResponseIncomplete() async throws {
        try await withSimulator { simulator in
            let body = try await post(.responses, #"{"model":"gpt-4.1","input":"Hi","max_output_tokens":2}"#, to: simulator).json()
            #expect(body["status"].string == "incomplete")
            #expect(body["incomplete_details"]["reason"].string == "max_output_tokens")
            #expect(body["output"][0]["status"].string == "incomplete")
            #expect(body["output"][0]["content"][0]["text"].string == "Simulated reply")
            let streamed = try await post(.responses, #"{"model":"gpt-4.1","input":"Hi","max_output_tokens":2,"stream":true}"#, to: simulator).events()
            #expect(streamed.last?.event == "response.incomplete")
        }
    }

    @Test func inBandErrorEndsTheStreamWithAnErrorEventAndResponseFailed() async throws {
        try await withSimulator { simulator in
            let events = try await post(.responses, #"{"model":"gpt-4.1@inband-error","input":"Hi","stream":true}"#, to: simulator).events()
            #expect(events.filter { $0.event == "response.output_text.delta" }.count == 1)
            #expect(events.suffix(2).map(\.event) == ["error", "response.failed"])
            let failed = try JSONTree(parsing: try #require(events.last).data)
            #expect(failed["response"]["status"].string == "failed")
            #expect(failed["response"]["error"]["code"].string == "server_error")
        }
    }

    @Test func textFormatJSONSchemaAnswersAnInstance() async throws {
        try await withSimulator { simulator in
            let request = #"{"model":"gpt-4.1","input":"Plan","text":{"format":{"type":"json_schema","name":"trip","schema":\#(StructuredOutputTests.schema),"strict":true}}}"#
            let body = try await post(.responses, request, to: simulator).json()
            #expect(body["output"][0]["content"][0]["text"].string == StructuredOutputTests.instance)
            #expect(body["text"]["format"]["name"].string == "trip")
        }
    }

    @Test func faultSwitchesApplyAsForChat() async throws {
        try await withSimulator { simulator in
            let limited = try await post(.responses, #"{"model":"gpt-4.1@status=429,retry-after=2","input":"Hi"}"#, to: simulator)
            #expect(limited.status == 429)
            #expect(limited.header("retry-after") == "2")
            #expect(try limited.json()["error"]["code"].string == "rate_limit_exceeded")
            let cut = try await post(.responses, #"{"model":"gpt-4.1@truncate-after=2","input":"Hi","stream":true}"#, to: simulator).events()
            #expect(cut.filter { $0.event == "response.output_text.delta" }.count == 2)
            #expect(cut.last?.event == "response.output_text.delta")
        }
    }

    @Test func responsesUseOpenAIsAuthenticationAndErrors() async throws {
        try await withSimulator { simulator in
            let anonymous = try await post(.responses, #"{"model":"gpt-4.1","input":"Hi"}"#, to: simulator, authenticated: false)
            #expect(anonymous.status == 401)
            let missing = try await post(.responses, #"{"input":"Hi"}"#, to: simulator)
            #expect(missing.status == 400)
            #expect(try missing.json()["error"]["param"].string == "model")
            #expect(simulator.stats.requests(on: .responses) == 2)
        }
    }
}
