import ChimeraCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Anthropic Messages (wire-format reference §2).
///
/// Accepts the key as `x-api-key` or, like newer SDKs send it, `Authorization: Bearer`, and any
/// `anthropic-version` (and `anthropic-beta`, which is only recorded). Streams name every event
/// and send a `ping` after the first block starts. How requests are read:
/// `AnthropicDialect+Request.swift`; answers: `AnthropicDialect+Answer.swift`.
struct AnthropicDialect: ChatDialect, ModelListing {
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

    func error(_ failure: SimulatedFailure, exchange: Exchange) -> (status: Int, body: String) {
        let (status, type, message) = describe(failure)
        let body: JSONValue = [
            "type": "error",
            "error": ["type": .string(type), "message": .string(message)],
            "request_id": .string("req_sim\(exchange.number)"),
        ]
        return (status, body.serialized())
    }

    private func describe(_ failure: SimulatedFailure) -> (status: Int, type: String, message: String) {
        switch failure {
        case .missingKey: (401, "authentication_error", "x-api-key header is required")
        case .invalidKey: (401, "authentication_error", "invalid x-api-key")
        case .missingVersion: (400, "invalid_request_error", "anthropic-version: header is required")
        case .invalidRequest(let message, _, _): (400, "invalid_request_error", message)
        case .notFound(let message): (404, "not_found_error", message)
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
