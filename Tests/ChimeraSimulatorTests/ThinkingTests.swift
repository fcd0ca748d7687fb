import ChimeraSimulator
import ChimeraTestSupport
import Foundation
import Testing

@Suite("Thinking and reasoning")
struct ThinkingTests {
    static let reasoning = "Simulated reasoning before the answer."

    private func anthropicThinking(stream: Bool = false, model: String = "claude-sonnet-4-5", extra: String = "") -> String {
        #"{"model":"\#(model)","max_tokens":4096,"stream":\#(stream),"thinking":{"type":"enabled","budget_tokens":2048},"messages":[{"role":"user","content":"Hi"}]\#(extra)}"#
    }

    /// A follow-up that sends an earlier assistant turn back.
    private func anthropicFollowUp(assistantBlocks: String) -> String {
        #"{"model":"claude-sonnet-4-5","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":2048},"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":[\#(assistantBlocks)]},{"role":"user","content":"Again"}]}"#
    }

    @Test func anthropicThinkingBlockComesFirstWithASignatureAndCountsAsOutput() async throws {
        try await withSimulator { simulator in
            let body = try await post(.anthropicMessages, anthropicThinking(), to: simulator).json()
            #expect(body["content"].array?.map { $0["type"].string } == ["thinking", "text"])
            #expect(body["content"][0]["thinking"].string == Self.reasoning)
            let signature = try #require(body["content"][0]["signature"].string)
            #expect(Data(base64Encoded: signature)?.count == 32)
            #expect(body["content"][1]["text"].string == "Simulated reply from claude-sonnet-4-5: Hi")
            #expect(body["usage"]["output_tokens"].int == 5 + 5)
        }
    }

    @Test func anthropicStreamSendsThinkingDeltasThenOneSignatureDeltaThenTheText() async throws {
        try await withSimulator { simulator in
            let unary = try await post(.anthropicMessages, anthropicThinking(), to: simulator).json()
            let response = try await post(.anthropicMessages, anthropicThinking(stream: true), to: simulator)
            let events = try response.events()
            let payloads = try payloads(response)
            let deltaTypes = payloads.filter { $0["type"].string == "content_block_delta" }.map { $0["delta"]["type"].string ?? "" }
            #expect(deltaTypes == Array(repeating: "thinking_delta", count: 5) + ["signature_delta"] + Array(repeating: "text_delta", count: 5))
            #expect(events.map(\.event).prefix(3) == ["message_start", "content_block_start", "ping"])
            #expect(payloads[1]["content_block"]["type"].string == "thinking")
            let thinking = payloads.compactMap { $0["delta"]["thinking"].string }.joined()
            #expect(thinking == Self.reasoning)
            #expect(payloads.first { $0["delta"]["type"].string == "signature_delta" }?["delta"]["signature"].string == unary["content"][0]["signature"].string)
            let starts = payloads.filter { $0["type"].string == "content_block_start" }
            #expect(starts.map { $0["index"].int } == [0, 1])
            #expect(starts.map { $0["content_block"]["type"].string } == ["thinking", "text"])
            #expect(try streamedText(.anthropic, events) == "Simulated reply from claude-sonnet-4-5: Hi")
            #expect(payloads.first { $0["type"].string == "message_delta" }?["usage"]["output_tokens"].int == 10)
        }
    }

    @Test func anthropicAcceptsItsOwnThinkingBackAndRefusesAChangedOne() async throws {
        try await withSimulator { simulator in
            let first = try await post(.anthropicMessages, anthropicThinking(), to: simulator).json()
            let signature = try #require(first["content"][0]["signature"].string)
            let returned = #"{"type":"thinking","thinking":"\#(Self.reasoning)","signature":"\#(signature)"},{"type":"text","text":"Hello"}"#
            #expect(try await post(.anthropicMessages, anthropicFollowUp(assistantBlocks: returned), to: simulator).status == 200)
            let changed = #"{"type":"thinking","thinking":"I will say something else.","signature":"\#(signature)"}"#
            let refused = try await post(.anthropicMessages, anthropicFollowUp(assistantBlocks: changed), to: simulator)
            #expect(refused.status == 400)
            let error = try refused.json()
            try expectInvalidRequest(.anthropic, error)
            #expect(error["error"]["message"].string == "messages.1.content.0: Invalid `signature` in `thinking` block")
        }
    }

