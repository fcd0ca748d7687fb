import ChimeraServerSupport
import Foundation
import HTTPTypes
import Hummingbird
public import Logging

/// A fake of the upstream LLM providers that speaks their real wire formats on one port.
///
/// It answers at the providers' own paths, so pointing `<PROVIDER>_BASE_URL` at it (see
/// ``RunningSimulator/baseURL(for:)``) runs Chimera end to end offline:
///
/// | route | protocol |
/// |---|---|
/// | `POST /v1/chat/completions` | OpenAI Chat Completions; DeepSeek, Qwen and Cursor by model name |
/// | `POST /v1/responses` | the OpenAI Responses API |
/// | `POST /v1/embeddings` | OpenAI-compatible embeddings (Qwen's by model name; none for DeepSeek or Anthropic: 404) |
/// | `POST /v1/messages` | Anthropic Messages |
/// | `POST /v1/messages/count_tokens` | Anthropic token counting |
/// | `POST /v1beta/models/{model}:generateContent` | Gemini, unary (also under `/v1/models/…`) |
/// | `POST /v1beta/models/{model}:streamGenerateContent` | Gemini, SSE (`?alt=sse` accepted) |
/// | `POST /v1beta/models/{model}:countTokens` | Gemini token counting |
/// | `POST /v1beta/models/{model}:embedContent`, `:batchEmbedContents` | Gemini embeddings |
/// | `GET /v1/models` | OpenAI model list; Anthropic's with `anthropic-version`, Gemini's with a Gemini key |
/// | `GET /v1beta/models` | Gemini model list |
/// | `GET /_simulator/stats` | ``SimulatorStats`` as JSON |
/// | `GET /_simulator/requests?limit=N` | the last N requests received (``RecordedRequest``), oldest first |
/// | `DELETE /_simulator/requests` | forgets the recorded requests |
///
/// Each protocol checks its own credentials: OpenAI `Authorization: Bearer`, Anthropic
/// `x-api-key` or `Authorization: Bearer` plus any `anthropic-version`, Gemini
/// `x-goog-api-key` or `?key=`. Any non-empty key is accepted except `invalid`, which is
/// refused like a wrong key. Bad JSON, a missing required field or a request the provider
/// would refuse (an unanswered tool call, a forged thought signature …) is a 400 in the
/// protocol's error shape, naming the field; unknown fields are accepted.
///
/// Answers are deterministic, derived only from the request and a small memory of prompt
/// prefixes and issued responses (see `SimulatedAnswer`): `Simulated reply from <model>: ` and
/// the words of the last user message, or `words=n` filler words; tool calls with arguments
/// built from the tool's schema; quotes of tool results; reasoning with verifiable signatures;
/// JSON that fits a requested schema. Usage counts words; output limits and stop sequences cut
/// the text with the protocol's finish reason. Streams go word by word in each protocol's exact
/// event sequence and are written as they are produced. `docs/simulator.md` describes it all.
///
/// Switches (latency, split bodies, CRLF, error statuses, stalls, resets, malformed and
/// truncated streams, in-band errors, parallel tool calls, redacted thinking) follow an `@` in
/// the model name (`gpt-4.1@latency=20`) or come in the ``optionsHeader`` header; ``switchHelp``
/// lists them.
public enum ProviderSimulator {
    /// The header that carries fault switches, with the syntax of the model-name suffix.
    public static let optionsHeader = "X-Simulator-Options"

    static let optionsHeaderName = HTTPField.Name(optionsHeader)!

    /// Every switch and what it does, as a two-column table no wider than 78 characters, so
    /// that `chimera simulate --help` can print it without the terminal breaking its lines.
    public static var switchHelp: String {
        let width = SimulatorOptions.catalogue.map(\.syntax.count).max() ?? 0
        let indent = String(repeating: " ", count: width + 2)
        return SimulatorOptions.catalogue.map { entry in
            var lines: [String] = []
            var line = entry.syntax.padding(toLength: width, withPad: " ", startingAt: 0) + " "
            for word in entry.meaning.split(separator: " ") {
                if line.count + 1 + word.count > 78 {
                    lines.append(line)
                    line = indent + word
                } else {
                    line += " " + word
                }
            }
            return (lines + [line]).joined(separator: "\n")
        }
        .joined(separator: "\n")
    }

