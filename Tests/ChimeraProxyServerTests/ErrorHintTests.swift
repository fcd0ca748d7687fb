import Chimera
import ChimeraProxyServer
import ChimeraTestSupport
import Foundation
import Testing

/// Issue 16, item 3: the hint survives in every error shape. `chimera proxy` writes what to do
/// into OpenAI's, Anthropic's and Gemini's error bodies alike, and a Chimera client in proxy mode
/// reads it back, so the caller of `chimera serve` or the library sees the proxy's advice.
@Suite("Hints in every error shape")
struct ErrorHintTests {
    @Test(arguments: [(ProviderID.openai, "gpt-4.1", "OPENAI_BASE_URL"), (.anthropic, "claude-sonnet-4-5", "ANTHROPIC_BASE_URL"), (.gemini, "gemini-2.5-flash", "GEMINI_BASE_URL")])
    func theProxysHintReachesTheClient(provider: ProviderID, model: String, variable: String) async throws {
        var upstream = ChimeraConfiguration()
        upstream.direct.maxRetries = 0
        // Nothing listens on port 1: the proxy cannot reach the provider, and says what to check.
        upstream.providers[provider]?.baseURL = URL(string: "http://127.0.0.1:1")!
        upstream.providers[provider]?.apiKey = Secret("hint-key")
        let proxy = try await RunningProxy.start(configuration: upstream, port: 0)
        var configuration = ChimeraConfiguration(connectionMode: .proxy)
        configuration.proxy.serverURL = proxy.baseURL
        configuration.proxy.wireProtocol = .json
        configuration.proxy.maxRetries = 0
        let service = LLMService(configuration: configuration)
        let error = await #expect(throws: ChimeraError.self) {
            try await service.complete(ChatRequest(provider: provider, model: model, messages: [.user("Hi")]))
        }
        try await service.shutdown()
        try await proxy.shutdown()
        #expect(error?.source == .upstream)
        #expect(error?.hint?.contains(variable) == true, "\(String(describing: error))")
    }
}
