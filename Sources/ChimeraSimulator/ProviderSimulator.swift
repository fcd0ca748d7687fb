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
/// | `POST /v1/messages` | Anthropic Messages |
/// | `POST /v1beta/models/{model}:generateContent` | Gemini, unary |
/// | `POST /v1beta/models/{model}:streamGenerateContent` | Gemini, SSE (`?alt=sse` accepted) |
/// | `GET /v1/models` | OpenAI model list; Anthropic's when the request has `anthropic-version` |
/// | `GET /v1beta/models` | Gemini model list |
/// | `GET /_simulator/stats` | ``SimulatorStats`` as JSON |
///
/// Each protocol checks its own credentials: OpenAI `Authorization: Bearer`, Anthropic
/// `x-api-key` or `Authorization: Bearer` plus any `anthropic-version`, Gemini
/// `x-goog-api-key` or `?key=`. Any non-empty key is accepted except `invalid`, which is
/// refused like a wrong key. Bad JSON or a missing required field is a 400 in the protocol's
/// error shape.
///
/// Replies are deterministic (see `SimulatedReply`): `Simulated reply from <model>: ` and the
/// words of the last user message, or `words=n` filler words; usage counts words; output
/// limits and stop sequences cut the reply with the protocol's finish reason. Streams go word by
/// word in each protocol's exact event sequence and are written as they are produced.
///
/// Fault switches (latency, split bodies, CRLF, error statuses, stalls, resets, malformed and
/// truncated streams, in-band errors) follow an `@` in the model name (`gpt-4.1@latency=20`) or
/// come in the ``optionsHeader`` header; `SimulatorOptions` lists them.
public enum ProviderSimulator {
    /// The header that carries fault switches, with the syntax of the model-name suffix.
    public static let optionsHeader = "X-Simulator-Options"

    static let optionsHeaderName = HTTPField.Name(optionsHeader)!

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
        let openAI = ChatEndpoint(dialect: OpenAIDialect(), state: state)
        let anthropic = ChatEndpoint(dialect: AnthropicDialect(), state: state)
        let gemini = ChatEndpoint(dialect: GeminiDialect(), state: state)
        let openAIModels = ModelListEndpoint(dialect: OpenAIDialect(), state: state)
        let anthropicModels = ModelListEndpoint(dialect: AnthropicDialect(), state: state)
        let geminiModels = ModelListEndpoint(dialect: GeminiDialect(), state: state)

        router.post("v1/chat/completions") { request, context in
            try await openAI.respond(to: request, context: context, route: .chatCompletions)
        }
        router.post("v1/messages") { request, context in
            try await anthropic.respond(to: request, context: context, route: .messages)
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
                default:
                    throw HTTPError(.notFound)
                }
            }
        }
        router.get("v1/models") { request, context in
            if request.headers[AnthropicDialect.versionHeader] != nil {
                return try await anthropicModels.respond(to: request, context: context, route: .models)
            }
            // google-genai's `v1` API lists models here too; its key tells it apart.
            if request.headers[GeminiDialect.apiKeyHeader] != nil || request.uri.queryParameters.get("key") != nil {
                return try await geminiModels.respond(to: request, context: context, route: .geminiModels)
            }
            return try await openAIModels.respond(to: request, context: context, route: .models)
        }
        router.get("v1beta/models") { request, context in
            try await geminiModels.respond(to: request, context: context, route: .geminiModels)
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
