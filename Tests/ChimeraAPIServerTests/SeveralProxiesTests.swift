import Chimera
import ChimeraTransport
import Foundation
import HummingbirdTesting
import Synchronization
import Testing

/// `PROXY_SERVER_URL` with several proxies: requests share them and fail over before their
/// first event; `/health/proxy` reports each (issue 19, item 1).
@Suite("Several proxies: load sharing, failover, health of each")
struct SeveralProxiesTests {
    /// What the load saw.
    final class Load: Sendable {
        let tally = Mutex(Tally())
        let stop = Atomic(false)
    }

    struct Tally: Sendable {
        var streams = 0
        /// Requests that failed before their first event: failover should have saved every one.
        var failedBeforeFirstEvent: [String] = []
        /// Streams cut after their first event, which no failover may replay.
        var cutAfterFirstEvent = 0
    }

    @Test func aProxyStoppedUnderLoadFailsNoRequestBeforeItsFirstEventAndHealthShowsEach() async throws {
        let first = try await RestartableProxy()
        let second = try await RestartableProxy()
        var configuration = proxyConfiguration(first.baseURL, interval: .milliseconds(200))
        configuration.proxy.serverURLs = [first.baseURL, second.baseURL]
        configuration.proxy.fallbackToDirect = false
        try await withAPI(configuration) { client, api in
            let monitors = api.service.proxyHealthMonitors
            #expect(monitors.count == 2)
            try await expectEventually(within: .seconds(30)) { monitors.allSatisfy { $0.status == .healthy } }

            let loadState = Load()
            let request = ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.user("Tell me a story")])
            let load = Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<16 {
                        group.addTask {
                            while !loadState.stop.load(ordering: .relaxed) {
                                await Self.streamOnce(request, service: api.service, into: loadState)
                                // A call refused at once never suspends: without a yield, 16 such
                                // loops would hold every thread and the test would hang, not fail.
                                await Task.yield()
                            }
                        }
                    }
                }
            }
            // Both proxies carry the load: the one with fewer requests in flight gets the next.
            try await expectEventually(within: .seconds(30)) { first.answeredChats > 0 && second.answeredChats > 0 }

            try await first.stop()
            try await expectEventually(within: .seconds(30)) { monitors[0].status == .unhealthy }
            let streamsWhileDown = loadState.tally.withLock { $0.streams }
            try await expectEventually(within: .seconds(30)) { loadState.tally.withLock { $0.streams } >= streamsWhileDown + 50 }
            try await client.execute(uri: "/health/proxy", method: .get) { response in
                #expect(response.status == .ok)
                let report = try jsonObject(response.body)
                #expect(report["status"] as? String == "degraded")
                let proxies = try #require(report["proxies"] as? [[String: Any]])
                #expect(proxies.map { $0["proxy_url"] as? String } == [first.baseURL.absoluteString, second.baseURL.absoluteString])
                #expect(proxies.map { $0["status"] as? String } == ["unhealthy", "healthy"])
            }
            loadState.stop.store(true, ordering: .relaxed)
            await load.value
            let seen = loadState.tally.withLock { $0 }
            #expect(seen.failedBeforeFirstEvent == [], "of \(seen.streams) streams, \(seen.cutAfterFirstEvent) cut after their first event")

            try await first.start()
            try await expectEventually(within: .seconds(30)) { monitors.allSatisfy { $0.status == .healthy } }
            try await client.execute(uri: "/health/proxy", method: .get) { response in
                let report = try jsonObject(response.body)
                #expect(report["status"] as? String == "healthy")
                let proxies = try #require(report["proxies"] as? [[String: Any]])
                #expect(proxies.map { $0["status"] as? String } == ["healthy", "healthy"])
            }
            try await client.execute(uri: "/health", method: .get) { response in
                let health = try jsonObject(response.body)
                #expect(health["proxy"] == nil)
                #expect((health["proxies"] as? [[String: Any]])?.count == 2)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                for proxy in [first.baseURL, second.baseURL] {
                    #expect(text.contains(#"chimera_upstream_attempts_total{provider="openai",route="proxy",proxy="\#(proxy.absoluteString)",outcome="success"}"#))
                }
            }
        }
        try await first.stop()
        try await second.stop()
    }

    @Test func aProxyURLsCredentialsNeverBecomeALabel() {
        let url = URL(string: "http://user:s3cret@proxy.internal:8080")!
        #expect(ProxyConfiguration.label(of: url) == "http://proxy.internal:8080")
    }

    /// Streams one answer to its end and tallies how it went.
    private static func streamOnce(_ request: ChatRequest, service: LLMService, into load: Load) async {
        var receivedAnEvent = false
        do {
            for try await _ in try await service.stream(request) { receivedAnEvent = true }
            load.tally.withLock { $0.streams += 1 }
        } catch {
            load.tally.withLock { tally in
                tally.streams += 1
                if receivedAnEvent { tally.cutAfterFirstEvent += 1 } else { tally.failedBeforeFirstEvent.append(error.message) }
            }
        }
    }
}
