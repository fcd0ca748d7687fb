import ChimeraCore
import ChimeraWire
import Foundation
import Hummingbird

/// The error body of Chimera's own routes:
/// `{"error":{"type","message","status","provider","upstream_message","hint","retryable","retry_after_seconds","request_id"}}`.
///
/// `type` is the error kind (`invalid_request`, `authentication`, `rate_limited`,
/// `proxy_unavailable`, …); absent fields are left out.
struct APIErrorBody: Encodable {
    struct Detail: Encodable {
        var type: String
        var message: String
        var status: Int
        var provider: String?
        var upstreamMessage: String?
        var hint: String?
        var retryable: Bool
        var retryAfterSeconds: Double?
        var requestID: String?

        enum CodingKeys: String, CodingKey {
            case type, message, status, provider, hint, retryable
            case upstreamMessage = "upstream_message"
            case retryAfterSeconds = "retry_after_seconds"
            case requestID = "request_id"
        }
    }

    var error: Detail

    init(_ error: ChimeraError, requestID: String?) {
        self.error = Detail(
            type: "\(error.kind)",
            message: error.message,
            status: error.httpStatus,
            provider: error.provider?.rawValue,
            upstreamMessage: error.upstreamMessage,
            hint: error.hint,
            retryable: error.isRetryable,
            retryAfterSeconds: error.retryAfter?.seconds,
            requestID: requestID
        )
    }

    /// The response for `error`: OpenAI's error shape under `/v1/` (so OpenAI SDKs raise their
    /// usual exceptions), this shape elsewhere; `Retry-After` when the error has a wait hint and
    /// `WWW-Authenticate` on serve's own 401.
    static func response(for error: ChimeraError, path: String, requestID: String?) -> Response {
        let status = error.httpStatus
        let body: Data
        if path.hasPrefix("/v1/") {
            body = LegacyOpenAICodec(provider: error.provider ?? .openai).encodeError(error)
        } else {
            do {
                body = try APIJSON.encoder.encode(APIErrorBody(error, requestID: requestID))
            } catch {
                // Only a non-finite retry-after could fail to encode; the status still says it all.
                body = Data(#"{"error":{"type":"internal","message":"the error could not be written as JSON"}}"#.utf8)
            }
        }
        var response = Response.json(data: body, status: HTTPResponse.Status(code: status))
        if let retryAfter = error.retryAfter {
            response.headers[.retryAfter] = String(Int(retryAfter.seconds.rounded(.up)))
        }
        // Only serve's own refusal asks for serve's key: a provider's 401 names a provider and
        // says nothing about the bearer the client sent here.
        if status == 401, error.provider == nil {
            response.headers[.wwwAuthenticate] = #"Bearer realm="chimera""#
        }
        return response
    }
}
