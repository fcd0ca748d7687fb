import Chimera
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
}
