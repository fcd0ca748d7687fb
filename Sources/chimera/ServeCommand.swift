import ArgumentParser
import Chimera
import ChimeraAPIServer
import Foundation

/// `chimera serve`: Chimera's HTTP API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run Chimera's HTTP API server.",
        discussion: """
            Serves GET /health, GET /health/proxy, POST /api/v1/generate, GET /api/v1/providers, \
            POST /v1/chat/completions (OpenAI-compatible, model written <provider>/<model>) and GET /metrics, \
            in the connection mode of the environment (API_CONNECTION_MODE). In proxy mode it also checks the \
            proxy every PROXY_HEALTH_CHECK_INTERVAL_SECONDS. When CHIMERA_API_KEY is set, every route but \
            /health wants it as Authorization: Bearer <key>; without it only loopback addresses may be bound. \
            SIGINT or SIGTERM stops accepting connections and lets requests in flight finish (at most \
            --shutdown-grace-period seconds) before exiting 0. See docs/http-api.md.
            """
    )

    @Option(help: "The address to bind. Without CHIMERA_API_KEY only loopback addresses are allowed.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8000

    @Option(help: "The largest request body accepted, in bytes.")
    var maxBodyBytes = APIServer.Options().maxBodyBytes

    @Option(help: "Seconds that requests in flight get to finish after SIGINT or SIGTERM.")
    var shutdownGracePeriod = 30.0

    func validate() throws {
        try ListeningPort.validate(port)
        guard maxBodyBytes > 0 else {
            throw ValidationError("--max-body-bytes \(maxBodyBytes): accepted: a positive number of bytes")
        }
        guard shutdownGracePeriod.isFinite, shutdownGracePeriod >= 0 else {
            throw ValidationError("--shutdown-grace-period \(shutdownGracePeriod): accepted: 0 or more seconds")
        }
    }

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = makeLogger(level: configuration.logLevel, label: "chimera.serve")
        let options = APIServer.Options(apiKey: configuration.apiKey, maxBodyBytes: maxBodyBytes)
        let server: RunningAPIServer
        do {
            server = try await RunningAPIServer.start(
                configuration: configuration, options: options, host: host, port: port,
                gracePeriod: .milliseconds(Int64(shutdownGracePeriod * 1000)), logger: logger
            )
        } catch {
            printToStandardError(startFailure(error))
            throw ExitCode.failure
        }
        var mode = configuration.connectionMode.rawValue
        if configuration.connectionMode == .proxy {
            mode += " via \(Redaction.redact(configuration.proxy.serverURL.absoluteString))"
        }
        // Written unbuffered: scripts that start the server wait for this line.
        FileHandle.standardOutput.write(Data("chimera serve listening on \(server.baseURL) (\(mode)\(options.apiKey == nil ? "" : ", bearer key required"))\n".utf8))
        await waitForTerminationSignal()
        logger.notice("shutting down: no new connections; requests in flight may finish", metadata: ["grace_period_s": "\(shutdownGracePeriod)"])
        try await server.shutdown()
    }
}
