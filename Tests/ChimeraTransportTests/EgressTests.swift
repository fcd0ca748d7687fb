import Chimera
import ChimeraSimulator
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import Testing

/// Outbound calls through a site's CONNECT proxy, with its CA, NO_PROXY and strict egress.
///
/// The "providers" are the simulator behind a TLS server whose certificate the test CA signed,
/// reachable as `api.openai.test` / `api.anthropic.test`: names only the test proxy resolves.
/// So a call that succeeds went through the proxy; nothing else could have reached those hosts.
@Suite("Egress through a CONNECT proxy")
struct EgressTests {
    struct Network {
        let simulator: RunningSimulator
        let front: TestTLSFront
        let proxy: TestConnectProxy
    }

    static let credentials = (user: "egress-user", password: "pr0xy-SENTINEL-pass")

    /// Runs `body` with the simulator, its TLS front and a CONNECT proxy that resolves the test hosts to it.
    private func withNetwork(credentials: (user: String, password: String)? = nil, _ body: (Network) async throws -> Void) async throws {
        try await withSimulator { simulator in
            let front = try await TestTLSFront.start(backendPort: simulator.port)
            let routes = ["api.openai.test:443": front.port, "api.anthropic.test:443": front.port]
            let proxy = try await TestConnectProxy.start(routes: routes, credentials: credentials)
            do {
                try await body(Network(simulator: simulator, front: front, proxy: proxy))
            } catch {
                try await proxy.shutdown()
                try await front.shutdown()
                throw error
            }
            try await proxy.shutdown()
            try await front.shutdown()
        }
    }

    /// An environment with the two test providers, the CA bundle and `extra`.
    private func environment(_ extra: [String: String]) -> [String: String] {
        [
            "OPENAI_BASE_URL": "https://api.openai.test/v1", "OPENAI_API_KEY": "sk-test-openai",
            "ANTHROPIC_BASE_URL": "https://api.anthropic.test", "ANTHROPIC_API_KEY": "sk-ant-test",
            "CHIMERA_CA_BUNDLE": TestCertificates.caBundle, "CHIMERA_MAX_RETRIES": "0",
        ].merging(extra) { $1 }
    }

    private func withService(_ configuration: ChimeraConfiguration, _ body: (LLMService) async throws -> Void) async throws {
        let service = LLMService(configuration: configuration)
        do {
            try await body(service)
        } catch {
            try await service.shutdown()
            throw error
        }
        try await service.shutdown()
    }

    private static func request(_ provider: ProviderID, stream: Bool = false) -> ChatRequest {
        ChatRequest(provider: provider, model: modelNames[provider]!, messages: [.user("through the egress proxy")], stream: stream)
    }

    @Test func directCallsGoThroughTheConnectProxyToHostsOnlyItResolves() async throws {
        try await withNetwork { network in
            let configuration = try ChimeraConfiguration(environment: environment(["HTTPS_PROXY": network.proxy.url()]))
            try await withService(configuration) { service in
                let answer = try await service.complete(Self.request(.openai))
                #expect(answer.text.contains("through the egress proxy"))
                var text = ""
                for try await event in try await service.stream(Self.request(.anthropic, stream: true)) {
                    if case .delta(let delta) = event { text += delta }
                }
                #expect(text.contains("through the egress proxy"))
            }
            #expect(Set(network.proxy.tunnels) == ["api.openai.test:443", "api.anthropic.test:443"])
        }
    }

    @Test func withoutTheCABundleTheProxiedProviderIsNotTrusted() async throws {
        try await withNetwork { network in
            var environment = environment(["HTTPS_PROXY": network.proxy.url()])
            environment["CHIMERA_CA_BUNDLE"] = nil
            try await withService(try ChimeraConfiguration(environment: environment)) { service in
                let error = await #expect(throws: ChimeraError.self) { try await service.complete(Self.request(.openai)) }
                #expect(error?.description.contains("through the egress proxy 127.0.0.1:\(network.proxy.port)") == true, "\(String(describing: error))")
            }
            #expect(network.proxy.tunnels == ["api.openai.test:443"])
        }
    }

