import ArgumentParser
import ChimeraCore
import ChimeraSimulator
import Foundation

/// `chimera simulate`: serve the fake upstream providers for offline use.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the provider simulator: fake OpenAI, Anthropic, Gemini, DeepSeek, Qwen and Cursor APIs on one port.",
        discussion: """
            Speaks each provider's real wire format at its own paths, with deterministic replies. Point \
            <P>_BASE_URL at it (the values are printed at start) and use any API key except "invalid". Fault \
            switches go after an @ in the model name, e.g. gpt-4.1@latency=200,split=3, or in an \
            \(ProviderSimulator.optionsHeader) header. Runs until SIGINT or SIGTERM.
            """
    )

    @Option(help: "The address to bind.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 9000

    func run() async throws {
        let simulator: RunningSimulator
        do {
            simulator = try await ProviderSimulator.start(host: host, port: port)
        } catch {
            printToStandardError("error: cannot listen on \(host):\(port): \(error)")
            throw ExitCode.failure
        }
        let exports = ProviderID.allCases.map { "\($0.environmentPrefix)_BASE_URL=\(simulator.baseURL(for: $0).absoluteString)" }
        // Written straight to the file descriptor: `print` would sit in a buffer when stdout is a
        // pipe, and scripts wait for this line to learn the port.
        let line = "chimera simulator listening on \(host):\(simulator.port); export \(exports.joined(separator: " "))\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        await waitForTerminationSignal()
        try await simulator.shutdown()
    }
}
