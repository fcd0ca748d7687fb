import AsyncHTTPClient
import ChimeraCore
import ChimeraSimulator
import ChimeraTestSupport
import Foundation
import NIOCore
import Testing

@Suite("Fault switches")
struct FaultSwitchTests {
    @Test func latencyDelaysTheResponseHead() async throws {
        try await withSimulator { simulator in
            let started = ContinuousClock.now
            let response = try await send(ChatCall(.openAI, model: "gpt-4.1@latency=300"), to: simulator)
            #expect(response.status == 200)
            #expect(ContinuousClock.now - started >= .milliseconds(300))
        }
    }

    @Test func latencyAlsoSpacesStreamChunks() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.anthropic, model: "claude-sonnet-4-5@latency=60,words=4")
            call.stream = true
            let started = ContinuousClock.now
            let events = try await send(call, to: simulator).events()
            // One pause before the head, one before each of the 4 words and one before the end.
            #expect(ContinuousClock.now - started >= .milliseconds(6 * 60))
            #expect(try streamedText(.anthropic, events) == "w1 w2 w3 w4")
        }
    }

    @Test func optionsHeaderWorksLikeModelSwitchesAndTheModelWins() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.openAI)
            call.headers = [(ProviderSimulator.optionsHeader, "words=3")]
            let fromHeader = try await send(call, to: simulator).json()
            #expect(unaryText(.openAI, fromHeader) == "w1 w2 w3")
            call.model = "gpt-4.1@words=2"
            let fromBoth = try await send(call, to: simulator).json()
            #expect(unaryText(.openAI, fromBoth) == "w1 w2")
        }
    }

    @Test func geminiReadsPercentEncodedSwitchesFromThePath() async throws {
        try await withSimulator { simulator in
            var request = try ChatCall(.gemini).request(to: simulator)
            request.url = request.url.replacingOccurrences(of: "gemini-2.5-flash:", with: "gemini-2.5-flash%40words%3D2:")
            let response = try await send(request)
            #expect(unaryText(.gemini, try response.json()) == "w1 w2")
            #expect(simulator.stats.requests(forModel: "gemini-2.5-flash@words=2") == 1)
        }
    }

    @Test(arguments: Wire.allCases)
    func splitAndCRLFStreamsStillParseToTheSameText(wire: Wire) async throws {
        try await withSimulator { simulator in
            var call = ChatCall(wire)
            call.stream = true
            let plain = try await send(call, to: simulator)
            for switches in ["split=1", "split=3,crlf", "split=7,crlf", "crlf"] {
                call.model = wire.model + "@" + switches
                let awkward = try await send(call, to: simulator)
                #expect(awkward.status == 200)
                #expect(awkward.body.contains("\r\n") == switches.contains("crlf"))
                #expect(try streamedText(wire, awkward.events()) == Prompt.reply(from: wire.model))
                #expect(try awkward.events().count == plain.events().count)
            }
        }
    }

    @Test(arguments: Wire.allCases)
    func splitUnaryBodyIsStillTheSameJSON(wire: Wire) async throws {
        try await withSimulator { simulator in
            let response = try await send(ChatCall(wire, model: wire.model + "@split=5"), to: simulator)
            #expect(response.status == 200)
            #expect(unaryText(wire, try response.json()) == Prompt.reply(from: wire.model))
        }
    }

    @Test(arguments: Wire.allCases)
    func rateLimitStatusCarriesRetryHintsInTheProtocolsShape(wire: Wire) async throws {
        try await withSimulator { simulator in
            let response = try await send(ChatCall(wire, model: wire.model + "@status=429,retry-after=7"), to: simulator)
            #expect(response.status == 429)
            #expect(response.header("retry-after") == "7")
            let body = try response.json()
            switch wire {
            case .openAI:
                #expect(body["error"]["type"].string == "requests")
                #expect(body["error"]["code"].string == "rate_limit_exceeded")
            case .anthropic:
                #expect(body["type"].string == "error")
                #expect(body["error"]["type"].string == "rate_limit_error")
            case .gemini:
                #expect(body["error"]["code"].int == 429)
                #expect(body["error"]["status"].string == "RESOURCE_EXHAUSTED")
                #expect(body["error"]["details"][0]["@type"].string == "type.googleapis.com/google.rpc.RetryInfo")
                #expect(body["error"]["details"][0]["retryDelay"].string == "7s")
            }
        }
    }

    @Test func retryAfterMillisecondsBecomesAHeaderAndAGeminiDuration() async throws {
        try await withSimulator { simulator in
            let response = try await send(ChatCall(.gemini, model: "gemini-2.5-flash@status=429,retry-after-ms=1500"), to: simulator)
            #expect(response.header("retry-after-ms") == "1500")
            #expect(response.header("retry-after") == nil)
            #expect(try response.json()["error"]["details"][0]["retryDelay"].string == "1.5s")
        }
    }

    @Test(arguments: [
        (Wire.anthropic, 529, "overloaded_error"), (Wire.anthropic, 500, "api_error"),
        (Wire.openAI, 503, "server_error"), (Wire.gemini, 503, "UNAVAILABLE"), (Wire.gemini, 500, "INTERNAL"),
    ])
    func errorStatusUsesTheProtocolsErrorType(wire: Wire, status: Int, type: String) async throws {
        try await withSimulator { simulator in
            let response = try await send(ChatCall(wire, model: wire.model + "@status=\(status)"), to: simulator)
            #expect(response.status == status)
            let body = try response.json()
            let reported =
                switch wire {
                case .openAI, .anthropic: body["error"]["type"].string
                case .gemini: body["error"]["status"].string
                }
            #expect(reported == type)
        }
    }

    @Test func failSwitchFailsOnlyTheFirstRequestsUntilStatsAreReset() async throws {
        try await withSimulator { simulator in
            let call = ChatCall(.openAI, model: "gpt-4.1@status=503,fail=2")
            var statuses: [Int] = []
            for _ in 0..<4 { statuses.append(try await send(call, to: simulator).status) }
            #expect(statuses == [503, 503, 200, 200])
            #expect(simulator.stats.requests(forModel: call.model) == 4)
            simulator.resetStats()
            #expect(try await send(call, to: simulator).status == 503)
            // Another model string has its own count.
            #expect(try await send(ChatCall(.openAI, model: "gpt-4.1@fail=2,status=503"), to: simulator).status == 503)
        }
    }

    @Test func quotaIsANonRetryable429() async throws {
        try await withSimulator { simulator in
            let openAI = try await send(ChatCall(.openAI, model: "gpt-4.1@quota"), to: simulator)
            #expect(openAI.status == 429)
            #expect(try openAI.json()["error"]["code"].string == "insufficient_quota")
            let qwen = try await send(ChatCall(.openAI, model: "qwen-plus@quota"), to: simulator)
            #expect(qwen.status == 429)
            #expect(try qwen.json()["error"]["code"].string == "insufficient_quota")
            #expect(try qwen.json()["request_id"].string?.isEmpty == false)
        }
    }

    @Test func stallEndsWhenTheClientGivesUp() async throws {
        try await withSimulator { simulator in
            let request = try ChatCall(.openAI, model: "gpt-4.1@stall").request(to: simulator)
            let waiting = Task { try await send(request, timeout: .seconds(120)) }
            let arrived = try await eventually { simulator.stats.totalRequests == 1 }
            #expect(arrived)
            try await Task.sleep(for: .milliseconds(300))
            #expect(simulator.stats.disconnects == 0)
            waiting.cancel()
            await #expect(throws: (any Error).self) { try await waiting.value }
            let counted = try await eventually { simulator.stats.disconnects == 1 }
            #expect(counted)
        }
    }

    @Test(arguments: Wire.allCases)
    func stallAfterSendsSomeWordsThenNothing(wire: Wire) async throws {
        try await withSimulator { simulator in
            var call = ChatCall(wire, model: wire.model + "@stall-after=2")
            call.stream = true
            let watcher = try StreamWatcher.start(call.request(to: simulator))
            let textChunks = { try watcher.events.filter { try isTextChunk(wire, $0) }.count }
            let gotTwo = try await eventually { try textChunks() == 2 }
            #expect(gotTwo)
            try await Task.sleep(for: .milliseconds(500))
            #expect(try textChunks() == 2)
            #expect(try streamedText(wire, watcher.events) == "Simulated reply ")
            #expect(simulator.stats.disconnects == 0)
            await watcher.stop()
            let counted = try await eventually { simulator.stats.disconnects == 1 }
            #expect(counted)
        }
    }

    @Test(arguments: Wire.allCases)
    func resetAfterDropsTheConnectionMidStream(wire: Wire) async throws {
        try await withSimulator { simulator in
            var call = ChatCall(wire, model: wire.model + "@reset-after=2")
            call.stream = true
            let response = try await HTTPClient.shared.execute(call.request(to: simulator), timeout: .seconds(60))
            #expect(response.status == .ok)
            let partial = try await readEvents(of: response)
            #expect(partial.error != nil)
            #expect(try partial.events.filter { try isTextChunk(wire, $0) }.count == 2)
            #expect(simulator.stats.disconnects == 0)
        }
    }

    @Test func resetAfterDropsAUnaryRequestBeforeAnswering() async throws {
        try await withSimulator { simulator in
            await #expect(throws: (any Error).self) {
                _ = try await send(ChatCall(.openAI, model: "gpt-4.1@reset-after=0"), to: simulator)
            }
        }
    }

    @Test(arguments: Wire.allCases)
    func malformedUnaryBodyIsNotJSON(wire: Wire) async throws {
        try await withSimulator { simulator in
            let response = try await send(ChatCall(wire, model: wire.model + "@malformed"), to: simulator)
            #expect(response.status == 200)
            #expect(!response.body.isEmpty)
            #expect(throws: (any Error).self) { try response.json() }
        }
    }

    @Test(arguments: Wire.allCases)
    func malformedStreamSendsOneChunkOfInvalidJSON(wire: Wire) async throws {
        try await withSimulator { simulator in
            var call = ChatCall(wire, model: wire.model + "@malformed")
            call.stream = true
            let response = try await send(call, to: simulator)
            #expect(response.status == 200)
            let events = try response.events()
            #expect(events.count == 1)
            #expect(throws: (any Error).self) { try JSONTree(parsing: events[0].data) }
        }
    }

    @Test(arguments: Wire.allCases)
    func inbandErrorFollowsTheFirstWord(wire: Wire) async throws {
        try await withSimulator { simulator in
            var call = ChatCall(wire, model: wire.model + "@inband-error")
            call.stream = true
            let response = try await send(call, to: simulator)
            #expect(response.status == 200)
            let events = try response.events()
            #expect(try streamedText(wire, Array(events.dropLast())) == "Simulated ")
            let last = try #require(events.last)
            let error = try JSONTree(parsing: last.data)
            switch wire {
            case .openAI:
                #expect(error["error"]["type"].string == "server_error")
                #expect(!events.contains { $0.data == "[DONE]" })
            case .anthropic:
                #expect(last.event == "error")
                #expect(error["type"].string == "error")
                #expect(error["error"]["type"].string == "overloaded_error")
            case .gemini:
                #expect(error["error"]["status"].string == "UNAVAILABLE")
            }
        }
    }

    @Test(arguments: Wire.allCases)
    func truncateAfterEndsTheBodyCleanlyWithoutFinish(wire: Wire) async throws {
        try await withSimulator { simulator in
            var call = ChatCall(wire, model: wire.model + "@truncate-after=2")
            call.stream = true
            let response = try await send(call, to: simulator)
            #expect(response.status == 200)
            let events = try response.events()
            #expect(try streamedText(wire, events) == "Simulated reply ")
            let payloads = try events.map { try JSONTree(parsing: $0.data) }
            switch wire {
            case .openAI:
                #expect(payloads.allSatisfy { $0["choices"][0]["finish_reason"].isNull })
            case .anthropic:
                #expect(events.last?.event == "content_block_delta")
            case .gemini:
                #expect(payloads.allSatisfy { !$0["candidates"][0]["finishReason"].exists })
            }
        }
    }
}
