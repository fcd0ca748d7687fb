import ChimeraSimulator
import ChimeraTestSupport
import Testing

@Suite("Unary replies")
struct UnaryReplyTests {
    @Test func openAIReplyHasTheChatCompletionShapeAndWordUsage() async throws {
        try await withSimulator { simulator in
            let response = try await send(ChatCall(.openAI), to: simulator)
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("x-request-id")?.hasPrefix("req_") == true)
            let body = try response.json()
            #expect(body["id"].string?.hasPrefix("chatcmpl-") == true)
            #expect(body["object"].string == "chat.completion")
            #expect(body["created"].int != nil)
            #expect(body["model"].string == "gpt-4.1")
            let choice = body["choices"][0]
            #expect(choice["index"].int == 0)
            #expect(choice["message"]["role"].string == "assistant")
            #expect(choice["message"]["content"].string == Prompt.reply(from: "gpt-4.1"))
            #expect(choice["message"]["refusal"].isNull)
            #expect(choice["logprobs"].isNull)
            #expect(choice["finish_reason"].string == "stop")
            #expect(body["usage"]["prompt_tokens"].int == 7)
            #expect(body["usage"]["completion_tokens"].int == 8)
            #expect(body["usage"]["total_tokens"].int == 15)
            #expect(body["usage"]["prompt_tokens_details"]["cached_tokens"].int == 0)
            #expect(body["usage"]["completion_tokens_details"]["reasoning_tokens"].int == 0)
            #expect(body["choices"].array?.count == 1)
        }
    }

    @Test func anthropicReplyHasTheMessageShapeAndWordUsage() async throws {
        try await withSimulator { simulator in
            let response = try await send(ChatCall(.anthropic), to: simulator)
            #expect(response.status == 200)
            #expect(response.header("request-id")?.hasPrefix("req_") == true)
            let body = try response.json()
            #expect(body["id"].string?.hasPrefix("msg_") == true)
            #expect(body["type"].string == "message")
            #expect(body["role"].string == "assistant")
            #expect(body["model"].string == "claude-sonnet-4-5")
            #expect(body["content"].array?.count == 1)
            #expect(body["content"][0]["type"].string == "text")
            #expect(body["content"][0]["text"].string == Prompt.reply(from: "claude-sonnet-4-5"))
            #expect(body["stop_reason"].string == "end_turn")
            #expect(body["stop_sequence"].isNull)
            #expect(body["usage"]["input_tokens"].int == 7)
            #expect(body["usage"]["output_tokens"].int == 8)
            #expect(body["usage"]["cache_creation_input_tokens"].int == 0)
            #expect(body["usage"]["cache_read_input_tokens"].int == 0)
        }
    }

    @Test func geminiReplyHasTheGenerateContentShapeAndWordUsage() async throws {
        try await withSimulator { simulator in
            let response = try await send(ChatCall(.gemini), to: simulator)
            #expect(response.status == 200)
            let body = try response.json()
            let candidate = body["candidates"][0]
            #expect(candidate["content"]["role"].string == "model")
            #expect(candidate["content"]["parts"][0]["text"].string == Prompt.reply(from: "gemini-2.5-flash"))
            #expect(candidate["finishReason"].string == "STOP")
            #expect(candidate["index"].int == 0)
            #expect(body["usageMetadata"]["promptTokenCount"].int == 7)
            #expect(body["usageMetadata"]["candidatesTokenCount"].int == 8)
            #expect(body["usageMetadata"]["totalTokenCount"].int == 15)
            #expect(body["modelVersion"].string == "gemini-2.5-flash")
            #expect(body["responseId"].string?.isEmpty == false)
        }
    }

    @Test func deepSeekReplyCarriesReasoningContentAndCacheUsage() async throws {
        try await withSimulator { simulator in
            let body = try await send(ChatCall(.openAI, model: "deepseek-chat"), to: simulator).json()
            let message = body["choices"][0]["message"]
            #expect(message["content"].string == Prompt.reply(from: "deepseek-chat"))
            #expect(message["reasoning_content"].string?.isEmpty == false)
            #expect(body["usage"]["completion_tokens"].int == 8)
            #expect(body["usage"]["prompt_cache_hit_tokens"].int == 0)
            #expect(body["usage"]["prompt_cache_miss_tokens"].int == 7)
        }
    }

    @Test(arguments: Wire.allCases)
    func outputLimitCutsTheReplyWithTheLimitFinishReason(wire: Wire) async throws {
        try await withSimulator { simulator in
            var call = ChatCall(wire)
            call.maxTokens = 3
            let body = try await send(call, to: simulator).json()
            #expect(unaryText(wire, body) == "Simulated reply from")
            #expect(finishReason(wire, body) == wire.finishReasons.limit)
            #expect(outputTokens(wire, body) == 3)
        }
    }

    @Test(arguments: Wire.allCases)
    func stopSequenceCutsTheReplyBeforeIt(wire: Wire) async throws {
        try await withSimulator { simulator in
            var call = ChatCall(wire)
            call.stop = ["never", "wörld"]
            let body = try await send(call, to: simulator).json()
            #expect(unaryText(wire, body) == "Simulated reply from \(wire.model): Hello ")
            #expect(finishReason(wire, body) == wire.finishReasons.stop)
            #expect(outputTokens(wire, body) == 5)
            if wire == .anthropic {
                #expect(body["stop_sequence"].string == "wörld")
            }
        }
    }

    @Test(arguments: Wire.allCases)
    func wordsSwitchAnswersWithExactlyThatManyFillerWords(wire: Wire) async throws {
        try await withSimulator { simulator in
            let body = try await send(ChatCall(wire, model: wire.model + "@words=5"), to: simulator).json()
            #expect(unaryText(wire, body) == "w1 w2 w3 w4 w5")
            #expect(outputTokens(wire, body) == 5)
            #expect(finishReason(wire, body) == wire.finishReasons.natural)
        }
    }

    @Test func replyNamesTheModelWithoutItsSwitchesButEchoesTheModelAsSent() async throws {
        try await withSimulator { simulator in
            let body = try await send(ChatCall(.openAI, model: "gpt-4.1@latency=1"), to: simulator).json()
            #expect(body["choices"][0]["message"]["content"].string == Prompt.reply(from: "gpt-4.1"))
            #expect(body["model"].string == "gpt-4.1@latency=1")
        }
    }

    @Test func openAIMessagesWithContentPartsCountTheirTextAndAcknowledgeImagesInPlace() async throws {
        try await withSimulator { simulator in
            var request = try ChatCall(.openAI).request(to: simulator)
            request.body = .bytes(
                .init(
                    string: #"{"model":"gpt-4.1","messages":[{"role":"user","content":[{"type":"text","text":"one two"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}},{"type":"text","text":"three"}]}]}"#
                )
            )
            let body = try await send(request).json()
            #expect(body["choices"][0]["message"]["content"].string == "Simulated reply from gpt-4.1: one two [image url https://example.com/cat.png] three")
            #expect(body["usage"]["prompt_tokens"].int == 3)
        }
    }
}

/// The finish reason of a unary answer.
func finishReason(_ wire: Wire, _ body: JSONTree) -> String? {
    switch wire {
    case .openAI: body["choices"][0]["finish_reason"].string
    case .anthropic: body["stop_reason"].string
    case .gemini: body["candidates"][0]["finishReason"].string
    }
}

/// The output token count of a unary answer.
func outputTokens(_ wire: Wire, _ body: JSONTree) -> Int? {
    switch wire {
    case .openAI: body["usage"]["completion_tokens"].int
    case .anthropic: body["usage"]["output_tokens"].int
    case .gemini: body["usageMetadata"]["candidatesTokenCount"].int
    }
}