    /// Starts a simulator in the background and returns once it listens.
    ///
    /// - Parameters:
    ///   - host: The address to bind.
    ///   - port: The port to bind; 0 picks a free one.
    ///   - logger: Where the server logs; silent by default.
    /// - Returns: The running simulator.
    /// - Throws: The error that kept the server from listening, such as an address in use.
    public static func start(
        host: String = "127.0.0.1",
        port: Int = 0,
        logger: Logger = Logger(label: "chimera.simulator", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> RunningSimulator {
        let state = SimulatorState()
        let server = try await RunningServer.start(router: router(state: state), host: host, port: port, logger: logger)
        state.attach(server)
        return RunningSimulator(server: server, state: state)
    }

    private static func router(state: SimulatorState) -> Router<SimulatorRequestContext> {
        let router = Router(context: SimulatorRequestContext.self)
        router.add(middleware: RequestRecorder(log: state.requests))
        let openAIDialect = OpenAIDialect()
        let anthropicDialect = AnthropicDialect()
        let geminiDialect = GeminiDialect()
        let openAI = ChatEndpoint(dialect: openAIDialect, state: state)
        let responses = ChatEndpoint(dialect: ResponsesDialect(), state: state)
        let anthropic = ChatEndpoint(dialect: anthropicDialect, state: state)
        let gemini = ChatEndpoint(dialect: geminiDialect, state: state)
        let openAIJSON = JSONEndpoint(dialect: openAIDialect, state: state)
        let anthropicJSON = JSONEndpoint(dialect: anthropicDialect, state: state)
        let geminiJSON = JSONEndpoint(dialect: geminiDialect, state: state)

        router.post("v1/chat/completions") { request, context in
            try await openAI.respond(to: request, context: context, route: .chatCompletions)
        }
        router.post("v1/responses") { request, context in
            try await responses.respond(to: request, context: context, route: .responses)
        }
        router.post("v1/embeddings") { request, context in
            // Anthropic has no embeddings; its clients (known by their version header) get its 404.
            if request.headers[AnthropicDialect.versionHeader] != nil {
                return try await anthropicJSON.respond(to: request, context: context, route: .embeddings) { _ throws(SimulatedFailure) in
                    throw .notFound(message: "Not found: Anthropic has no embeddings endpoint.")
                }
            }
            return try await openAIJSON.respond(to: request, context: context, route: .embeddings) { body throws(SimulatedFailure) in
                try OpenAIEmbeddings.read(body, dialect: openAIDialect)
            }
        }
        router.post("v1/messages") { request, context in
            try await anthropic.respond(to: request, context: context, route: .messages)
        }
        router.post("v1/messages/count_tokens") { request, context in
            try await anthropicJSON.respond(to: request, context: context, route: .countTokens) { body throws(SimulatedFailure) in
                try TokenCounting.read(body, dialect: anthropicDialect, answer: TokenCounting.anthropic)
            }
        }
        for version in ["v1beta", "v1"] {
            router.post("\(version)/models/:target") { request, context in
                // The last path segment is `<model>:<method>`; the model may be percent-encoded.
                let target = try context.parameters.require("target")
                let decoded = target.removingPercentEncoding ?? target
                guard let colon = decoded.lastIndex(of: ":") else { throw HTTPError(.notFound) }
                let model = String(decoded[..<colon])
                switch decoded[decoded.index(after: colon)...] {
                case "generateContent":
                    return try await gemini.respond(to: request, context: context, route: .generateContent, pathModel: model)
                case "streamGenerateContent":
                    return try await gemini.respond(to: request, context: context, route: .streamGenerateContent, pathModel: model)
                case "countTokens":
                    return try await geminiJSON.respond(to: request, context: context, route: .geminiCountTokens) { body throws(SimulatedFailure) in
                        try TokenCounting.read(body, dialect: geminiDialect, pathModel: model, answer: TokenCounting.gemini)
                    }
                case "embedContent":
                    return try await geminiJSON.respond(to: request, context: context, route: .embedContent) { body throws(SimulatedFailure) in
                        try GeminiEmbeddings.readSingle(body, model: model, dialect: geminiDialect)
                    }
                case "batchEmbedContents":
                    return try await geminiJSON.respond(to: request, context: context, route: .batchEmbedContents) { body throws(SimulatedFailure) in
                        try GeminiEmbeddings.readBatch(body, model: model, dialect: geminiDialect)
                    }
                default:
                    throw HTTPError(.notFound)
                }
            }
        }
        router.get("v1/models") { request, context in
            if request.headers[AnthropicDialect.versionHeader] != nil {
                return try await anthropicJSON.respondWithModelList(to: request, context: context, route: .models)
            }
            // google-genai's `v1` API lists models here too; its key tells it apart.
            if request.headers[GeminiDialect.apiKeyHeader] != nil || request.uri.queryParameters.get("key") != nil {
                return try await geminiJSON.respondWithModelList(to: request, context: context, route: .geminiModels)
            }
            return try await openAIJSON.respondWithModelList(to: request, context: context, route: .models)
        }
        router.get("v1beta/models") { request, context in
            try await geminiJSON.respondWithModelList(to: request, context: context, route: .geminiModels)
        }
        router.get("_simulator/requests") { request, _ in
            let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 20
            return try jsonResponse(RequestsPage(requests: state.requests.newest(limit)))
        }
        router.delete("_simulator/requests") { _, _ in
            state.requests.clear()
            return Response(status: .noContent)
        }
        router.get("_simulator/stats") { _, _ in
            try jsonResponse(state.snapshot)
        }
        return router
    }

    /// The answers of the `/_simulator/…` routes, as JSON with sorted keys.
    private static func jsonResponse(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value)))
        )
    }

    /// The body of `GET /_simulator/requests`.
    private struct RequestsPage: Encodable {
        var requests: [RecordedRequest]
    }
}
