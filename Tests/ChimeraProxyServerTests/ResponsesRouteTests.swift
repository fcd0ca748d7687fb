import Chimera
import ChimeraProxyServer
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import Testing

/// The Responses API on `chimera proxy` (issue 17): `POST /v1/responses` answered by any
/// upstream — OpenAI by pass-through to its own `/v1/responses`, the others through the domain
/// model — over real HTTP against the simulator.
@Suite("Responses API through the proxy")
struct ResponsesRouteTests {
    private static let weatherTool = #"{"type":"function","name":"get_weather","description":"Current weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}"#

    /// Posts `body` to `<prefix>/v1/responses` and returns the status and the body.
    private func post(_ proxy: SimulatedProxy, _ transport: HTTPTransport, prefix: String, _ body: String) async throws -> (status: Int, body: String, json: JSONValue?) {
        let answer = try await rawRequest(transport, proxy.baseURL.appending(path: "\(prefix)/v1/responses"), body: body)
        // A stream's body is not JSON: `json` is nil then, and the tests that need it #require it.
        return (answer.status, answer.body, try? JSONValue(parsing: Array(answer.body.utf8)))
    }

    /// The payloads of a stream's events, each with its `event:` name.
    private func events(_ body: String) throws -> [(event: String?, data: JSONValue)] {
        var parser = SSEParser()
        return try (parser.parse(Array(body.utf8)) + [parser.finish()].compactMap { $0 }).map { ($0.event, try JSONValue(parsing: Array($0.data.utf8))) }
    }

