import ChimeraCore

/// The answer of `POST /api/v1/generate`, and the payloads of its streamed events.
///
/// ```json
/// {"id": "msg_…", "provider": "anthropic", "model": "claude-sonnet-4-5", "text": "Hello!",
///  "finish_reason": "stop", "usage": {"input_tokens": 12, "output_tokens": 3, "total_tokens": 15},
///  "route": "proxy", "protocol": "json"}
/// ```
public struct GenerateResponse: Encodable, Sendable {
    var id: String
    var provider: String
    var model: String
    var text: String
    var finishReason: String?
    var usage: UsageCounts?
    var route: String
    var wireProtocol: String

    /// The answer's fields, as `POST /api/v1/generate` and `chimera chat --json` write them.
    public init(_ response: ChatResponse) {
        id = response.id
        provider = response.provider.rawValue
        model = response.model
        text = response.text
        finishReason = response.finishReason?.rawValue
        usage = response.usage.map(UsageCounts.init)
        route = response.route.rawValue
        wireProtocol = response.wireProtocol.rawValue
    }

    enum CodingKeys: String, CodingKey {
        case id, provider, model, text, usage, route
        case finishReason = "finish_reason"
        case wireProtocol = "protocol"
    }

    /// Token counts.
    struct UsageCounts: Encodable {
        var inputTokens: Int
        var outputTokens: Int
        var totalTokens: Int

        init(_ usage: Usage) {
            inputTokens = usage.inputTokens
            outputTokens = usage.outputTokens
            totalTokens = usage.totalTokens
        }

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens"
            case outputTokens = "output_tokens"
            case totalTokens = "total_tokens"
        }
    }

    /// `event: delta`, `data: {"text": "…"}`: the next piece of text.
    struct Delta: Encodable {
        var text: String
    }

    /// `event: done`: the last event of a complete stream.
    struct Done: Encodable {
        var provider: String
        var model: String
        var finishReason: String?
        var usage: UsageCounts?
        var route: String
        var wireProtocol: String

        enum CodingKeys: String, CodingKey {
            case provider, model, usage, route
            case finishReason = "finish_reason"
            case wireProtocol = "protocol"
        }
    }
}
