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
            Speaks each provider's real wire format at its own paths, with deterministic answers: chat \
            (OpenAI Chat Completions and Responses, Anthropic Messages, Gemini generateContent) with tool \
            calls, tool results, reasoning with signatures, images and documents, structured output and \
            cached-token usage; embeddings; token counting. Point <P>_BASE_URL at it (the values are printed \
            at start) and use any API key except "invalid". GET /_simulator/requests shows the last requests \
            received, GET /_simulator/stats the counts. Runs until SIGINT or SIGTERM. See docs/simulator.md.

            Switches go after an @ in the model name, comma-separated (gpt-4.1@latency=200,split=3), or in \
            an \(ProviderSimulator.optionsHeader) header; the model name wins. "Text chunks" are the stream \
            chunks that carry a word of the text or a piece of a tool call's arguments.

            \(ProviderSimulator.switchHelp)
            """
    )

    @Option(help: "The address to bind.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 9000

    func validate() throws {
        try ListeningPort.validate(port)
    }

    func run() async throws {
        let simulator: RunningSimulator
        do {
            simulator = try await ProviderSimulator.start(host: host, port: port)
        } catch {
            printToStandardError(startFailure(error))
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
