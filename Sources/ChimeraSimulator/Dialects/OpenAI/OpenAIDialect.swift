import ChimeraCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// OpenAI Chat Completions (wire-format reference §1), with the DeepSeek (§4), Qwen (§5) and
/// Cursor flavours chosen by the model name.
///
/// Flavours: a `deepseek…` model streams `: keep-alive` comments between some chunks and
/// reasoning in `reasoning_content` before the content (unary: `message.reasoning_content`),
/// and reports `prompt_cache_hit_tokens`/`prompt_cache_miss_tokens`; a `qwen…` model shows
/// reasoning the same way when asked (`enable_thinking`) and adds a top-level `request_id` to
/// error bodies. How requests are read: `OpenAIDialect+Request.swift`; answers:
/// `OpenAIDialect+Answer.swift`.
struct OpenAIDialect: ChatDialect, ModelListing {
    /// The flavour: `deepseek…`, `qwen…` and `cursor…` models are those providers', and so are
    /// Qwen's embedding models `text-embedding-v…`; any other model is OpenAI's.
    func provider(forModel model: String?) -> ProviderID {
        let name = model?.lowercased() ?? ""
        if name.hasPrefix("text-embedding-v") { return .qwen }
        for provider in [ProviderID.deepseek, .qwen, .cursor] where name.hasPrefix(provider.rawValue) {
            return provider
        }
        return .openai
    }

    func authenticate(_ request: Request) -> SimulatedFailure? {
        guard let key = BearerToken.value(in: request.headers), !key.isEmpty else { return .missingKey }
        return key == SimulatedFailure.invalidKeyValue ? .invalidKey : nil
    }

    func error(_ failure: SimulatedFailure, exchange: Exchange) -> (status: Int, body: String) {
        let (status, message, type, parameter, code) = describe(failure, provider: exchange.provider)
        var body: [(String, JSONValue)] = [
            ("error", ["message": .string(message), "type": .string(type), "param": .nullable(parameter), "code": .nullable(code)])
        ]
        if exchange.provider == .qwen {
            body.append(("request_id", .string("sim-request-\(exchange.number)")))
        }
        return (status, JSONValue.fields(body).serialized())
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
        case .invalidRequest(let message, let parameter, let code):
            return (400, message, "invalid_request_error", parameter, code)
        case .notFound(let message):
            return (404, message, "invalid_request_error", nil, "not_found")
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
