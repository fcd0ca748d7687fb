import Chimera
import ChimeraProxyServer
import ChimeraSimulator
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import Testing

/// `chimera proxy`'s upstream calls leave through the site's CONNECT proxy: the providers are
/// the simulator over TLS (test CA) under names only the test CONNECT proxy resolves.
@Suite("chimera proxy behind an egress proxy")
struct ProxyEgressTests {
    @Test func everyUpstreamCallGoesThroughTheEgressProxyUnderStrictEgress() async throws {
        try await withSimulator { simulator in
            let front = try await TestTLSFront.start(backendPort: simulator.port)
            let egress = try await TestConnectProxy.start(routes: ["api.openai.test:443": front.port, "api.anthropic.test:443": front.port])
            var configuration = try ChimeraConfiguration(environment: [
                "OPENAI_BASE_URL": "https://api.openai.test/v1", "OPENAI_API_KEY": "sk-test-openai",
                "ANTHROPIC_BASE_URL": "https://api.anthropic.test", "ANTHROPIC_API_KEY": "sk-ant-test",
                "HTTPS_PROXY": egress.url(), "CHIMERA_CA_BUNDLE": TestCertificates.caBundle, "CHIMERA_EGRESS": "strict",
            ])
            configuration.direct.maxRetries = 0
            let proxy = try await RunningProxy.start(configuration: configuration, port: 0)
            do {
                try await withTransport { transport in
                    for upstream in [ProviderID.openai, .anthropic] {
                        for stream in [false, true] {
                            // The caller speaks Gemini; the proxy translates and calls the upstream through the tunnel.
                            let client = proxyClient(proxy, speaking: .gemini, upstream: upstream, transport: transport)
                            let response = try await collect(client, sampleRequest(.gemini, model: modelNames[upstream]!, stream: stream))
                            #expect(response.text.contains("Simulated reply from \(modelNames[upstream]!)"), "\(upstream) stream: \(stream)")
                        }
                    }
                }
                // One pooled connection per upstream host may serve several calls: what matters is
                // that every upstream host was reached through the proxy and nothing else was asked for.
                #expect(Set(egress.tunnels) == ["api.openai.test:443", "api.anthropic.test:443"])
            } catch {
                try await proxy.shutdown()
                try await egress.shutdown()
                try await front.shutdown()
                throw error
            }
            try await proxy.shutdown()
            try await egress.shutdown()
            try await front.shutdown()
        }
    }
}
