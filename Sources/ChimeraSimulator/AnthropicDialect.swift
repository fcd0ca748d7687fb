import ChimeraCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Anthropic Messages (wire-format reference §2).
///
/// Accepts the key as `x-api-key` or, like newer SDKs send it, `Authorization: Bearer`, and any
/// `anthropic-version`. Streams name every event and send a `ping` after the first block starts.
struct AnthropicDialect: SimulatorDialect {
    static let apiKeyHeader = HTTPField.Name("x-api-key")!
    static let versionHeader = HTTPField.Name("anthropic-version")!

    func provider(forModel model: String?) -> ProviderID { .anthropic }

    func authenticate(_ request: Request) -> SimulatedFailure? {
        guard let key = request.headers[Self.apiKeyHeader] ?? BearerToken.value(in: request.headers), !key.isEmpty else {
            return .missingKey
        }
        if key == SimulatedFailure.invalidKeyValue { return .invalidKey }
        return request.headers[Self.versionHeader] == nil ? .missingVersion : nil
    }

    private struct Body: Decodable {
        var model: String?
        var maxTokens: Int?
        var messages: [Message]?
        var system: TextContent?
        var stopSequences: [String]?
        var stream: Bool?

        enum CodingKeys: String, CodingKey {
            case model, messages, system, stream
            case maxTokens = "max_tokens"
            case stopSequences = "stop_sequences"
        }

        struct Message: Decodable {
            var role: String
            var content: TextContent
        }
    }

    func decodePrompt(_ body: ByteBuffer, pathModel: String?, routeStreams: Bool) throws(SimulatedFailure) -> ChatPrompt {
        let request = try decodeBody(Body.self, from: body)
        guard let model = request.model else { throw .invalidRequest(message: "model: Field required", parameter: "model") }
        guard let maxTokens = request.maxTokens else {
            throw .invalidRequest(message: "max_tokens: Field required", parameter: "max_tokens")
        }
        guard let messages = request.messages else {
            throw .invalidRequest(message: "messages: Field required", parameter: "messages")
        }
        return ChatPrompt(
            model: model,
            inputWords: (request.system?.words.count ?? 0) + messages.reduce(0) { $0 + $1.content.words.count },
            lastUserWords: messages.last { $0.role == "user" }?.content.words ?? [],
            maxOutputWords: maxTokens,
            stopSequences: request.stopSequences ?? [],
            stream: request.stream ?? false,
            includeUsage: false
        )
    }

    func error(_ failure: SimulatedFailure, exchange: Exchange) -> (status: Int, body: String) {
        let (status, type, message) = describe(failure)
        let body: JSONValue = [
            "type": "error",
            "error": ["type": .string(type), "message": .string(message)],
            "request_id": .string("req_sim\(exchange.number)"),
        ]
        return (status, body.serialized)
    }

    private func describe(_ failure: SimulatedFailure) -> (status: Int, type: String, message: String) {
        switch failure {
        case .missingKey: (401, "authentication_error", "x-api-key header is required")
        case .invalidKey: (401, "authentication_error", "invalid x-api-key")
        case .missingVersion: (400, "invalid_request_error", "anthropic-version: header is required")
        case .invalidRequest(let message, _): (400, "invalid_request_error", message)
        case .quota: (402, "billing_error", "Your credit balance is too low to access the Anthropic API.")
        case .status(let status, _, _):
            switch status {
            case 401: (status, "authentication_error", "invalid x-api-key")
            case 402: (status, "billing_error", "Your credit balance is too low to access the Anthropic API.")
            case 403: (status, "permission_error", "Your API key does not have permission to use the specified resource.")
            case 404: (status, "not_found_error", "The requested resource could not be found.")
            case 413: (status, "request_too_large", "Request exceeds the maximum allowed number of bytes.")
            case 429: (status, "rate_limit_error", "Number of requests has exceeded your rate limit.")
            case 504: (status, "timeout_error", "The request timed out.")
            case 529: (status, "overloaded_error", "Overloaded")
            case 500...: (status, "api_error", "Internal server error")
            default: (status, "invalid_request_error", "Simulated error \(status).")
            }
        }
    }

    func identityHeaders(_ exchange: Exchange) -> HTTPFields {
        [HTTPField.Name("request-id")!: "req_sim\(exchange.number)"]
    }

    private func stopReason(_ reply: SimulatedReply) -> String {
        switch reply.finishReason {
        case .length: "max_tokens"
        case .stopSequence: "stop_sequence"
        default: "end_turn"
        }
    }

    func completion(_ reply: SimulatedReply, exchange: Exchange) -> JSONValue {
        [
            "id": .string("msg_sim\(exchange.number)"),
            "type": "message",
            "role": "assistant",
            "model": .string(exchange.model),
            "content": [["type": "text", "text": .string(reply.text)]],
            "stop_reason": .string(stopReason(reply)),
            "stop_sequence": .nullable(reply.stopSequence),
            "usage": [
                "input_tokens": .int(reply.inputTokens),
                "output_tokens": .int(reply.outputTokens),
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            ],
        ]
    }

    func streamStart(_ reply: SimulatedReply, exchange: Exchange) -> [StreamFrame] {
        [
            .named(
                "message_start",
                [
                    "type": "message_start",
                    "message": [
                        "id": .string("msg_sim\(exchange.number)"),
                        "type": "message",
                        "role": "assistant",
                        "content": [],
                        "model": .string(exchange.model),
                        "stop_reason": nil,
                        "stop_sequence": nil,
                        // Like the real API, an early count that message_delta later replaces.
                        "usage": ["input_tokens": .int(reply.inputTokens), "output_tokens": .int(min(1, reply.outputTokens))],
                    ],
                ]
            ),
            .named("content_block_start", ["type": "content_block_start", "index": 0, "content_block": ["type": "text", "text": ""]]),
            .named("ping", ["type": "ping"]),
        ]
    }

    func streamText(_ piece: String, index: Int, finishing: SimulatedReply?, exchange: Exchange) -> [StreamFrame] {
        [
            .named(
                "content_block_delta",
                ["type": "content_block_delta", "index": 0, "delta": ["type": "text_delta", "text": .string(piece)]]
            )
        ]
    }

    func streamEnd(_ reply: SimulatedReply, sentFinishing: Bool, exchange: Exchange) -> [StreamFrame] {
        [
            .named("content_block_stop", ["type": "content_block_stop", "index": 0]),
            .named(
                "message_delta",
                [
                    "type": "message_delta",
                    "delta": ["stop_reason": .string(stopReason(reply)), "stop_sequence": .nullable(reply.stopSequence)],
                    "usage": ["output_tokens": .int(reply.outputTokens)],
                ]
            ),
            .named("message_stop", ["type": "message_stop"]),
        ]
    }

    func streamError(exchange: Exchange) -> StreamFrame {
        .named("error", ["type": "error", "error": ["type": "overloaded_error", "message": "Overloaded"]])
    }

    func modelList() -> JSONValue {
        [
            "data": .array(
                ModelCatalog.anthropic.map { model in
                    ["type": "model", "id": .string(model.id), "display_name": .string(model.displayName), "created_at": .string(model.createdAt)]
                }
            ),
            "has_more": false,
            "first_id": .nullable(ModelCatalog.anthropic.first?.id),
            "last_id": .nullable(ModelCatalog.anthropic.last?.id),
        ]
    }
}
