import AsyncHTTPClient
import ChimeraCore
import ChimeraSimulator
import ChimeraTestSupport
import Testing

@Suite("Streams")
struct StreamingTests {
    /// The reply to ``Prompt/user`` in chunks: one word and its following space each.
    static func pieces(from model: String) -> [String] {
        ["Simulated ", "reply ", "from ", "\(model): ", "Hello ", "wörld ", "🌍 ", "こんにちは"]
    }

    @Test func openAIStreamSendsRoleChunkWordsFinishUsageAndDone() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.openAI)
            call.stream = true
            call.includeUsage = true
            let response = try await send(call, to: simulator)
            #expect(response.status == 200)
            #expect(response.header("content-type") == "text/event-stream")
            let events = try response.events()
            #expect(events.allSatisfy { $0.event == nil })
            // Role chunk, 8 words, finish chunk, usage chunk, [DONE].
            #expect(events.count == 12)
            #expect(events.last?.data == "[DONE]")
            let chunks = try events.dropLast().map { try JSONTree(parsing: $0.data) }
            #expect(chunks.allSatisfy { $0["object"].string == "chat.completion.chunk" && $0["model"].string == "gpt-4.1" })
            #expect(Set(chunks.compactMap { $0["id"].string }).count == 1)

            #expect(chunks[0]["choices"][0]["delta"]["role"].string == "assistant")
            #expect(chunks[0]["choices"][0]["delta"]["content"].string == "")
            let words = chunks[1...8].map { $0["choices"][0]["delta"]["content"].string }
            #expect(words == Self.pieces(from: "gpt-4.1"))
            #expect(chunks[0...8].allSatisfy { $0["choices"][0]["finish_reason"].isNull && $0["usage"].isNull })

            #expect(chunks[9]["choices"][0]["delta"].keys == [])
            #expect(chunks[9]["choices"][0]["finish_reason"].string == "stop")
            #expect(chunks[9]["usage"].isNull)

            #expect(chunks[10]["choices"].array?.isEmpty == true)
            #expect(chunks[10]["usage"]["prompt_tokens"].int == 7)
            #expect(chunks[10]["usage"]["completion_tokens"].int == 8)
            #expect(chunks[10]["usage"]["total_tokens"].int == 15)
        }
    }

    @Test func openAIStreamWithoutIncludeUsageHasNoUsageAtAll() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.openAI)
            call.stream = true
            let events = try await send(call, to: simulator).events()
            // Role chunk, 8 words, finish chunk, [DONE].
            #expect(events.count == 11)
            let chunks = try events.dropLast().map { try JSONTree(parsing: $0.data) }
            #expect(chunks.allSatisfy { !$0["usage"].exists })
            #expect(chunks.last?["choices"][0]["finish_reason"].string == "stop")
        }
    }

    @Test func anthropicStreamSendsTheNamedEventSequence() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.anthropic)
            call.stream = true
            let events = try await send(call, to: simulator).events()
            let names = events.map(\.event)
            let expected: [String?] =
                ["message_start", "content_block_start", "ping"]
                + Array(repeating: "content_block_delta", count: 8)
                + ["content_block_stop", "message_delta", "message_stop"]
            #expect(names == expected)
            let payloads = try events.map { try JSONTree(parsing: $0.data) }
            #expect(zip(names, payloads).allSatisfy { $0 == $1["type"].string })

            let start = payloads[0]["message"]
            #expect(start["id"].string?.hasPrefix("msg_") == true)
            #expect(start["role"].string == "assistant")
            #expect(start["content"].array?.isEmpty == true)
            #expect(start["stop_reason"].isNull)
            #expect(start["usage"]["input_tokens"].int == 7)
            #expect(payloads[1]["content_block"]["type"].string == "text")
            #expect(payloads[1]["content_block"]["text"].string == "")
            let deltas = payloads[3...10].map { $0["delta"]["text"].string }
            #expect(deltas == Self.pieces(from: "claude-sonnet-4-5"))
            #expect(payloads[3...10].allSatisfy { $0["delta"]["type"].string == "text_delta" && $0["index"].int == 0 })
            #expect(payloads[12]["delta"]["stop_reason"].string == "end_turn")
            #expect(payloads[12]["delta"]["stop_sequence"].isNull)
            #expect(payloads[12]["usage"]["output_tokens"].int == 8)
        }
    }

    @Test func geminiStreamSendsDataChunksAndFinishesOnTheLastWord() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.gemini)
            call.stream = true
            let response = try await send(call, to: simulator)
            #expect(response.status == 200)
            #expect(!response.body.contains("[DONE]"))
            let events = try response.events()
            #expect(events.count == 8)
            #expect(events.allSatisfy { $0.event == nil })
            let chunks = try events.map { try JSONTree(parsing: $0.data) }
            #expect(chunks.map { $0["candidates"][0]["content"]["parts"][0]["text"].string } == Self.pieces(from: "gemini-2.5-flash"))
            #expect(chunks.dropLast().allSatisfy { !$0["candidates"][0]["finishReason"].exists && !$0["usageMetadata"].exists })
            let last = try #require(chunks.last)
            #expect(last["candidates"][0]["finishReason"].string == "STOP")
            #expect(last["usageMetadata"]["promptTokenCount"].int == 7)
            #expect(last["usageMetadata"]["candidatesTokenCount"].int == 8)
            #expect(last["usageMetadata"]["totalTokenCount"].int == 15)
        }
    }

    @Test func geminiStreamOfAnEmptyReplyStillFinishes() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.gemini, model: "gemini-2.5-flash@words=0")
            call.stream = true
            let chunks = try await send(call, to: simulator).events().map { try JSONTree(parsing: $0.data) }
            #expect(chunks.count == 1)
            #expect(chunks.first?["candidates"][0]["content"]["parts"][0]["text"].string == "")
            #expect(chunks.first?["candidates"][0]["finishReason"].string == "STOP")
            #expect(chunks.first?["usageMetadata"]["candidatesTokenCount"].int == 0)
        }
    }

    @Test func deepSeekStreamSendsKeepAlivesAndReasoningBeforeTheContent() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.openAI, model: "deepseek-chat")
            call.stream = true
            let response = try await send(call, to: simulator)
            #expect(response.body.contains(": keep-alive\n\n"))
            let chunks = try response.events().dropLast().map { try JSONTree(parsing: $0.data) }
            let reasoningIndices = chunks.indices.filter { chunks[$0]["choices"][0]["delta"]["reasoning_content"].string != nil }
            let contentIndices = chunks.indices.filter { chunks[$0]["choices"][0]["delta"]["content"].string?.isEmpty == false }
            #expect(!reasoningIndices.isEmpty)
            #expect(reasoningIndices.allSatisfy { chunks[$0]["choices"][0]["delta"]["content"].isNull })
            #expect(reasoningIndices.max()! < contentIndices.min()!)
            #expect(try streamedText(.openAI, response.events()) == Prompt.reply(from: "deepseek-chat"))
        }
    }

    @Test(arguments: Wire.allCases)
    func streamCarriesTheSameTextAsTheUnaryAnswer(wire: Wire) async throws {
        try await withSimulator { simulator in
            var call = ChatCall(wire)
            call.stop = ["🌍"]
            let unary = try await send(call, to: simulator).json()
            call.stream = true
            let streamed = try await send(call, to: simulator).events()
            #expect(try streamedText(wire, streamed) == unaryText(wire, unary))
            #expect(unaryText(wire, unary) == "Simulated reply from \(wire.model): Hello wörld ")
        }
    }

    @Test(arguments: Wire.allCases)
    func streamReportsTheStopSequenceFinish(wire: Wire) async throws {
        try await withSimulator { simulator in
            var call = ChatCall(wire)
            call.stream = true
            call.stop = ["reply"]
            let events = try await send(call, to: simulator).events()
            #expect(try streamedText(wire, events) == "Simulated ")
            let payloads = try events.filter { $0.data != "[DONE]" }.map { try JSONTree(parsing: $0.data) }
            switch wire {
            case .openAI:
                #expect(payloads.last?["choices"][0]["finish_reason"].string == "stop")
            case .anthropic:
                let delta = try #require(payloads.first { $0["type"].string == "message_delta" })
                #expect(delta["delta"]["stop_reason"].string == "stop_sequence")
                #expect(delta["delta"]["stop_sequence"].string == "reply")
                #expect(delta["usage"]["output_tokens"].int == 1)
            case .gemini:
                #expect(payloads.last?["candidates"][0]["finishReason"].string == "STOP")
            }
        }
    }

    @Test func longStreamArrivesIncrementallyAndItsClientCanLeaveEarly() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.openAI, model: "gpt-4.1@words=1000000")
            call.stream = true
            let response = try await HTTPClient.shared.execute(call.request(to: simulator), timeout: .seconds(60))
            let partial = try await readEvents(of: response) { events in
                try events.filter { try isTextChunk(.openAI, $0) }.count >= 3
            }
            #expect(try streamedText(.openAI, partial.events).hasPrefix("w1 w2 w3 "))
            #expect(partial.error == nil)
            // Leaving the body unread drops the connection; the simulator stops writing and counts it.
            #expect(try await eventually { simulator.stats.disconnects == 1 })
        }
    }
}
