import AsyncHTTPClient
import Chimera
import ChimeraTestSupport
import Foundation
import NIOCore
import Testing

/// One layer owns the provider's retries: `chimera proxy` retries the provider, and a Chimera
/// client in proxy mode does not retry what the proxy relayed (issue 16, item 1).
@Suite("Retries do not multiply across the proxy")
struct RetryOwnershipTests {
    @Test(arguments: ["status=429", "status=500"])
    func upstreamAttemptsAreOnePlusTheProxysRetries(fault: String) async throws {
        let proxyRetries = 2
        let proxy = try await startProxy(retries: proxyRetries)
        let service = LLMService(configuration: proxyConfiguration(proxy.baseURL, interval: .seconds(60), retries: 3))
        let model = "gpt-4.1@\(fault)"
        let error = await #expect(throws: ChimeraError.self) {
            try await service.complete(ChatRequest(provider: .openai, model: model, messages: [.user("Hi")]))
        }
        #expect(error?.source == .upstream)
        #expect(proxy.simulator.stats.requests(forModel: model) == 1 + proxyRetries)
        try await service.shutdown()
        try await proxy.shutdown()
    }

    @Test func everyErrorAnswerOfTheProxySaysWhoseItIs() async throws {
        let proxy = try await startProxy()
        let relayed = try await answer(proxy.baseURL, "v1/chat/completions", body: #"{"model":"gpt-4.1@status=429","messages":[{"role":"user","content":"Hi"}]}"#)
        #expect(relayed.status == 429)
        #expect(relayed.source == "upstream")
        let refused = try await answer(proxy.baseURL, "no-such-provider/v1/chat/completions", body: #"{"model":"gpt-4.1","messages":[{"role":"user","content":"Hi"}]}"#)
        #expect(refused.status >= 400)
        #expect(refused.source == "proxy")
        let unrouted = try await answer(proxy.baseURL, "nowhere", body: "{}")
        #expect(unrouted.status == 404)
        #expect(unrouted.source == "proxy")
        try await proxy.shutdown()
    }

    /// The status and `chimera-error-source` of one POST to the proxy.
    private func answer(_ base: URL, _ path: String, body: String) async throws -> (status: Int, source: String?) {
        var request = HTTPClientRequest(url: base.appending(path: path).absoluteString)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: ChimeraError.Source.headerName))
    }
}
