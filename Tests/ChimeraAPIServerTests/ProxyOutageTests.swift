import Chimera
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import HummingbirdTesting
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

/// While the proxy is known down requests fail at once with what to do, and the first check
/// after it is back makes it healthy at once (issue 16, item 3).
@Suite("Proxy outages: fast failure, fast recovery")
struct ProxyOutageTests {
    @Test func whileTheProxyIsKnownDownRequestsFailAtOnceAndItIsHealthyAtTheFirstCheckBack() async throws {
        var proxy = try await startProxy()
        let port = proxy.server.port
        let attempts = Atomic<Int>(0)
        let service = LLMService(
            configuration: proxyConfiguration(proxy.baseURL, interval: .milliseconds(200), retries: 3),
            observer: RequestObserver { _ in attempts.add(1, ordering: .relaxed) }
        )
        let monitor = try #require(service.proxyHealthMonitors.first)
        let group = ServiceGroup(configuration: .init(services: [monitor], logger: silentLogger))
        let running = Task { try await group.run() }
        let request = ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.user("Hi")])
        try await expectEventually(within: .seconds(30)) { monitor.status == .healthy }
        _ = try await service.complete(request)

        try await proxy.shutdown()
        // Down for more than one check, so that its failures would once have kept it degraded.
        try await expectEventually(within: .seconds(30)) { monitor.status == .unhealthy && monitor.report.consecutiveFailures >= 2 }
        let before = attempts.load(ordering: .relaxed)
        let error = await #expect(throws: ChimeraError.self) { try await service.complete(request) }
        #expect(error?.kind == .proxyUnavailable)
        #expect(error?.hint?.contains("chimera proxy") == true)
        // Not one attempt, let alone its retries.
        #expect(attempts.load(ordering: .relaxed) == before)
        // A same-family body sent as it is (serve's pass-through) meets the same circuit.
        let forwarder = try #require(service.forwarder(.openai, speaking: .openAIChat))
        let body = Array(#"{"model":"gpt-4.1","messages":[{"role":"user","content":"Hi"}]}"#.utf8)
        let forwarded = await #expect(throws: ChimeraError.self) {
            _ = try await forwarder.forward(ForwardedCall(body: body, request: request), context: .none)
        }
        #expect(forwarded?.kind == .proxyUnavailable)
        #expect(attempts.load(ordering: .relaxed) == before)

        proxy = try await startProxy(port: port)
        try await expectEventually(within: .seconds(30)) { monitor.status == .healthy }
        let transitions = monitor.report.transitions
        let outage = try #require(transitions.lastIndex { $0.to == .unhealthy })
        #expect(transitions[outage...].dropFirst().map(\.to) == [.healthy])
        _ = try await service.complete(request)

        await group.triggerGracefulShutdown()
        try await running.value
        try await service.shutdown()
        try await proxy.shutdown()
    }

    @Test func theOpenAIShaped502OfServeKeepsTheHint() async throws {
        let configuration = proxyConfiguration(try await deadProxyURL(), interval: .seconds(60))
        try await withAPI(configuration) { client, _ in
            try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"model":"openai/gpt-4.1","messages":[{"role":"user","content":"Hi"}]}"#)
            ) { response in
                #expect(response.status == .badGateway)
                let error = try #require(try jsonObject(response.body)["error"] as? [String: Any])
                #expect((error["hint"] as? String)?.contains("chimera proxy") == true)
            }
        }
    }
}
