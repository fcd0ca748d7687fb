import ChimeraCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// OpenAI Chat Completions (wire-format reference §1), with the DeepSeek (§4), Qwen (§5) and
/// Cursor flavours chosen by the model name.
///
/// Flavours: a `deepseek…` model streams `: keep-alive` comments between some chunks and
/// reasoning in `reasoning_content` before the content (unary: `message.reasoning_content`); a
/// `qwen…` model adds a top-level `request_id` to error bodies. Reasoning words are not counted
/// in usage.
struct OpenAIDialect: SimulatorDialect {
    /// The reasoning a DeepSeek model shows before answering.
    static let reasoning = "Simulated reasoning before the answer."

    func provider(forModel model: String?) -> ProviderID {
        let name = model?.lowercased() ?? ""
        for provider in [ProviderID.deepseek, .qwen, .cursor] where name.hasPrefix(provider.rawValue) {
            return provider
        }
        return .openai
    }

    func authenticate(_ request: Request) -> SimulatedFailure? {
        guard let key = BearerToken.value(in: request.headers), !key.isEmpty else { return .missingKey }
        return key == SimulatedFailure.invalidKeyValue ? .invalidKey : nil
    }

    private struct Body: Decodable {
        var model: String?
        var messages: [Message]?
        var maxCompletionTokens: Int?
        var maxTokens: Int?
        var stop: StopSequences?
        var stream: Bool?
        var streamOptions: StreamOptions?

        enum CodingKeys: String, CodingKey {
            case model, messages, stop, stream
            case maxCompletionTokens = "max_completion_tokens"
            case maxTokens = "max_tokens"
            case streamOptions = "stream_options"
        }

        struct Message: Decodable {
            var role: String
            var content: TextContent?
        }

        struct StreamOptions: Decodable {
            var includeUsage: Bool?

            enum CodingKeys: String, CodingKey {
                case includeUsage = "include_usage"
            }
        }

