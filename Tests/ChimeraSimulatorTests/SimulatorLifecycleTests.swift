import AsyncHTTPClient
import ChimeraCore
import ChimeraSimulator
import ChimeraTestSupport
import Testing

@Suite("Simulator lifecycle")
struct SimulatorLifecycleTests {
    @Test(.timeLimit(.minutes(1)))
    func shutdownEndsStalledRequestsInsteadOfWaitingForThem() async throws {
        let simulator = try await ProviderSimulator.start()
        var stalledStream = ChatCall(.anthropic, model: "claude-sonnet-4-5@stall-after=1")
        stalledStream.stream = true
        let watcher = try StreamWatcher.start(stalledStream.request(to: simulator))
        let unary = try ChatCall(.openAI, model: "gpt-4.1@stall").request(to: simulator)
        let stalledUnary = Task { try await send(unary, timeout: .seconds(120)) }
        let bothArrived = try await eventually { simulator.stats.totalRequests == 2 }
        #expect(bothArrived)
        let firstWord = try await eventually { try streamedText(.anthropic, watcher.events) == "Simulated " }
        #expect(firstWord)

        try await simulator.shutdown()

        await #expect(throws: (any Error).self) { try await stalledUnary.value }
        await watcher.stop()
        #expect(simulator.stats.disconnects == 0)
    }

    @Test func baseURLsHaveTheMeaningTheSDKsGiveThem() async throws {
        try await withSimulator { simulator in
            let root = "http://127.0.0.1:\(simulator.port)"
            for provider in [ProviderID.openai, .deepseek, .qwen, .cursor] {
                #expect(simulator.baseURL(for: provider).absoluteString == root + "/v1")
            }
            #expect(simulator.baseURL(for: .anthropic).absoluteString == root)
            #expect(simulator.baseURL(for: .gemini).absoluteString == root)
            #expect(simulator.host == "127.0.0.1")
        }
    }
}
