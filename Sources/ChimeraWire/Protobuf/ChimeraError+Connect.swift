import ChimeraCore
import Foundation

extension ChimeraError {
    /// The Chimera error a Connect error describes.
    ///
    /// When the details carry a `chimera.proxy.v1.Error`, that is the error, field for field (a
    /// kind this version does not know is taken from the code). Otherwise the peer is a Connect
    /// server that is not Chimera, or a Chimera that lost its details, and the error is rebuilt
    /// from the code (``ConnectCode/chimeraKind``, ``ConnectCode/suggestsRetry``) with the
    /// Connect message as the upstream message.
    ///
    /// - Parameters:
    ///   - connectError: The error as received.
    ///   - httpStatus: The HTTP status of the answer, or `nil` for an error that ended a stream
    ///     (streams always answer 200).
    ///   - provider: The provider the request was for, used when the error names none.
    public init(_ connectError: ConnectError, httpStatus: Int?, provider: ProviderID?) {
        if let detail = connectError.chimeraDetail {
            self.init(detail, fallbackKind: connectError.code.chimeraKind)
            if self.provider == nil { self.provider = provider }
            return
        }
        self.init(
            kind: connectError.code.chimeraKind,
            message: "the proxy failed with Connect code \(connectError.code.rawValue)",
            provider: provider,
            status: httpStatus,
            upstreamMessage: connectError.message.isEmpty ? nil : connectError.message,
            isRetryable: connectError.code.suggestsRetry
        )
    }

    /// The error of a failed unary call (a non-200 answer), read the way Connect requires.
    ///
    /// A body that is a Connect error is read with ``init(_:httpStatus:provider:)``. Any other
    /// body (an empty one, HTML from a load balancer, a JSON route's error) means something
    /// other than a Connect server answered: the code is inferred from the status
    /// (``ConnectCode/init(inferringFromHTTPStatus:)``) and the body is kept as the excerpt.
    /// A 404 (`unimplemented`) or a 415 becomes ``Kind/protocolMismatch``, with a hint to use
    /// JSON, and a 429 becomes ``Kind/rateLimited``.
    ///
    /// - Parameters:
    ///   - status: The HTTP status of the answer.
    ///   - body: The body of the answer.
    ///   - provider: The provider the request was for, used when the error names none.
    public init(connectStatus status: Int, body: Data, provider: ProviderID?) {
        do {
            self.init(try ConnectError(json: body), httpStatus: status, provider: provider)
        } catch {
            let code = ConnectCode(inferringFromHTTPStatus: status)
            // Connect's table is coarser than Chimera's kinds: it reads 415 (the server refuses
            // the content type) as `unknown` and 429 as `unavailable`. Both say more than that.
            let kind: Kind = switch status {
            case 415: .protocolMismatch
            case 429: .rateLimited
            default: code.chimeraKind
            }
            self.init(
                kind: kind,
                message: "the proxy answered HTTP \(status) without a Connect error (read as \(code.rawValue))",
                provider: provider,
                status: status,
                body: String(decoding: body, as: UTF8.self),
                isRetryable: code.suggestsRetry,
                hint: kind == .protocolMismatch
                    ? "the proxy may not speak Chimera's binary protocol; set PROXY_PROTOCOL=json"
                    : nil
            )
        }
    }
}
