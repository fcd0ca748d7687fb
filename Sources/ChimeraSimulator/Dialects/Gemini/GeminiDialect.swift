import ChimeraCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Google Gemini generateContent (wire-format reference §3), under `/v1beta/models/…` and
/// `/v1/models/…` alike.
///
/// The key comes as `x-goog-api-key` or `?key=`; a missing or wrong key is a 400
/// `INVALID_ARGUMENT` with reason `API_KEY_INVALID`, as Google answers. Error bodies are
/// pretty-printed over several lines, as Google's are. Streams are data-only and end with the
/// body; the last chunk carries the last word, `finishReason` and `usageMetadata`. How requests
/// are read: `GeminiDialect+Request.swift`; answers: `GeminiDialect+Answer.swift`.
struct GeminiDialect: ChatDialect, ModelListing {
    static let apiKeyHeader = HTTPField.Name("x-goog-api-key")!

    func provider(forModel model: String?) -> ProviderID { .gemini }

    func authenticate(_ request: Request) -> SimulatedFailure? {
        let key = request.headers[Self.apiKeyHeader] ?? request.uri.queryParameters.get("key")
        guard let key, !key.isEmpty else { return .missingKey }
        return key == SimulatedFailure.invalidKeyValue ? .invalidKey : nil
    }

    func error(_ failure: SimulatedFailure, exchange: Exchange) -> (status: Int, body: String) {
        let (status, message, details) = describe(failure)
        var error: [(String, JSONValue)] = [
            ("code", .int(status)),
            ("message", .string(message)),
            ("status", .string(Self.statusName(status))),
        ]
        if !details.isEmpty { error.append(("details", .array(details))) }
        return (status, JSONValue.fields([("error", .fields(error))]).prettySerialized)
    }

    private func describe(_ failure: SimulatedFailure) -> (status: Int, message: String, details: [JSONValue]) {
        switch failure {
        case .missingKey, .invalidKey:
            return (
                400, "API key not valid. Please pass a valid API key.",
                [
                    [
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                        "metadata": ["service": "generativelanguage.googleapis.com"],
                    ]
                ]
            )
        case .missingVersion:
            preconditionFailure("the Gemini protocol has no version header")
        case .invalidRequest(let message, _, _):
            return (400, message, [])
        case .notFound(let message):
            return (404, message, [])
        case .quota:
            return (
                429, "You exceeded your current quota, please check your plan and billing details.",
                [["@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [["quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"]]]]
            )
        case .status(let status, let seconds, let milliseconds):
            let delay = milliseconds.map { Self.duration(milliseconds: $0) } ?? seconds.map { "\($0)s" }
            let details: [JSONValue] = delay.map { [["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": .string($0)]] } ?? []
            let message =
                switch status {
                case 429: "Resource has been exhausted (e.g. check quota)."
                case 503: "The model is overloaded. Please try again later."
                case 500: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"
                default: "Simulated error \(status)."
                }
            return (status, message, details)
        }
    }

    /// The `google.rpc.Code` name Google pairs with an HTTP status.
    private static func statusName(_ status: Int) -> String {
        switch status {
        case 400: "INVALID_ARGUMENT"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 409: "ABORTED"
        case 429: "RESOURCE_EXHAUSTED"
        case 499: "CANCELLED"
        case 500: "INTERNAL"
        case 501: "UNIMPLEMENTED"
        case 503: "UNAVAILABLE"
        case 504: "DEADLINE_EXCEEDED"
        case 400..<500: "FAILED_PRECONDITION"
        default: "UNKNOWN"
        }
    }

    /// A protobuf `Duration` in JSON: seconds with up to three decimals, then `s` (`1.5s`).
    private static func duration(milliseconds: Int) -> String {
        let fraction = milliseconds % 1000
        guard fraction != 0 else { return "\(milliseconds / 1000)s" }
        var decimals = String(fraction)
        decimals = String(repeating: "0", count: 3 - decimals.count) + decimals
        while decimals.hasSuffix("0") { decimals.removeLast() }
        return "\(milliseconds / 1000).\(decimals)s"
    }

    func identityHeaders(_ exchange: Exchange) -> HTTPFields { [:] }

    func modelList() -> JSONValue {
        [
            "models": .array(
                ModelCatalog.gemini.map { model in
                    [
                        "name": .string("models/\(model.id)"),
                        "version": "001",
                        "displayName": .string(model.displayName),
                        "inputTokenLimit": .int(model.inputTokenLimit),
                        "outputTokenLimit": .int(model.outputTokenLimit),
                        "supportedGenerationMethods": .array(model.methods.map { .string($0) }),
                    ]
                }
            )
        ]
    }
}
