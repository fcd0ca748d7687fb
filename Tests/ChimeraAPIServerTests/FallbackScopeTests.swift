import Chimera
import ChimeraAPIServer
import HTTPTypes
import NIOCore
import ChimeraTestSupport
import Foundation
import Testing

/// Fallback goes direct only when the proxy itself failed, never for a provider's error a
/// healthy proxy relayed (issue 16, item 2).
@Suite("Fallback only when the proxy failed")
struct FallbackScopeTests {
    @Test(arguments: [(429, ChimeraError.Kind.rateLimited), (401, .authentication)])
    func aProviderErrorRelayedByAHealthyProxyIsTheAnswer(status: Int, kind: ChimeraError.Kind) async throws {
        try await withSimulator { direct in
            let proxy = try await startProxy()
            var configuration = proxyConfiguration(proxy.baseURL, interval: .seconds(60), retries: 2)
            configuration.proxy.fallbackToDirect = true
            configuration.providers = directConfiguration(direct).providers
            let service = LLMService(configuration: configuration)
            let model = "gpt-4.1@status=\(status)"
            let error = await #expect(throws: ChimeraError.self) {
                try await service.complete(ChatRequest(provider: .openai, model: model, messages: [.user("Hi")]))
            }
            #expect(error?.kind == kind)
            #expect(proxy.simulator.stats.requests(forModel: model) == 1)
            #expect(direct.stats.totalRequests == 0)

            // With the proxy gone, fallback still goes direct.
            try await proxy.shutdown()
            let response = try await service.complete(ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.user("Hi")]))
            #expect(response.route == .directFallback)
            #expect(direct.stats.totalRequests == 1)
            try await service.shutdown()
        }
    }

    /// Issue 16, item 5: hints never suggest a setting that is already set — a request that
    /// fell back and failed direct too is not told to turn fallback on.
    @Test func aFailedFallbackDoesNotSuggestFallback() async throws {
        var configuration = proxyConfiguration(URL(string: "http://127.0.0.1:1")!, interval: .seconds(60), retries: 0)
        configuration.proxy.fallbackToDirect = true
        let service = LLMService(configuration: configuration)
        let error = await #expect(throws: ChimeraError.self) {
            try await service.complete(ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.user("Hi")]))
        }
        try await service.shutdown()
        let hint = try #require(error?.hint)
        #expect(hint.contains("chimera proxy"), "\(hint)")
        #expect(error?.description.contains("OPENAI_API_KEY") == true, "\(String(describing: error))")
        #expect(!hint.contains("PROXY_FALLBACK_TO_DIRECT"), "\(hint)")
    }

    /// Issue 15, item 10: a provider's 401 relayed by the proxy is the provider's, and `chimera
    /// serve` does not ask its own client for a key (`WWW-Authenticate`) because of it.
    @Test func aProvidersRelayed401IsNotBlamedOnServesKey() async throws {
        let proxy = try await startProxy()
        var configuration = proxyConfiguration(proxy.baseURL, interval: .seconds(60), retries: 0)
        configuration.proxy.fallbackToDirect = false
        let service = LLMService(configuration: configuration)
        let error = await #expect(throws: ChimeraError.self) {
            try await service.complete(ChatRequest(provider: .anthropic, model: "claude-sonnet-4-5@status=401", messages: [.user("Hi")]))
        }
        #expect(error?.source == .upstream)
        #expect(error?.hint?.contains("ANTHROPIC_API_KEY") == true, "\(String(describing: error?.hint))")
        #expect(error?.description.contains("PROXY_API_KEY") == false)
        try await service.shutdown()

        try await withAPI(configuration) { client, _ in
            let body = ByteBuffer(string: #"{"provider":"anthropic","model":"claude-sonnet-4-5@status=401","prompt":"hi"}"#)
            try await client.execute(uri: "/api/v1/generate", method: .post, headers: [.contentType: "application/json"], body: body) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == nil)
            }
        }
        try await proxy.shutdown()
    }
}