        /// `stop` is a string or an array of strings.
        struct StopSequences: Decodable {
            var values: [String]

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let single = try? container.decode(String.self) {
                    values = [single]
                } else {
                    values = try container.decode([String].self)
                }
            }
        }
    }

    func decodePrompt(_ body: ByteBuffer, pathModel: String?, routeStreams: Bool) throws(SimulatedFailure) -> ChatPrompt {
        let request = try decodeBody(Body.self, from: body)
        guard let model = request.model else {
            throw .invalidRequest(message: "Missing required parameter: 'model'.", parameter: "model")
        }
        guard let messages = request.messages else {
            throw .invalidRequest(message: "Missing required parameter: 'messages'.", parameter: "messages")
        }
        return ChatPrompt(
            model: model,
            inputWords: messages.reduce(0) { $0 + ($1.content?.words.count ?? 0) },
            lastUserWords: messages.last { $0.role == "user" }?.content?.words ?? [],
            maxOutputWords: request.maxCompletionTokens ?? request.maxTokens,
            stopSequences: request.stop?.values ?? [],
            stream: request.stream ?? false,
            includeUsage: request.streamOptions?.includeUsage ?? false
        )
    }

    func error(_ failure: SimulatedFailure, exchange: Exchange) -> (status: Int, body: String) {
        let (status, message, type, parameter, code) = describe(failure, provider: exchange.provider)
        var body: [(String, JSONValue)] = [
            ("error", ["message": .string(message), "type": .string(type), "param": .nullable(parameter), "code": .nullable(code)])
        ]
        if exchange.provider == .qwen {
            body.append(("request_id", .string("sim-request-\(exchange.number)")))
        }
        return (status, JSONValue.fields(body).serialized)
    }

    private func describe(
        _ failure: SimulatedFailure,
        provider: ProviderID
    ) -> (status: Int, message: String, type: String, parameter: String?, code: String?) {
        switch failure {
        case .missingKey where provider == .deepseek, .invalidKey where provider == .deepseek:
            return (401, "Authentication Fails, Your api key is invalid", "authentication_error", nil, "invalid_request_error")
        case .missingKey:
            return (401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error", nil, nil)
        case .invalidKey:
            return (401, "Incorrect API key provided.", "invalid_request_error", nil, "invalid_api_key")
        case .missingVersion:
            preconditionFailure("the OpenAI protocol has no version header")
        case .invalidRequest(let message, let parameter):
            return (400, message, "invalid_request_error", parameter, nil)
        case .quota:
            return (429, "You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", nil, "insufficient_quota")
        case .status(let status, _, _):
            switch status {
            case 401: return (status, "Incorrect API key provided.", "invalid_request_error", nil, "invalid_api_key")
            case 404: return (status, "The model does not exist or you do not have access to it.", "invalid_request_error", nil, "model_not_found")
            case 429 where provider == .qwen: return (status, "Requests rate limit exceeded, please try again later.", "limit_requests", nil, "Throttling.RateQuota")
            case 429: return (status, "Rate limit reached for requests.", "requests", nil, "rate_limit_exceeded")
            case 503: return (status, "The engine is currently overloaded, please try again later.", "server_error", nil, nil)
            case 500...: return (status, "The server had an error while processing your request.", "server_error", nil, nil)
            default: return (status, "Simulated error \(status).", "invalid_request_error", nil, nil)
            }
        }
    }

    func identityHeaders(_ exchange: Exchange) -> HTTPFields {
        [HTTPField.Name("x-request-id")!: "req_sim\(exchange.number)"]
    }

    private func finishReason(_ reply: SimulatedReply) -> String {
        reply.finishReason == .length ? "length" : "stop"
    }

    private func usage(_ reply: SimulatedReply, provider: ProviderID) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("prompt_tokens", .int(reply.inputTokens)),
            ("completion_tokens", .int(reply.outputTokens)),
            ("total_tokens", .int(reply.totalTokens)),
            ("prompt_tokens_details", ["cached_tokens": 0]),
            ("completion_tokens_details", ["reasoning_tokens": 0]),
        ]
        if provider == .deepseek {
            members += [("prompt_cache_hit_tokens", 0), ("prompt_cache_miss_tokens", .int(reply.inputTokens))]
        }
        return .fields(members)
    }

    func completion(_ reply: SimulatedReply, exchange: Exchange) -> JSONValue {
        var message: [(String, JSONValue)] = [("role", "assistant"), ("content", .string(reply.text))]
        if exchange.provider == .deepseek {
            message.append(("reasoning_content", .string(Self.reasoning)))
        }
        message.append(("refusal", nil))
        return [
            "id": .string("chatcmpl-sim\(exchange.number)"),
            "object": "chat.completion",
            "created": .int(exchange.created),
            "model": .string(exchange.model),
            "choices": [
                [
                    "index": 0,
                    "message": .fields(message),
                    "logprobs": nil,
                    "finish_reason": .string(finishReason(reply)),
                ]
            ],
            "usage": usage(reply, provider: exchange.provider),
        ]
    }

    /// A `chat.completion.chunk`; `"usage": null` is present exactly when the usage chunk will follow.
    private func chunk(_ exchange: Exchange, choices: [JSONValue], usage: JSONValue? = nil) -> StreamFrame {
        var members: [(String, JSONValue)] = [
            ("id", .string("chatcmpl-sim\(exchange.number)")),
            ("object", "chat.completion.chunk"),
            ("created", .int(exchange.created)),
            ("model", .string(exchange.model)),
            ("choices", .array(choices)),
        ]
        if exchange.includeUsage {
            members.append(("usage", usage ?? .null))
        }
        return .data(.fields(members))
    }

    private func choice(_ delta: JSONValue, finishReason: String? = nil) -> JSONValue {
        ["index": 0, "delta": delta, "logprobs": nil, "finish_reason": .nullable(finishReason)]
    }

    func streamStart(_ reply: SimulatedReply, exchange: Exchange) -> [StreamFrame] {
        var frames = [chunk(exchange, choices: [choice(["role": "assistant", "content": ""])])]
        if exchange.provider == .deepseek {
            frames.append(.comment("keep-alive"))
            let words = Self.reasoning.split(separator: " ")
            for (index, word) in words.enumerated() {
                let text = index < words.count - 1 ? word + " " : String(word)
                frames.append(chunk(exchange, choices: [choice(["content": nil, "reasoning_content": .string(text)])]))
            }
        }
        return frames
    }

    func streamText(_ piece: String, index: Int, finishing: SimulatedReply?, exchange: Exchange) -> [StreamFrame] {
        let text = chunk(exchange, choices: [choice(["content": .string(piece)])])
        // DeepSeek sends keep-alives while it is busy; every third chunk stands in for that.
        return exchange.provider == .deepseek && index % 3 == 2 ? [.comment("keep-alive"), text] : [text]
    }

    func streamEnd(_ reply: SimulatedReply, sentFinishing: Bool, exchange: Exchange) -> [StreamFrame] {
        var frames = [chunk(exchange, choices: [choice([:], finishReason: finishReason(reply))])]
        if exchange.includeUsage {
            frames.append(chunk(exchange, choices: [], usage: usage(reply, provider: exchange.provider)))
        }
        frames.append(.event(SSEEvent(data: "[DONE]")))
        return frames
    }

    func streamError(exchange: Exchange) -> StreamFrame {
        .data([
            "error": [
                "message": "The server had an error while processing your request.",
                "type": "server_error",
                "param": nil,
                "code": nil,
            ]
        ])
    }

    func modelList() -> JSONValue {
        [
            "object": "list",
            "data": .array(
                ModelCatalog.openAIFamily.map { model in
                    ["id": .string(model.id), "object": "model", "created": .int(model.created), "owned_by": .string(model.owner)]
                }
            ),
        ]
    }
}