    @Test func aStringInputToAnthropicAnswersAResponseObject() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let answer = try await post(proxy, transport, prefix: "/claude-custom", #"{"model":"claude-sonnet-4-5","instructions":"Be brief.","input":"Hi","max_output_tokens":64}"#)
                #expect(answer.status == 200)
                let body = try #require(answer.json)
                #expect(body["object"] == "response")
                #expect(body["status"] == "completed")
                #expect(body["output"]?[0]?["type"] == "message")
                #expect(body["output"]?[0]?["content"]?[0]?["type"] == "output_text")
                #expect(body["output"]?[0]?["content"]?[0]?["text"]?.string?.hasPrefix("Simulated reply from claude-sonnet-4-5") == true)
                #expect(body["usage"]?["input_tokens"]?.int ?? 0 > 0)
                #expect(body["usage"]?["output_tokens_details"]?["reasoning_tokens"] != nil)
                // The instructions reached Anthropic as its system prompt.
                let sent = try #require(proxy.simulator.recordedRequests().last)
                #expect(sent.path == "/v1/messages")
                #expect(sent.body.contains(#""system""#) && sent.body.contains("Be brief."))
            }
        }
    }

    @Test func systemAndDeveloperMessagesInTheInputBecomeTheSystemPrompt() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let input = #"[{"role":"system","content":"Rule one."},{"type":"message","role":"developer","content":[{"type":"input_text","text":"Rule two."}]},{"role":"user","content":"Hi"}]"#
                let answer = try await post(proxy, transport, prefix: "/claude-custom", #"{"model":"claude-sonnet-4-5","input":\#(input)}"#)
                #expect(answer.status == 200)
                let sent = try #require(proxy.simulator.recordedRequests().last)
                let system = try JSONValue(parsing: Array(sent.body.utf8))["system"]
                #expect(system?.serialized().contains("Rule one.") == true && system?.serialized().contains("Rule two.") == true)
            }
        }
    }

    @Test func aStreamToAnthropicSendsTheTypedEventsInOrder() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let answer = try await post(proxy, transport, prefix: "/claude-custom", #"{"model":"claude-sonnet-4-5","input":"Hi","stream":true}"#)
                #expect(answer.status == 200)
                let events = try events(answer.body)
                let types = events.map { $0.data["type"]?.string ?? "" }
                #expect(events.allSatisfy { $0.event == $0.data["type"]?.string })
                #expect(Array(types.prefix(4)) == ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"])
                #expect(Array(types.suffix(4)) == ["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"])
                #expect(events.map { $0.data["sequence_number"]?.int } == Array(0..<events.count))
                let text = events.compactMap { $0.data["type"] == "response.output_text.delta" ? $0.data["delta"]?.string : nil }.joined()
                #expect(text.hasPrefix("Simulated reply from claude-sonnet-4-5"))
                let completed = try #require(events.last?.data["response"])
                #expect(completed["output"]?[0]?["content"]?[0]?["text"]?.string == text)
                #expect(completed["usage"]?["output_tokens"]?.int ?? 0 > 0)
            }
        }
    }

    @Test(arguments: [false, true])
    func aFunctionCallAndItsOutputMakeTheRoundTripThroughAnthropic(stream: Bool) async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let first = try await post(proxy, transport, prefix: "/claude-custom", #"{"model":"claude-sonnet-4-5","input":"Weather in Paris?","tools":[\#(Self.weatherTool)],"stream":\#(stream)}"#)
                #expect(first.status == 200)
                let response = stream ? try #require(events(first.body).last?.data["response"]) : try #require(first.json)
                let call = try #require(response["output"]?.array?.first { $0["type"] == "function_call" })
                #expect(call["name"] == "get_weather")
                let callID = try #require(call["call_id"]?.string)
                let arguments = try #require(call["arguments"]?.string)
                #expect(try JSONValue(parsing: Array(arguments.utf8))["city"] != nil)
                if stream {
                    let argumentText = try events(first.body).compactMap { $0.data["type"] == "response.function_call_arguments.delta" ? $0.data["delta"]?.string : nil }.joined()
                    #expect(argumentText == arguments)
                }
                let input = #"[{"role":"user","content":"Weather in Paris?"},\#(call.serialized()),{"type":"function_call_output","call_id":"\#(callID)","output":"{\"temp\":21}"}]"#
                let second = try await post(proxy, transport, prefix: "/claude-custom", #"{"model":"claude-sonnet-4-5","input":\#(input),"tools":[\#(Self.weatherTool)]}"#)
                #expect(second.status == 200, "\(second.body)")
                #expect(second.json?["output"]?[0]?["content"]?[0]?["text"]?.string?.contains(#"Tool get_weather returned: {"temp":21}"#) == true)
            }
        }
    }

    @Test func aJSONSchemaFormatIsHonouredByAnthropic() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let format = #"{"format":{"type":"json_schema","name":"city","schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false},"strict":true}}"#
                let answer = try await post(proxy, transport, prefix: "/claude-custom", #"{"model":"claude-sonnet-4-5","input":"Name a city","text":\#(format)}"#)
                #expect(answer.status == 200)
                let text = try #require(answer.json?["output"]?[0]?["content"]?[0]?["text"]?.string)
                #expect(try JSONValue(parsing: Array(text.utf8))["name"]?.string != nil)
                #expect(answer.json?["text"]?["format"]?["type"] == "json_schema")
            }
        }
    }

    @Test func reasoningComesBackAsAnItemAndIsAcceptedWhenSentBack() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let request = #"{"model":"claude-sonnet-4-5","input":"Weather in Paris?","max_output_tokens":4096,"reasoning":{"effort":"low","summary":"auto"},"tools":[\#(Self.weatherTool)]}"#
                let first = try await post(proxy, transport, prefix: "/claude-custom", request)
                #expect(first.status == 200, "\(first.body)")
                let output = try #require(first.json?["output"]?.array)
                let reasoning = try #require(output.first { $0["type"] == "reasoning" })
                #expect(reasoning["summary"]?[0]?["text"]?.string?.isEmpty == false)
                #expect(reasoning["encrypted_content"]?.string?.isEmpty == false)
                let call = try #require(output.first { $0["type"] == "function_call" })
                let callID = try #require(call["call_id"]?.string)
                let input = #"[{"role":"user","content":"Weather in Paris?"},\#(reasoning.serialized()),\#(call.serialized()),{"type":"function_call_output","call_id":"\#(callID)","output":"sunny"}]"#
                let second = try await post(proxy, transport, prefix: "/claude-custom", #"{"model":"claude-sonnet-4-5","input":\#(input),"max_output_tokens":4096,"reasoning":{"effort":"low"},"tools":[\#(Self.weatherTool)]}"#)
                #expect(second.status == 200, "\(second.body)")
                // Anthropic checks the signature of the thinking it gets back: it got its own.
                let sent = try #require(proxy.simulator.recordedRequests().last)
                #expect(sent.body.contains(#""type":"thinking""#) && sent.body.contains(reasoning["encrypted_content"]!.string!))
            }
        }
    }

    @Test func anErrorBeforeTheAnswerIsOpenAIsErrorBodyWithItsStatus() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let answer = try await post(proxy, transport, prefix: "/claude-custom", #"{"model":"claude-sonnet-4-5@status=429","input":"Hi","stream":true}"#)
                #expect(answer.status == 429)
                #expect(answer.json?["error"]?["type"] == "rate_limit_error")
                let bad = try await post(proxy, transport, prefix: "/claude-custom", #"{"model":"claude-sonnet-4-5","input":[{"type":"function_call","name":"f"}]}"#)
                #expect(bad.status == 400)
                #expect(bad.json?["error"]?["message"]?.string?.contains("input[0].call_id") == true)
            }
        }
    }

    @Test(arguments: ["/claude-custom", "/openai-custom"])
    func anErrorMidStreamEndsItWithErrorAndResponseFailedEvents(prefix: String) async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let model = prefix == "/claude-custom" ? "claude-sonnet-4-5" : "gpt-4.1"
                let answer = try await post(proxy, transport, prefix: prefix, #"{"model":"\#(model)@inband-error","input":"Hi","stream":true}"#)
                #expect(answer.status == 200)
                let types = try events(answer.body).map { $0.data["type"]?.string ?? "" }
                #expect(types.first == "response.created")
                #expect(types.contains("error"))
                #expect(!types.contains("response.completed"))
                if prefix == "/claude-custom" {
                    // Translated: Chimera's own encoder ends the stream with both events.
                    #expect(Array(types.suffix(2)) == ["error", "response.failed"])
                    #expect(try events(answer.body).last?.data["response"]?["status"] == "failed")
                }
            }
        }
    }

    @Test func previousResponseIDIsRefusedForAnthropicAndPassesThroughToOpenAI() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let refused = try await post(proxy, transport, prefix: "/claude-custom", #"{"model":"claude-sonnet-4-5","input":"Hi","previous_response_id":"resp_1"}"#)
                #expect(refused.status == 400)
                let message = try #require(refused.json?["error"]?["message"]?.string)
                #expect(message.contains("previous_response_id") && message.contains("Anthropic"))

                let builtIn = try await post(proxy, transport, prefix: "/claude-custom", #"{"model":"claude-sonnet-4-5","input":"Hi","tools":[{"type":"web_search_preview"}]}"#)
                #expect(builtIn.status == 400)
                #expect(builtIn.json?["error"]?["message"]?.string?.contains("web_search_preview") == true)

                let first = try await post(proxy, transport, prefix: "/openai-custom", #"{"model":"gpt-4.1","input":"Hi","store":true}"#)
                #expect(first.status == 200)
                let id = try #require(first.json?["id"]?.string)
                let body = #"{"model":"gpt-4.1", "input":"And then?","previous_response_id":"\#(id)","x_probe":1}"#
                let second = try await post(proxy, transport, prefix: "/openai-custom", body)
                #expect(second.status == 200, "\(second.body)")
                #expect(second.json?["previous_response_id"]?.string == id)
                // The body reached OpenAI's own Responses route exactly as sent.
                let sent = try #require(proxy.simulator.recordedRequests().last)
                #expect(sent.path == "/v1/responses")
                #expect(sent.body == body)
            }
        }
    }
}

extension JSONValue {
    /// The element at `index` of an array, for reading answers in tests.
    fileprivate subscript(index: Int) -> JSONValue? {
        guard let array, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
