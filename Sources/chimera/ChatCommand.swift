import ArgumentParser
import Chimera
import Foundation

/// `chimera chat`: one request to one provider, in the configured connection mode.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Send one prompt to a provider and print the answer as it streams.",
        discussion: "Uses the configuration from the environment (direct or proxy mode). Errors go to stderr with a non-zero exit."
    )

    @Option(help: "The provider: \(ProviderID.allCases.map(\.rawValue).joined(separator: ", ")).")
    var provider: String

    @Option(help: "The provider's model id, e.g. gpt-4.1, claude-sonnet-4-5, gemini-2.5-flash.")
    var model: String

    @Option(help: "A system instruction.")
    var system: String?

    @Option(help: "The most tokens to generate.")
    var maxTokens: Int?

    @Option(help: "Sampling temperature.")
    var temperature: Double?

    @Flag(help: "Wait for the whole answer instead of streaming it.")
    var noStream = false

    @Flag(help: "Print the final response as JSON (text, finish reason, usage, route, protocol).")
    var json = false

    @Argument(help: "The prompt.")
    var prompt: String

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = makeLogger(level: configuration.logLevel, label: "chimera.chat")
        let service = LLMService(configuration: configuration, logger: logger)
        let exitCode: ExitCode
        do {
            let providerID = try ProviderID(parsing: provider)
            var messages: [ChatMessage] = []
            if let system { messages.append(.system(system)) }
            messages.append(.user(prompt))
            let request = ChatRequest(
                provider: providerID, model: model, messages: messages,
                temperature: temperature, maxTokens: maxTokens, stream: !noStream
            )
            let response: ChatResponse
            if noStream {
                response = try await service.complete(request)
                if !json { print(response.text) }
            } else {
                let stream = try await service.stream(request)
                var text = ""
                var finishReason: FinishReason?
                var usage: Usage?
                for try await event in stream {
                    switch event {
                    case .delta(let piece):
                        text += piece
                        if !json { FileHandle.standardOutput.write(Data(piece.utf8)) }
                    case .finish(let reason, _): finishReason = reason
                    case .usage(let counts): usage = counts
                    default: break
                    }
                }
                if !json { print() }
                response = ChatResponse(id: "stream", provider: providerID, model: model, text: text, finishReason: finishReason,
                                        usage: usage, route: stream.route, wireProtocol: stream.wireProtocol)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(ChatOutput(response)), as: UTF8.self))
            }
            exitCode = .success
        } catch {
            printToStandardError("error: \(ChimeraError(describing: error).description)")
            exitCode = .failure
        }
        try await service.shutdown()
        throw exitCode
    }
}

/// Reads and validates the environment, printing every problem and exiting non-zero when it is invalid.
func loadConfiguration() throws -> ChimeraConfiguration {
    do {
        return try ChimeraConfiguration(environment: ProcessInfo.processInfo.environment)
    } catch {
        printToStandardError(error.description)
        throw ExitCode.failure
    }
}

/// What `chat --json` prints of an answer.
private struct ChatOutput: Encodable {
    var id: String
    var provider: String
    var model: String
    var text: String
    var finishReason: String?
    var usage: UsageOutput?
    var route: String
    var wireProtocol: String

    struct UsageOutput: Encodable {
        var inputTokens: Int
        var outputTokens: Int
        var totalTokens: Int
    }

    init(_ response: ChatResponse) {
        id = response.id
        provider = response.provider.rawValue
        model = response.model
        text = response.text
        finishReason = response.finishReason?.rawValue
        usage = response.usage.map { UsageOutput(inputTokens: $0.inputTokens, outputTokens: $0.outputTokens, totalTokens: $0.totalTokens) }
        route = response.route.rawValue
        wireProtocol = response.wireProtocol.rawValue
    }
}

extension ChimeraError {
    /// Any error as a ``ChimeraError`` for printing.
    init(describing error: any Error) {
        self = error as? ChimeraError ?? ChimeraError(kind: .upstream, message: String(describing: error))
    }
}