    @Test func redactedThinkingSwitchAddsABlockWhoseDataComesBackAccepted() async throws {
        try await withSimulator { simulator in
            let body = try await post(.anthropicMessages, anthropicThinking(model: "claude-sonnet-4-5@redacted-thinking"), to: simulator).json()
            #expect(body["content"].array?.map { $0["type"].string } == ["thinking", "redacted_thinking", "text"])
            let data = try #require(body["content"][1]["data"].string)
            let streamed = try payloads(await post(.anthropicMessages, anthropicThinking(stream: true, model: "claude-sonnet-4-5@redacted-thinking"), to: simulator))
            #expect(streamed.filter { $0["type"].string == "content_block_start" }.map { $0["content_block"]["type"].string } == ["thinking", "redacted_thinking", "text"])
            #expect(streamed.first { $0["content_block"]["type"].string == "redacted_thinking" }?["content_block"]["data"].string == data)
            let accepted = try await post(.anthropicMessages, anthropicFollowUp(assistantBlocks: #"{"type":"redacted_thinking","data":"\#(data)"}"#), to: simulator)
            #expect(accepted.status == 200)
            let forged = try await post(.anthropicMessages, anthropicFollowUp(assistantBlocks: #"{"type":"redacted_thinking","data":"Zm9yZ2Vk"}"#), to: simulator)
            #expect(forged.status == 400)
        }
    }

    @Test func anthropicRefusesThinkingSettingsTheAPIRefuses() async throws {
        try await withSimulator { simulator in
            let small = #"{"model":"claude-sonnet-4-5","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":100},"messages":[{"role":"user","content":"Hi"}]}"#
            let response = try await post(.anthropicMessages, small, to: simulator)
            #expect(response.status == 400)
            #expect(try response.json()["error"]["message"].string?.contains("budget_tokens") == true)
            let forced = ToolRequests.body(.anthropic, model: "claude-sonnet-4-5", extra: #""thinking":{"type":"adaptive"},"tool_choice":{"type":"any"}"#)
            let forcedResponse = try await post(.anthropicMessages, forced, to: simulator)
            #expect(forcedResponse.status == 400)
            #expect(try forcedResponse.json()["error"]["message"].string == "Thinking may not be enabled when tool_choice forces tool use.")
        }
    }

    @Test func anthropicThinkingThenToolUseWithAdaptiveThinking() async throws {
        try await withSimulator { simulator in
            let body = try await post(.anthropicMessages, ToolRequests.body(.anthropic, model: "claude-sonnet-4-5", extra: #""thinking":{"type":"adaptive","display":"omitted"}"#), to: simulator).json()
            #expect(body["content"].array?.map { $0["type"].string } == ["thinking", "tool_use"])
            #expect(body["content"][0]["thinking"].string == "")
            #expect(body["content"][0]["signature"].string?.isEmpty == false)
            #expect(body["stop_reason"].string == "tool_use")
        }
    }

    @Test func geminiIncludeThoughtsSendsAThoughtPartFirstAndSignsTheText() async throws {
        try await withSimulator { simulator in
            let request = #"{"contents":[{"parts":[{"text":"Hi"}]}],"generationConfig":{"thinkingConfig":{"includeThoughts":true,"thinkingBudget":1024}}}"#
            let body = try await post(.gemini(model: "gemini-2.5-flash", method: "generateContent"), request, to: simulator).json()
            let parts = try #require(body["candidates"][0]["content"]["parts"].array)
            #expect(parts.count == 2)
            #expect(parts[0]["thought"].bool == true)
            #expect(parts[0]["text"].string == Self.reasoning)
            #expect(parts[1]["text"].string == "Simulated reply from gemini-2.5-flash: Hi")
            #expect(parts[1]["thoughtSignature"].string?.isEmpty == false)
            let usage = body["usageMetadata"]
            #expect(usage["thoughtsTokenCount"].int == 5)
            #expect(usage["candidatesTokenCount"].int == 5)
            #expect(usage["totalTokenCount"].int == 1 + 5 + 5)

            let streamed = try payloads(await post(.gemini(model: "gemini-2.5-flash", method: "streamGenerateContent?alt=sse"), request, to: simulator))
            let firstText = try #require(streamed.firstIndex { $0["candidates"][0]["content"]["parts"][0]["thought"].bool != true })
            #expect(firstText == 5)
            #expect(streamed[firstText]["candidates"][0]["content"]["parts"][0]["thoughtSignature"].exists)
            #expect(streamed.last?["usageMetadata"]["thoughtsTokenCount"].int == 5)
        }
    }

    @Test func geminiThinkingWithoutIncludeThoughtsOnlyCountsThem() async throws {
        try await withSimulator { simulator in
            let request = #"{"contents":[{"parts":[{"text":"Hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingLevel":"LOW"}}}"#
            let body = try await post(.gemini(model: "gemini-2.5-flash", method: "generateContent"), request, to: simulator).json()
            #expect(body["candidates"][0]["content"]["parts"].array?.count == 1)
            #expect(body["usageMetadata"]["thoughtsTokenCount"].int == 5)
            let off = #"{"contents":[{"parts":[{"text":"Hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":0}}}"#
            let plain = try await post(.gemini(model: "gemini-2.5-flash", method: "generateContent"), off, to: simulator).json()
            #expect(!plain["usageMetadata"]["thoughtsTokenCount"].exists)
            #expect(!plain["candidates"][0]["content"]["parts"][0]["thoughtSignature"].exists)
        }
    }

    /// A Gemini 3 conversation that returns a call of `get_weather` with `signature` (none when `nil`).
    private func geminiHistory(signature: String?) -> String {
        let signed = signature.map { #","thoughtSignature":"\#($0)""# } ?? ""
        return #"""
            {"contents":[{"role":"user","parts":[{"text":"Weather?"}]},
             {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"unit":"celsius","location":"sample-location"}}\#(signed)}]},
             {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp":21}}}]}],
             "tools":[{"functionDeclarations":[{"name":"get_weather","parameters":\#(ToolRequests.weatherSchema)}]}]}
            """#
    }

    @Test func gemini3SignsItsFunctionCallAndRequiresTheSignatureBack() async throws {
        try await withSimulator { simulator in
            let route = Endpoint.gemini(model: "gemini-3-pro-preview", method: "generateContent")
            let call = try await post(route, ToolRequests.body(.gemini, model: "gemini-3-pro-preview"), to: simulator).json()
            let part = call["candidates"][0]["content"]["parts"][0]
            #expect(part["functionCall"]["name"].string == "get_weather")
            let signature = try #require(part["thoughtSignature"].string)
            #expect(call["usageMetadata"]["thoughtsTokenCount"].int == 5)

            // Key order of the arguments does not matter, as a protobuf Struct would reorder them.
            let answered = try await post(route, geminiHistory(signature: signature), to: simulator)
            #expect(answered.status == 200)
            #expect(unaryText(.gemini, try answered.json()) == #"Tool get_weather returned: {"temp":21}"#)

            let missing = try await post(route, geminiHistory(signature: nil), to: simulator)
            #expect(missing.status == 400)
            let error = try missing.json()
            try expectInvalidRequest(.gemini, error)
            #expect(error["error"]["message"].string?.hasPrefix("Function call is missing a thought_signature in functionCall parts.") == true)
            #expect(error["error"]["message"].string?.contains("function call `default_api:get_weather` , position 2.") == true)

            #expect(try await post(route, geminiHistory(signature: "Zm9yZ2Vk"), to: simulator).status == 400)
            #expect(try await post(route, geminiHistory(signature: "skip_thought_signature_validator"), to: simulator).status == 200)
        }
    }

    @Test func openAIReasoningEffortIsCountedButNotShown() async throws {
        try await withSimulator { simulator in
            let request = #"{"model":"o4-mini","reasoning_effort":"high","messages":[{"role":"user","content":"Hi"}]}"#
            let body = try await post(.openAIChat, request, to: simulator).json()
            #expect(!body["choices"][0]["message"]["reasoning_content"].exists)
            #expect(body["usage"]["completion_tokens_details"]["reasoning_tokens"].int == 64)
            #expect(body["usage"]["completion_tokens"].int == 5 + 64)
            let bad = try await post(.openAIChat, #"{"model":"o4-mini","reasoning_effort":"extreme","messages":[]}"#, to: simulator)
            #expect(bad.status == 400)
            #expect(try bad.json()["error"]["param"].string == "reasoning_effort")
        }
    }

    @Test(arguments: [
        (#"{"model":"qwen-plus","enable_thinking":true,"messages":[{"role":"user","content":"Hi"}]}"#, 5),
        (#"{"model":"deepseek-reasoner","messages":[{"role":"user","content":"Hi"}]}"#, 5),
        (#"{"model":"deepseek-chat","messages":[{"role":"user","content":"Hi"}]}"#, 0),
    ])
    func qwenAndDeepSeekShowReasoningContent(request: String, countedReasoning: Int) async throws {
        try await withSimulator { simulator in
            let body = try await post(.openAIChat, request, to: simulator).json()
            #expect(body["choices"][0]["message"]["reasoning_content"].string == Self.reasoning)
            #expect(body["usage"]["completion_tokens_details"]["reasoning_tokens"].int == countedReasoning)
            #expect(body["usage"]["completion_tokens"].int == 5 + countedReasoning)
            let streamedRequest = request.replacingOccurrences(of: #""messages""#, with: #""stream":true,"messages""#)
            let chunks = try payloads(await post(.openAIChat, streamedRequest, to: simulator))
            #expect(chunks.compactMap { $0["choices"][0]["delta"]["reasoning_content"].string }.joined() == Self.reasoning)
        }
    }

    @Test func qwenWithoutEnableThinkingShowsNoReasoning() async throws {
        try await withSimulator { simulator in
            let body = try await post(.openAIChat, #"{"model":"qwen-plus","messages":[{"role":"user","content":"Hi"}]}"#, to: simulator).json()
            #expect(!body["choices"][0]["message"]["reasoning_content"].exists)
        }
    }
}
