import ArgumentParser
import Chimera
import ChimeraProxyServer
import ChimeraSimulator
import Foundation
import ServiceLifecycle

/// `chimera proxy`: an AIClient-2-API-compatible LLM proxy.
struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Run an LLM proxy compatible with AIClient-2-API's data plane.",
        discussion: """
            Serves POST /v1/chat/completions, /v1/messages, /v1beta/models/{model}:generateContent and \
            :streamGenerateContent, GET /v1/models, /v1beta/models, /health and /provider_health. A path prefix \
            /<provider-id>/ or a Model-Provider header picks the upstream (ids: \(ProxyProviderIDs.list)). \
            Upstreams come from <P>_API_KEY and <P>_BASE_URL; --simulate serves them all from the built-in simulator.
            """
    )

    @Option(help: "The address to bind. Without --api-key only loopback addresses are allowed.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    func validate() throws {
        try ListeningPort.validate(port)
    }

    @Option(help: "The key clients must send (Authorization: Bearer, x-api-key, x-goog-api-key or ?key=); CHIMERA_PROXY_API_KEY also sets it, without showing it in the process list.")
    var apiKey: String?

    @Option(help: "The provider for requests that name none (default: the one whose protocol the caller speaks).")
    var defaultProvider: String?

    @Flag(help: "Serve every provider from the built-in simulator (offline).")
    var simulate = false

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = makeLogger(level: configuration.logLevel, label: "chimera.proxy")
        // Empty or blank counts as unset, so `--api-key ""` cannot pass for protection.
        var options = ProxyServer.Options(apiKey: Secret.nonBlank(apiKey) ?? configuration.proxyServerAPIKey)
        if let defaultProvider {
            guard let provider = ProxyProviderIDs.provider(for: defaultProvider) else {
                throw ValidationError("--default-provider \(defaultProvider): accepted: \(ProxyProviderIDs.list)")
            }
            options.defaultProvider = provider
        }
        let proxy: RunningProxy
        var simulator: RunningSimulator?
        do {
            var upstreams = configuration
            if simulate {
                let started = try await ProviderSimulator.start()
                upstreams = started.configuring(configuration)
                simulator = started
            }
            proxy = try await RunningProxy.start(configuration: upstreams, options: options, host: host, port: port, logger: logger)
        } catch {
            try await simulator?.shutdown()
            printToStandardError(startFailure(error))
            throw ExitCode.failure
        }
        // Written unbuffered: scripts (and tests) that start the proxy wait for the first line.
        FileHandle.standardOutput.write(Data("""
            chimera proxy listening on \(proxy.baseURL)\(simulate ? " (simulated upstreams)" : "")
            use it with: API_CONNECTION_MODE=proxy PROXY_SERVER_URL=\(proxy.baseURL)\(options.apiKey == nil ? "" : " PROXY_API_KEY=<the key>")

            """.utf8))
        await waitForTerminationSignal()
        try await proxy.shutdown()
        try await simulator?.shutdown()
    }
}
