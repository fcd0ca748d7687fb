import ArgumentParser
import Chimera
import ChimeraAPIServer
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

    @Option(help: "An image to send with the prompt: a .png, .jpg, .gif, .webp or .heic file, or an http(s) URL. Repeatable.")
    var image: [String] = []

    @Option(help: "A file holding a JSON Schema the answer must follow (structured output).")
    var jsonSchema: String?

    @Flag(help: "Wait for the whole answer instead of streaming it.")
    var noStream = false

    @Flag(help: "Print the final response as JSON, as POST /api/v1/generate answers: id, provider, model, text, finish_reason, usage, route, protocol.")
    var json = false

    @Flag(help: "Also write the log (retries, the proxy's health) to stderr; without it a failure is one error line.")
    var verbose = false

    @Argument(help: "The prompt.")
    var prompt: String

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = verbose ? makeLogger(level: configuration.logLevel, label: "chimera.chat") : quietLogger()
        let service = LLMService(configuration: configuration, logger: logger)
        var output = StreamedOutput(printing: !json)
        let exitCode: ExitCode
        do {
            let providerID = try ProviderID(parsing: provider)
            var messages: [ChatMessage] = []
            if let system { messages.append(.system(system)) }
            let images = try image.map(ChatAttachments.image)
            messages.append(images.isEmpty ? .user(prompt) : .user([.text(prompt)] + images))
            let request = ChatRequest(
                provider: providerID, model: model, messages: messages,
                temperature: temperature, maxTokens: maxTokens, stream: !noStream,
                responseFormat: try jsonSchema.map(ChatAttachments.jsonSchema)
            )
            let response: ChatResponse
            if noStream {
                response = try await service.complete(request)
                if !json { print(response.text) }
            } else {
                let stream = try await service.stream(request)
                var id = ""
                var answeringModel = model
                var finishReason: FinishReason?
                var usage: Usage?
                for try await event in stream {
                    switch event {
                    case .start(let streamID, let streamModel):
                        id = streamID
                        if !streamModel.isEmpty { answeringModel = streamModel }
                    case .delta(let piece): output.write(piece)
                    case .finish(let reason, _): finishReason = reason
                    case .usage(let counts): usage = counts
                    default: break
                    }
                }
                output.endLine()
                response = ChatResponse(id: id, provider: providerID, model: answeringModel, text: output.text, finishReason: finishReason,
                                        usage: usage, route: stream.route, wireProtocol: stream.wireProtocol)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(GenerateResponse(response)), as: UTF8.self))
            }
            exitCode = .success
        } catch let error as ValidationError {
            printToStandardError("error: \(error.message)")
            exitCode = .failure
        } catch {
            // A stream that failed midway: its partial text keeps its own line, the error gets the next.
            output.endLine()
            printToStandardError("error: \(ChimeraError(describing: error).description)")
            exitCode = .failure
        }
        try await service.shutdown()
        throw exitCode
    }
}

/// The text of a streamed answer, printed as it arrives unless the answer is printed as JSON.
private struct StreamedOutput {
    let printing: Bool
    private(set) var text = ""
    private var lineOpen = false

    init(printing: Bool) { self.printing = printing }

    mutating func write(_ piece: String) {
        text += piece
        guard printing, !piece.isEmpty else { return }
        FileHandle.standardOutput.write(Data(piece.utf8))
        lineOpen = !piece.hasSuffix("\n")
    }

    /// Ends the printed text's line, if one is open.
    mutating func endLine() {
        guard lineOpen else { return }
        print()
        lineOpen = false
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

extension ChimeraError {
    /// Any error as a ``ChimeraError`` for printing.
    init(describing error: any Error) {
        self = error as? ChimeraError ?? ChimeraError(kind: .upstream, message: String(describing: error))
    }
}
