import AsyncHTTPClient
import Chimera
import ChimeraTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Issue 19, items 2 and 3: the response cache (`CHIMERA_CACHE=memory`) and in-flight
/// deduplication (`CHIMERA_DEDUPLICATE`), over real HTTP against `chimera proxy` in front of the
/// simulator, which counts what reaches it.
@Suite("Response cache and in-flight deduplication")
struct ResponseSharingTests {
    static func chat(_ model: String, stream: Bool = false, text: String = "hello") -> String {
        #"{"model":"\#(model)","stream":\#(stream),"messages":[{"role":"user","content":"\#(text)"}]}"#
    }

    static func withSharingProxy(cache: Bool = true, deduplicate: Bool = false, _ body: (SimulatedProxy, HTTPClient) async throws -> Void) async throws {
        var configuration = ChimeraConfiguration()
        configuration.direct.maxRetries = 0
        configuration.sharing = ResponseSharingConfiguration(cache: cache ? .memory : .off, deduplicate: deduplicate)
        let proxy = try await SimulatedProxy.start(configuration: configuration)
        // Room for 50 requests at once.
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))
        do {
            try await body(proxy, client)
        } catch {
            try await client.shutdown()
            try await proxy.shutdown()
            throw error
        }
        try await client.shutdown()
        try await proxy.shutdown()
    }

    static func post(_ client: HTTPClient, _ proxy: SimulatedProxy, _ body: String, path: String = "v1/chat/completions", headers: [(String, String)] = []) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        try await exchange(client, proxy.baseURL.appending(path: path), method: .POST, headers: headers, body: body, timeout: .seconds(60))
    }

    @Test func aSecondIdenticalRequestIsAHitThatDoesNotReachTheUpstream() async throws {
        try await Self.withSharingProxy { proxy, client in
            let first = try await Self.post(client, proxy, Self.chat("gpt-4.1"))
            let second = try await Self.post(client, proxy, Self.chat("gpt-4.1"))
            #expect(first.status == 200 && second.status == 200)
            #expect(first.headers["chimera-cache"] == ["miss"])
            #expect(second.headers["chimera-cache"] == ["hit"])
            #expect(second.body == first.body)
            #expect(proxy.simulator.stats.totalRequests == 1)
            // Another body, another answer.
            let other = try await Self.post(client, proxy, Self.chat("gpt-4.1", text: "something else"))
            #expect(other.headers["chimera-cache"] == ["miss"])
            #expect(proxy.simulator.stats.totalRequests == 2)
        }
    }

    @Test func keyOrderAndSpacingDoNotMakeAnotherRequest() async throws {
        try await Self.withSharingProxy { proxy, client in
            _ = try await Self.post(client, proxy, #"{"model":"gpt-4.1","messages":[{"role":"user","content":"hello"}],"temperature":0.5}"#)
            let reordered = try await Self.post(client, proxy, #"{ "temperature": 0.5, "messages": [ {"content": "hello", "role": "user"} ], "model": "gpt-4.1" }"#)
            #expect(reordered.headers["chimera-cache"] == ["hit"])
            let other = try await Self.post(client, proxy, #"{"model":"gpt-4.1","messages":[{"role":"user","content":"hello"}],"temperature":0.6}"#)
            #expect(other.headers["chimera-cache"] == ["miss"])
            #expect(proxy.simulator.stats.totalRequests == 2)
        }
    }

    @Test(arguments: [
        ("v1/chat/completions", chat("gpt-4.1@words=30,split=3", stream: true)),
        ("claude-custom/v1/messages", #"{"model":"claude-sonnet-4-5@words=30","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hello"}]}"#),
    ])
    func aCachedStreamIsReplayedAsTheSameEvents(path: String, body: String) async throws {
        try await Self.withSharingProxy { proxy, client in
            let first = try await Self.post(client, proxy, body, path: path)
            let replay = try await Self.post(client, proxy, body, path: path)
            #expect(first.status == 200)
            #expect(replay.headers["chimera-cache"] == ["hit"])
            #expect(replay.headers["content-type"] == first.headers["content-type"])
            #expect(first.body.contains("data:"))
            #expect(replay.body == first.body)
            #expect(proxy.simulator.stats.totalRequests == 1)
        }
    }

    @Test(arguments: ["no-cache", "no-store", "max-age=0, No-Cache"])
    func cacheControlFromTheCallerBypassesTheCache(directive: String) async throws {
        try await Self.withSharingProxy { proxy, client in
            _ = try await Self.post(client, proxy, Self.chat("gpt-4.1"))
            let fresh = try await Self.post(client, proxy, Self.chat("gpt-4.1"), headers: [("Cache-Control", directive)])
            #expect(fresh.headers["chimera-cache"] == ["miss"])
            #expect(proxy.simulator.stats.totalRequests == 2)
            // no-cache stores the fresh answer; no-store does not, so the stored one stays.
            let after = try await Self.post(client, proxy, Self.chat("gpt-4.1"))
            #expect(after.headers["chimera-cache"] == ["hit"])
            #expect(proxy.simulator.stats.totalRequests == 2)
        }
    }

    @Test(arguments: [chat("gpt-4.1@status=500"), chat("gpt-4.1@words=40,inband-error", stream: true), chat("gpt-4.1@words=40,truncate-after=2", stream: true)])
    func failuresAreNeverCached(body: String) async throws {
        try await Self.withSharingProxy { proxy, client in
            _ = try await Self.post(client, proxy, body)
            let again = try await Self.post(client, proxy, body)
            #expect(again.headers["chimera-cache"] == ["miss"])
            #expect(proxy.simulator.stats.totalRequests == 2)
        }
    }

    @Test func eachClientKeyHasItsOwnEntries() async throws {
        try await Self.withSharingProxy { proxy, client in
            _ = try await Self.post(client, proxy, Self.chat("gpt-4.1"), headers: [("Authorization", "Bearer client-a")])
            let otherClient = try await Self.post(client, proxy, Self.chat("gpt-4.1"), headers: [("Authorization", "Bearer client-b")])
            #expect(otherClient.headers["chimera-cache"] == ["miss"])
            let sameClient = try await Self.post(client, proxy, Self.chat("gpt-4.1"), headers: [("Authorization", "Bearer client-a")])
            #expect(sameClient.headers["chimera-cache"] == ["hit"])
            #expect(proxy.simulator.stats.totalRequests == 2)
        }
    }

    @Test(arguments: [false, true])
    func fiftyIdenticalConcurrentRequestsReachTheUpstreamOnce(stream: Bool) async throws {
        // Slow enough (a head after 2 s) that all 50 are in flight together, even on a loaded machine.
        let body = Self.chat("gpt-4.1@words=1,latency=2000", stream: stream)
        try await Self.withSharingProxy(cache: false, deduplicate: true) { proxy, client in
            let answers = try await withThrowingTaskGroup(of: (status: Int, headers: HTTPHeaders, body: String).self) { group in
                for _ in 0..<50 { group.addTask { try await Self.post(client, proxy, body) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == 200 })
            #expect(Set(answers.map(\.body)).count == 1)
            #expect(answers.filter { $0.headers["chimera-cache"] == ["shared"] }.count == 49)
            #expect(proxy.simulator.stats.totalRequests == 1)
        }
    }

    @Test func aWaiterThatLeavesDoesNotCancelTheOthers() async throws {
        let body = Self.chat("gpt-4.1@words=40,latency=50", stream: true)
        try await Self.withSharingProxy(cache: false, deduplicate: true) { proxy, client in
            var request = HTTPClientRequest(url: proxy.baseURL.appending(path: "v1/chat/completions").absoluteString)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
            // The first caller reads one chunk and goes away.
            let leaving = try await client.execute(request, timeout: .seconds(60))
            let staying = Task { try await Self.post(client, proxy, body) }
            var chunks = leaving.body.makeAsyncIterator()
            _ = try await chunks.next()
            try await Task.sleep(for: .milliseconds(200))
            let whole = try await staying.value
            #expect(whole.headers["chimera-cache"] == ["shared"])
            #expect(whole.body.contains("w40"))
            #expect(whole.body.hasSuffix("data: [DONE]\n\n"))
            #expect(proxy.simulator.stats.totalRequests == 1)
        }
    }
}