    @Test func proxyCredentialsAreSentAndMissingOnesGiveAClear407() async throws {
        try await withNetwork(credentials: Self.credentials) { network in
            let without = try ChimeraConfiguration(environment: environment(["HTTPS_PROXY": network.proxy.url()]))
            try await withService(without) { service in
                let error = await #expect(throws: ChimeraError.self) { try await service.complete(Self.request(.openai)) }
                #expect(error?.kind == .configuration)
                #expect(error?.status == 407)
                #expect(error?.description.contains("egress proxy 127.0.0.1:\(network.proxy.port) wants credentials") == true, "\(String(describing: error))")
            }
            let with = try ChimeraConfiguration(environment: environment(["https_proxy": network.proxy.url(credentials: Self.credentials)]))
            #expect(!"\(with.egress)".contains(Self.credentials.password))
            try await withService(with) { service in
                let answer = try await service.complete(Self.request(.openai))
                #expect(answer.finishReason == .stop)
            }
            let wrong = try ChimeraConfiguration(environment: environment(["CHIMERA_EGRESS_PROXY": network.proxy.url(credentials: (Self.credentials.user, "wrong-password-SENTINEL"))]))
            try await withService(wrong) { service in
                let error = await #expect(throws: ChimeraError.self) { try await service.complete(Self.request(.anthropic)) }
                #expect(error?.description.contains("refused the configured ones") == true, "\(String(describing: error))")
                #expect(error?.description.contains("SENTINEL") == false)
            }
        }
    }

    @Test func noProxyHostsAreReachedDirectlyAndOthersThroughTheProxy() async throws {
        try await withNetwork { network in
            // Every server of a test is on loopback, which always goes directly; turned off here so
            // that NO_PROXY alone decides, as it does for a non-loopback host.
            let direct = "https://127.0.0.1:\(network.front.port)/v1"
            var proxied = try ChimeraConfiguration(environment: environment(["HTTPS_PROXY": network.proxy.url(), "OPENAI_BASE_URL": direct]))
            proxied.egress.loopbackGoesDirect = false
            try await withService(proxied) { service in
                _ = try await service.complete(Self.request(.openai))
            }
            #expect(network.proxy.tunnels == ["127.0.0.1:\(network.front.port)"], "without NO_PROXY the host goes through the proxy")

            var listed = try ChimeraConfiguration(environment: environment([
                "HTTPS_PROXY": network.proxy.url(), "OPENAI_BASE_URL": direct, "NO_PROXY": "internal.example, 127.0.0.1",
            ]))
            listed.egress.loopbackGoesDirect = false
            try await withService(listed) { service in
                _ = try await service.complete(Self.request(.openai))
                _ = try await service.complete(Self.request(.anthropic))
            }
            #expect(network.proxy.tunnels == ["127.0.0.1:\(network.front.port)", "api.anthropic.test:443"], "the NO_PROXY host went directly, the other through the proxy")
        }
    }

    @Test func loopbackDestinationsNeverGoThroughTheEgressProxy() async throws {
        try await withNetwork { network in
            let configuration = try ChimeraConfiguration(environment: environment([
                "ALL_PROXY": network.proxy.url(), "OPENAI_BASE_URL": "https://localhost:\(network.front.port)/v1",
            ]))
            try await withService(configuration) { service in
                _ = try await service.complete(Self.request(.openai))
            }
            #expect(network.proxy.tunnels.isEmpty)
        }
    }

    @Test func strictEgressRefusesAnUpstreamOutsideTheManifestBeforeConnecting() async throws {
        try await withNetwork { network in
            let configuration = try ChimeraConfiguration(environment: environment([
                "HTTPS_PROXY": network.proxy.url(), "CHIMERA_EGRESS": "strict",
            ]))
            let allowed = try #require(EgressManifest(configuration, role: .proxyServer).enforcedDestinations)
            #expect(allowed == [EgressDestination(host: "api.openai.test", port: 443), EgressDestination(host: "api.anthropic.test", port: 443)])
            let transport = HTTPTransport(connectTimeout: .seconds(5), poolSize: 4, egress: configuration.egress, allowedDestinations: allowed)
            var elsewhere = configuration
            elsewhere[provider: .openai].baseURL = URL(string: "https://exfiltrate.example:8443/v1")
            let provider = HTTPProvider.direct(.openai, configuration: elsewhere, transport: transport, logger: silentLogger)
            let error = await #expect(throws: ChimeraError.self) { try await provider.complete(Self.request(.openai)) }
            #expect(error?.kind == .configuration)
            #expect(error?.description.contains("refusing to contact exfiltrate.example:8443") == true, "\(String(describing: error))")
            #expect(error?.description.contains("allowed: api.anthropic.test:443, api.openai.test:443") == true, "\(String(describing: error))")
            // The allowed hosts still work through the same transport.
            let allowedProvider = HTTPProvider.direct(.anthropic, configuration: configuration, transport: transport, logger: silentLogger)
            _ = try await allowedProvider.complete(Self.request(.anthropic))
            try await transport.shutdown()
            #expect(network.proxy.tunnels == ["api.anthropic.test:443"], "no connection was attempted for the refused host")
        }
    }
}
