import ArgumentParser
import Chimera
import ChimeraProxyServer
import ChimeraTransport
import Foundation

/// `chimera demo`: the whole product on built-in defaults, offline, in seconds.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run Chimera end to end offline: simulator, local proxy, six providers in proxy mode, health, failure and fallback.",
        discussion: "Starts the provider simulator and `chimera proxy` on free loopback ports; needs no keys and no network."
    )

    @Flag(help: "Show the proxy's and the library's log lines.")
    var verbose = false

    func run() async throws {
        let logger = verbose ? makeLogger(level: .debug, label: "chimera.demo") : quietLogger()
        let terminal = Terminal()
        terminal.progress("starting the provider simulator and chimera proxy on loopback")
        let (proxy, simulator) = try await startSimulatedProxy(logger: logger)
        terminal.line("simulator: \(simulator.baseURL(for: .anthropic))   proxy: \(proxy.baseURL)")

        var proxyConfiguration = ChimeraConfiguration(connectionMode: .proxy, logLevel: .warning)
        proxyConfiguration.proxy.serverURL = proxy.baseURL
        proxyConfiguration.proxy.maxRetries = 1
        proxyConfiguration.proxy.timeouts.request = .seconds(5)

        for wireProtocol in [ProxyProtocolPreference.protobuf, .json] {
            var configuration = proxyConfiguration
            configuration.proxy.wireProtocol = wireProtocol
            let service = LLMService(configuration: configuration, logger: logger)
            terminal.heading("Proxy mode, PROXY_PROTOCOL=\(wireProtocol.rawValue): one streamed request to each provider")
            var rows: [[String]] = []
            for provider in ProviderID.allCases {
                let row = try await streamOnce(service: service, provider: provider, terminal: terminal)
                rows.append(row)
            }
            try await service.shutdown()
            terminal.table(header: ["provider", "route", "protocol", "first token", "total", "tokens in/out"], rows: rows)
        }

        terminal.heading("Proxy health")
        let probeService = LLMService(configuration: proxyConfiguration, logger: logger)
        let probe = await ProxyProbe(proxyURL: proxy.baseURL, apiKey: nil, transport: probeService.transport, timeout: .seconds(2)).run(logger: logger)
        try await probeService.shutdown()
        terminal.line("  \(proxy.baseURL): \(probe.isAlive ? "alive" : "down"), /health answered in \(Self.format(probe.latency))")
        terminal.line("  protocols offered: \(probe.protocols?.joined(separator: ", ") ?? "json")")
        if let upstreams = probe.upstreams {
            terminal.line("  upstreams: \(upstreams.count - upstreams.unhealthyCount) of \(upstreams.count) healthy (summaryHealth: \(upstreams.summaryHealth))")
        }

        terminal.heading("The proxy stops")
        try await proxy.server.shutdown()
        let downService = LLMService(configuration: proxyConfiguration, logger: logger)
        do {
            _ = try await downService.complete(Self.request(for: .openai, stream: false))
            terminal.line("unexpected: the request succeeded")
        } catch {
            terminal.line("a request now fails with:\n  \(ChimeraError(describing: error).description)")
        }
        try await downService.shutdown()

        terminal.heading("The same request with PROXY_FALLBACK_TO_DIRECT=true")
        var fallback = proxyConfiguration
        fallback.proxy.fallbackToDirect = true
        fallback.proxy.maxRetries = 0
        for id in ProviderID.allCases {
            fallback.providers[id]?.baseURL = simulator.baseURL(for: id)
            fallback.providers[id]?.apiKey = Secret("demo-key")
        }
        let fallbackService = LLMService(configuration: fallback, logger: logger)
        let answer = try await fallbackService.complete(Self.request(for: .openai, stream: false))
        terminal.line("route: \(answer.route.rawValue), protocol: \(answer.wireProtocol.rawValue)\n  \(answer.text)")
        try await fallbackService.shutdown()
        try await proxy.shutdown()
        try await simulator.shutdown()
        terminal.line("\ndone: every provider answered through the proxy, the failure was explained, and fallback went direct.")
    }

    private func streamOnce(service: LLMService, provider: ProviderID, terminal: Terminal) async throws -> [String] {
        let clock = ContinuousClock()
        let started = clock.now
        var firstToken: Duration?
        var usage: Usage?
        terminal.write("  \(provider.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) ▸ ")
        let stream = try await service.stream(Self.request(for: provider, stream: true))
        for try await event in stream {
            switch event {
            case .delta(let text):
                if firstToken == nil { firstToken = clock.now - started }
                terminal.write(text)
            case .usage(let counts): usage = counts
            default: break
            }
        }
        let total = clock.now - started
        terminal.write("\n")
        return [
            provider.rawValue, stream.route.rawValue, stream.wireProtocol.rawValue,
            Self.format(firstToken ?? total), Self.format(total),
            usage.map { "\($0.inputTokens)/\($0.outputTokens)" } ?? "-",
        ]
    }

    /// The demo's request: a short prompt; the simulator's `latency` switch makes the streaming visible.
    static func request(for provider: ProviderID, stream: Bool) -> ChatRequest {
        ChatRequest(
            provider: provider,
            model: "\(demoModels[provider]!)@latency=12",
            messages: [.system("You are a concise assistant."), .user("Say hello to Chimera’s users — 你好, 👋")],
            maxTokens: 64,
            stream: stream
        )
    }

    static let demoModels: [ProviderID: String] = [
        .openai: "gpt-4.1", .anthropic: "claude-sonnet-4-5", .gemini: "gemini-2.5-flash",
        .deepseek: "deepseek-chat", .qwen: "qwen-plus", .cursor: "cursor-small",
    ]

    static func format(_ duration: Duration) -> String {
        String(format: "%.1f ms", duration.seconds * 1000)
    }
}
