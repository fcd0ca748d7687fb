import AsyncHTTPClient
import ChimeraCore
import ChimeraSimulator
import ChimeraTestSupport
import Foundation
import NIOCore
import Testing

@Suite("Statistics")
struct StatsTests {
    @Test func requestsAreCountedByRouteProviderFlavourAndModel() async throws {
        try await withSimulator { simulator in
            for model in ["gpt-4.1", "deepseek-chat", "qwen-plus", "cursor-small", "gpt-4.1"] {
                _ = try await send(ChatCall(.openAI, model: model), to: simulator)
            }
            _ = try await send(ChatCall(.anthropic), to: simulator)
            _ = try await send(ChatCall(.gemini), to: simulator)
            var stream = ChatCall(.gemini, model: "gemini-2.5-flash@words=2")
            stream.stream = true
            _ = try await send(stream, to: simulator)
            _ = try await send(listRequest(.openAI, simulator))

            let stats = simulator.stats
            #expect(stats.requests(on: .chatCompletions) == 5)
            #expect(stats.requests(on: .messages) == 1)
            #expect(stats.requests(on: .generateContent) == 1)
            #expect(stats.requests(on: .streamGenerateContent) == 1)
            #expect(stats.requests(on: .models) == 1)
            #expect(stats.totalRequests == 9)
            #expect(stats.requests(for: .openai) == 3)
            #expect(stats.requests(for: .deepseek) == 1)
            #expect(stats.requests(for: .qwen) == 1)
            #expect(stats.requests(for: .cursor) == 1)
            #expect(stats.requests(for: .anthropic) == 1)
            #expect(stats.requests(for: .gemini) == 2)
            #expect(stats.requests(forModel: "gpt-4.1") == 2)
            #expect(stats.requests(forModel: "gemini-2.5-flash@words=2") == 1)
            #expect(stats.disconnects == 0)
        }
    }

    @Test func statsRouteAnswersTheSameStatsAsJSONWithoutCountingItself() async throws {
        try await withSimulator { simulator in
            _ = try await send(ChatCall(.anthropic), to: simulator)
            let url = simulator.baseURL(for: .anthropic).absoluteString + "/_simulator/stats"
            let first = try await send(HTTPClientRequest(url: url))
            let second = try await send(HTTPClientRequest(url: url))
            #expect(first.status == 200)
            let decoded = try JSONDecoder().decode(SimulatorStats.self, from: Data(second.body.utf8))
            #expect(decoded.totalRequests == 1)
            #expect(decoded.requests(on: .messages) == 1)
            #expect(decoded.requestsByModel == simulator.stats.requestsByModel)
        }
    }

    @Test func resetClearsCountsButNotOpenConnections() async throws {
        try await withSimulator { simulator in
            _ = try await send(ChatCall(.openAI), to: simulator)
            #expect(simulator.stats.totalRequests == 1)
            #expect(simulator.stats.acceptedConnections >= 1)
            simulator.resetStats()
            let stats = simulator.stats
            #expect(stats.totalRequests == 0)
            #expect(stats.requestsByModel.isEmpty)
            #expect(stats.acceptedConnections == 0)
            #expect(stats.openConnections >= 0)
        }
    }

    @Test func sequentialRequestsOfAPooledClientReuseOneConnection() async throws {
        try await withSimulator { simulator in
            // A pool of one: AsyncHTTPClient may otherwise open a second connection for a request
            // sent right after an answer, before it has put the first back.
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            do {
                for _ in 0..<5 {
                    let response = try await send(ChatCall(.openAI).request(to: simulator), client: client)
                    #expect(response.status == 200)
                }
                #expect(simulator.stats.acceptedConnections == 1)
                #expect(simulator.stats.openConnections == 1)
                try await client.shutdown()
            } catch {
                try await client.shutdown()
                throw error
            }
            #expect(try await eventually { simulator.stats.openConnections == 0 })
        }
    }

    /// Requests one after another never count as two at once, whatever connections they take;
    /// a request sent while a stream holds its connection does.
    @Test func mostBusyConnectionsCountsRequestsInFlightAtOnce() async throws {
        try await withSimulator { simulator in
            for _ in 0..<3 {
                #expect(try await send(ChatCall(.openAI), to: simulator).status == 200)
            }
            #expect(simulator.stats.mostBusyConnections == 1)
            var held = ChatCall(.openAI, model: "gpt-4.1@stall-after=1")
            held.stream = true
            // Its head has come and its body is not read: the stream holds its connection.
            let holder = try await HTTPClient.shared.execute(try held.request(to: simulator), timeout: .seconds(60))
            #expect(holder.status == .ok)
            #expect(try await send(ChatCall(.openAI), to: simulator).status == 200)
            #expect(simulator.stats.mostBusyConnections == 2)
            withExtendedLifetime(holder) {}
        }
    }

    /// A client that stops reading a stream midway and lets it go (the iterator dropped, as a
    /// `break` out of the loop does) closes the connection: one disconnect. Leaving is driven by
    /// the reader itself, not by cancelling its task: a cancellation that lands between two reads
    /// of AsyncHTTPClient's body was seen not to stop the stream, which then ran its 50 s.
    @Test func aStreamingClientThatLeavesCountsOneDisconnect() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.openAI, model: "gpt-4.1@latency=50,words=1000")
            call.stream = true
            let request = try call.request(to: simulator)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            let partial = try await readEvents(of: response) { $0.count >= 3 }
            #expect(partial.events.count >= 3)
            #expect(try await eventually { simulator.stats.disconnects == 1 })
            #expect(try await eventually { simulator.stats.openConnections == 0 })
        }
    }

    @Test func clientLeavingDuringLatencyBeforeTheHeadIsADisconnect() async throws {
        try await withSimulator { simulator in
            let request = try ChatCall(.gemini, model: "gemini-2.5-flash@latency=60000").request(to: simulator)
            let waiting = Task { try await send(request, timeout: .seconds(120)) }
            let arrived = try await eventually { simulator.stats.totalRequests == 1 }
            #expect(arrived)
            waiting.cancel()
            await #expect(throws: (any Error).self) { try await waiting.value }
            let counted = try await eventually { simulator.stats.disconnects == 1 }
            #expect(counted)
        }
    }
}

/// A model-list request in the protocol's own shape.
func listRequest(_ wire: Wire, _ simulator: RunningSimulator, key: String? = "test-key") -> HTTPClientRequest {
    let base = simulator.baseURL(for: wire.provider).absoluteString
    var request: HTTPClientRequest
    switch wire {
    case .openAI:
        request = HTTPClientRequest(url: base + "/models")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
    case .anthropic:
        request = HTTPClientRequest(url: base + "/v1/models")
        if let key { request.headers.add(name: "x-api-key", value: key) }
        request.headers.add(name: "anthropic-version", value: "2023-06-01")
    case .gemini:
        request = HTTPClientRequest(url: base + "/v1beta/models")
        if let key { request.headers.add(name: "x-goog-api-key", value: key) }
    }
    return request
}
