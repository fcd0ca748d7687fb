import AsyncHTTPClient
import ChimeraCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// What went wrong below HTTP: the connection could not be made, a time limit ran out, the peer
/// closed the connection, or the task was cancelled.
public struct TransportFailure: Sendable, CustomStringConvertible {
    /// The kinds of transport failure that call for different answers.
    public enum Reason: Sendable, Hashable {
        /// No connection: refused, unreachable, unresolvable. Nothing was sent.
        case connectFailed
        /// A time limit ran out.
        case timedOut
        /// The connection broke after it was made.
        case connectionLost
        /// The calling task was cancelled.
        case cancelled
        /// A chunk or body broke a size limit.
        case tooLarge
        /// Every pooled connection stayed busy for the request's whole time limit: more
        /// concurrent requests than the pool allows, for longer than they are willing to wait.
        case poolExhausted
        /// Anything else.
        case other
    }

    /// Which kind of failure.
    public var reason: Reason
    /// A short, secret-free description of the underlying error.
    public var detail: String
    /// The time limit in force, for timeout messages.
    public var limit: Duration?

    /// Classifies an error thrown by AsyncHTTPClient, NIO or Swift concurrency.
    public init(_ error: any Error, limit: Duration? = nil) {
        self.limit = limit
        self.detail = String(Redaction.redact(String(describing: error)).prefix(300))
        switch error {
        case is CancellationError:
            reason = .cancelled
        case is ConnectionPermits.WaitTimeout:
            reason = .poolExhausted
        case let error as HTTPClientError:
            switch error {
            case .getConnectionFromPoolTimeout:
                reason = .poolExhausted
            case .connectTimeout, .deadlineExceeded, .readTimeout, .writeTimeout:
                reason = .timedOut
            case .cancelled:
                reason = Task.isCancelled ? .cancelled : .connectionLost
            case .remoteConnectionClosed, .bodyLengthMismatch:
                reason = .connectionLost
            default:
                reason = .other
            }
        case is HTTPParserError:
            // The peer answered, then broke the framing or closed mid-body: the answer was cut.
            reason = .connectionLost
        case is NIOConnectionError:
            reason = .connectFailed
        case let error as IOError where [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains(error.errnoCode):
            reason = .connectFailed
        case let error as IOError where [ECONNRESET, EPIPE].contains(error.errnoCode):
            reason = .connectionLost
        case ChannelError.connectTimeout:
            reason = .timedOut
        case is ChannelError:
            reason = .connectionLost
        case let error as NIOTooManyBytesError:
            reason = .tooLarge
            detail = "the body passed CHIMERA_MAX_RESPONSE_BYTES (\(error.maxBytes.map(String.init) ?? "?") bytes)"
        default:
            let text = String(describing: error).lowercased()
            if text.contains("connection refused") || text.contains("econnrefused") {
                reason = .connectFailed
            } else if text.contains("eof") || text.contains("reset") || text.contains("closed") {
                reason = .connectionLost
            } else {
                reason = Task.isCancelled ? .cancelled : .other
            }
        }
    }

    /// Creates a failure directly.
    public init(reason: Reason, detail: String, limit: Duration? = nil) {
        self.reason = reason
        self.detail = detail
        self.limit = limit
    }

    public var description: String { detail }

    /// A stream that passed `maxBytes` in all.
    static func streamTooLarge(maxBytes: Int) -> TransportFailure {
        TransportFailure(reason: .tooLarge, detail: "the stream passed CHIMERA_MAX_STREAM_BYTES (\(maxBytes) bytes)")
    }

    /// What to do about an answer over a size limit.
    static let tooLargeHint = "raise CHIMERA_MAX_RESPONSE_BYTES or CHIMERA_MAX_STREAM_BYTES if answers this long are expected"

    /// The error a direct call to `provider` at `host` reports for this failure.
    public func errorForDirectCall(provider: ProviderID, host: String) -> ChimeraError {
        switch reason {
        case .connectFailed:
            ChimeraError(kind: .upstream, message: "could not connect to \(host)", provider: provider, isRetryable: true,
                         hint: "check \(provider.environmentPrefix)_BASE_URL and the network")
        case .timedOut:
            ChimeraError(kind: .timeout, message: "no answer from \(host) within \(limit?.formattedSeconds ?? "the time limit")", provider: provider, isRetryable: true,
                         hint: "raise CHIMERA_REQUEST_TIMEOUT_SECONDS or CHIMERA_STREAM_IDLE_TIMEOUT_SECONDS if the model is slow")
        case .connectionLost:
            ChimeraError(kind: .upstream, message: "the connection to \(host) was lost (\(detail))", provider: provider, isRetryable: true)
        case .cancelled:
            ChimeraError.cancelled(provider: provider)
        case .tooLarge:
            ChimeraError(kind: .decoding, message: "the answer from \(host) is larger than Chimera accepts: \(detail)", provider: provider,
                         hint: Self.tooLargeHint)
        case .poolExhausted:
            ChimeraError(kind: .timeout, message: "every pooled connection to \(host) stayed busy for \(limit?.formattedSeconds ?? "the time limit")", provider: provider,
                         isRetryable: true, hint: "more concurrent requests than the pool allows: send fewer at once or raise CHIMERA_REQUEST_TIMEOUT_SECONDS")
        case .other:
            ChimeraError(kind: .upstream, message: "the request to \(host) failed: \(detail)", provider: provider, isRetryable: false)
        }
    }
}
