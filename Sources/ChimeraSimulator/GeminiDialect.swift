import ChimeraCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Google Gemini generateContent (wire-format reference §3).
///
/// The key comes as `x-goog-api-key` or `?key=`; a missing or wrong key is a 400
/// `INVALID_ARGUMENT` with reason `API_KEY_INVALID`, as Google answers. Error bodies are
/// pretty-printed over several lines, as Google's are. Streams are data-only and end with the
/// body; the last chunk carries the last word, `finishReason` and `usageMetadata`.
struct GeminiDialect: SimulatorDialect {
    static let apiKeyHeader = HTTPField.Name("x-goog-api-key")!

    func provider(forModel model: String?) -> ProviderID { .gemini }

    func authenticate(_ request: Request) -> SimulatedFailure? {
        let key = request.headers[Self.apiKeyHeader] ?? request.uri.queryParameters.get("key")
        guard let key, !key.isEmpty else { return .missingKey }
        return key == SimulatedFailure.invalidKeyValue ? .invalidKey : nil
    }

    private struct Body: Decodable {
        var contents: [Content]?
        var systemInstruction: Content?
        var generationConfig: GenerationConfig?

        struct Content: Decodable {
            var role: String?
            var parts: TextContent?
        }

        struct GenerationConfig: Decodable {
            var maxOutputTokens: Int?
            var stopSequences: [String]?
        }
    }

    func decodePrompt(_ body: ByteBuffer, pathModel: String?, routeStreams: Bool) throws(SimulatedFailure) -> ChatPrompt {
        let request = try decodeBody(Body.self, from: body)
        guard let contents = request.contents else {
            throw .invalidRequest(message: "* GenerateContentRequest.contents: contents is not specified", parameter: "contents")
        }
        let systemWords = request.systemInstruction?.parts?.words.count ?? 0
        // A content without a role is the user's, as the API documents.
        let lastUser = contents.last { ($0.role ?? "user") == "user" }
        return ChatPrompt(
            model: pathModel ?? "",
            inputWords: systemWords + contents.reduce(0) { $0 + ($1.parts?.words.count ?? 0) },
            lastUserWords: lastUser?.parts?.words ?? [],
            maxOutputWords: request.generationConfig?.maxOutputTokens,
            stopSequences: request.generationConfig?.stopSequences ?? [],
            stream: routeStreams,
            includeUsage: false
        )
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
        case .invalidRequest(let message, _):
            return (400, message, [])
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

    private func finishReason(_ reply: SimulatedReply) -> String {
        reply.finishReason == .length ? "MAX_TOKENS" : "STOP"
    }

    private func usageMetadata(_ reply: SimulatedReply) -> JSONValue {
        ["promptTokenCount": .int(reply.inputTokens), "candidatesTokenCount": .int(reply.outputTokens), "totalTokenCount": .int(reply.totalTokens)]
    }

    /// A `GenerateContentResponse` with one candidate holding `text`; with `finishing`, also the finish and usage.
    private func response(_ text: String, finishing: SimulatedReply?, exchange: Exchange) -> JSONValue {
        var candidate: [(String, JSONValue)] = [("content", ["parts": [["text": .string(text)]], "role": "model"])]
        if let finishing { candidate.append(("finishReason", .string(finishReason(finishing)))) }
        candidate.append(("index", 0))
        var members: [(String, JSONValue)] = [("candidates", [.fields(candidate)])]
        if let finishing { members.append(("usageMetadata", usageMetadata(finishing))) }
        members += [("modelVersion", .string(exchange.model)), ("responseId", .string("sim\(exchange.number)"))]
        return .fields(members)
    }

    func completion(_ reply: SimulatedReply, exchange: Exchange) -> JSONValue {
        response(reply.text, finishing: reply, exchange: exchange)
    }

    func streamStart(_ reply: SimulatedReply, exchange: Exchange) -> [StreamFrame] { [] }

    func streamText(_ piece: String, index: Int, finishing: SimulatedReply?, exchange: Exchange) -> [StreamFrame] {
        [.data(response(piece, finishing: finishing, exchange: exchange))]
    }

    func streamEnd(_ reply: SimulatedReply, sentFinishing: Bool, exchange: Exchange) -> [StreamFrame] {
        // An empty reply still needs one chunk to carry the finish and the usage.
        sentFinishing ? [] : [.data(response("", finishing: reply, exchange: exchange))]
    }

    func streamError(exchange: Exchange) -> StreamFrame {
        .data(["error": ["code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"]])
    }

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
                        "supportedGenerationMethods": ["generateContent", "countTokens"],
                    ]
                }
            )
        ]
    }
}
