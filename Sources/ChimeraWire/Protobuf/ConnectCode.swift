import ChimeraCore

/// A Connect error code: the category of a failed call, from the closed list the Connect
/// protocol defines (the gRPC codes, spelled in snake case); the raw value is the wire spelling.
///
/// Connect allows no other codes, so this is a closed enum; a code a peer invents is read as
/// ``unknown``. Each code has one HTTP status (``httpStatus``), and a client that gets a non-200
/// answer without a readable error body infers the code from the status
/// (``init(inferringFromHTTPStatus:)``).
public enum ConnectCode: String, Sendable, Hashable, CaseIterable {
    /// The call was cancelled, usually by the caller. HTTP 499.
    case canceled
    /// An error of unclear origin. HTTP 500.
    case unknown
    /// The request is invalid whatever the state of the system. HTTP 400.
    case invalidArgument = "invalid_argument"
    /// The deadline expired before the call completed. HTTP 504.
    case deadlineExceeded = "deadline_exceeded"
    /// A requested resource does not exist. HTTP 404.
    case notFound = "not_found"
    /// The resource to create already exists. HTTP 409.
    case alreadyExists = "already_exists"
    /// The caller may not do this. HTTP 403.
    case permissionDenied = "permission_denied"
    /// A quota or rate limit ran out. HTTP 429.
    case resourceExhausted = "resource_exhausted"
    /// The system is not in the state the call needs. HTTP 400.
    case failedPrecondition = "failed_precondition"
    /// The call was aborted, typically by a concurrency conflict. HTTP 409.
    case aborted
    /// The call went past a valid range. HTTP 400.
    case outOfRange = "out_of_range"
    /// The call is not implemented, supported or enabled. HTTP 501.
    case unimplemented
    /// An invariant of the server broke. HTTP 500.
    case `internal`
    /// The service is unavailable, usually for a short while. HTTP 503.
    case unavailable
    /// Data was lost or corrupted. HTTP 500.
    case dataLoss = "data_loss"
    /// The caller's credentials are missing or invalid. HTTP 401.
    case unauthenticated

    /// The HTTP status a unary error with this code is answered with (Connect's table).
    public var httpStatus: Int {
        switch self {
        case .canceled: 499
        case .unknown, .internal, .dataLoss: 500
        case .invalidArgument, .failedPrecondition, .outOfRange: 400
        case .deadlineExceeded: 504
        case .notFound: 404
        case .alreadyExists, .aborted: 409
        case .permissionDenied: 403
        case .resourceExhausted: 429
        case .unimplemented: 501
        case .unavailable: 503
        case .unauthenticated: 401
        }
    }

    /// The code Connect tells a client to infer from a non-200 status when the body carries no
    /// readable error (a proxy or server that does not speak Connect answered).
    ///
    /// The table is gRPC's HTTP mapping: 400 `internal`, 401 `unauthenticated`, 403
    /// `permission_denied`, 404 `unimplemented`, 429, 502, 503 and 504 `unavailable`, anything
    /// else `unknown`.
    public init(inferringFromHTTPStatus status: Int) {
        switch status {
        case 400: self = .internal
        case 401: self = .unauthenticated
        case 403: self = .permissionDenied
        case 404: self = .unimplemented
        case 429, 502, 503, 504: self = .unavailable
        default: self = .unknown
        }
    }

    /// The code that best describes a Chimera error to a Connect client.
    ///
    /// Each kind has its code, except ``ChimeraError/Kind/upstream`` (and kinds added later),
    /// whose code follows the provider's HTTP status: a provider's 400 is `invalid_argument`, its
    /// 429 `resource_exhausted`, its 503 `unavailable`. A retryable upstream failure without a
    /// more specific code is `unavailable`, the code Connect clients back off and retry.
    public init(_ error: ChimeraError) {
        switch error.kind {
        case .invalidRequest: self = .invalidArgument
        case .decoding: self = .internal
        case .authentication: self = error.status == 403 ? .permissionDenied : .unauthenticated
        case .rateLimited: self = .resourceExhausted
        case .proxyUnavailable: self = .unavailable
        case .timeout: self = .deadlineExceeded
        case .cancelled: self = .canceled
        case .protocolMismatch: self = .unimplemented
        case .configuration: self = .failedPrecondition
        default: self = Self(upstreamStatus: error.status, isRetryable: error.isRetryable)
        }
    }

    private init(upstreamStatus status: Int?, isRetryable: Bool) {
        switch status {
        case 400: self = .invalidArgument
        case 401: self = .unauthenticated
        case 403: self = .permissionDenied
        case 404: self = .notFound
        case 408, 504: self = .deadlineExceeded
        case 409: self = .aborted
        case 429: self = .resourceExhausted
        case 499: self = .canceled
        case 501: self = .unimplemented
        case 502, 503: self = .unavailable
        default: self = isRetryable ? .unavailable : .unknown
        }
    }

    /// The Chimera kind of an error that arrived with only this code (no Chimera detail).
    ///
    /// `unimplemented` becomes ``ChimeraError/Kind/protocolMismatch``: a server that does not
    /// serve the binary protocol answers 404, which Connect reads as `unimplemented`, and a
    /// client then knows to fall back to JSON. Codes with no Chimera counterpart are
    /// ``ChimeraError/Kind/upstream``.
    public var chimeraKind: ChimeraError.Kind {
        switch self {
        case .canceled: .cancelled
        case .invalidArgument, .outOfRange: .invalidRequest
        case .failedPrecondition: .configuration
        case .deadlineExceeded: .timeout
        case .unauthenticated, .permissionDenied: .authentication
        case .resourceExhausted: .rateLimited
        case .unimplemented: .protocolMismatch
        case .unknown, .notFound, .alreadyExists, .aborted, .internal, .unavailable, .dataLoss: .upstream
        }
    }

    /// Whether Connect tells clients that the call may succeed if sent again after a pause.
    public var suggestsRetry: Bool {
        self == .unavailable || self == .resourceExhausted
    }
}
