import ChimeraCore
import ChimeraRelay
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

    /// This shape's bytes for `error`.
    static func data(_ error: ChimeraError, requestID: String?) -> [UInt8] {
        do {
            return Array(try APIJSON.encoder.encode(APIErrorBody(error, requestID: requestID)))
        } catch {
            // Only a non-finite retry-after could fail to encode; the status still says it all.
            return Array(#"{"error":{"type":"internal","message":"the error could not be written as JSON"}}"#.utf8)
        }
    }

    /// The response for `error`: OpenAI's error shape under `/v1/` (so OpenAI SDKs raise their
    /// usual exceptions), this shape elsewhere; `Retry-After` when the error has a wait hint and
    /// `WWW-Authenticate` on serve's own 401.
    static func response(for error: ChimeraError, path: String, requestID: String?) -> Response {
        let status = error.httpStatus
        let body = path.hasPrefix("/v1/") ? OpenAIChatBinding(provider: error.provider ?? .openai).encodeError(error) : data(error, requestID: requestID)
        var response = Response.json(data: Data(body), status: HTTPResponse.Status(code: status))
        response.headers.describeFailure(error)
        // Only serve's own refusal asks for serve's key: a provider's 401 names a provider and
        // says nothing about the bearer the client sent here.
        if status == 401, error.provider == nil {
            response.headers[.wwwAuthenticate] = #"Bearer realm="chimera""#
        }
        return response
    }
}
