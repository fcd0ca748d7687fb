/// Everything that can go wrong in Chimera, with what a user needs to act on it.
///
/// A struct over a private code so that kinds can be added without breaking callers (the pattern
/// of AsyncHTTPClient's `HTTPClientError`). Its ``description`` never contains a secret: upstream
/// bodies pass through ``Redaction`` and are cut to ``ChimeraError/bodyExcerptLimit`` characters.
public struct ChimeraError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; stable, short and safe as a metric label.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable, Hashable {
            case configuration
            case authentication
            case rateLimited = "rate_limited"
            case upstream
            case proxyUnavailable = "proxy_unavailable"
            case timeout
            case protocolMismatch = "protocol_mismatch"
            case decoding
            case cancelled
            case invalidRequest = "invalid_request"
        }

        private let code: Code

        /// The configuration is missing something or holds a bad value.
        public static let configuration = Kind(code: .configuration)
        /// The provider or proxy refused the credentials.
        public static let authentication = Kind(code: .authentication)
        /// The provider or proxy asked to slow down (HTTP 429).
        public static let rateLimited = Kind(code: .rateLimited)
        /// The provider answered with an error.
        public static let upstream = Kind(code: .upstream)
        /// The proxy could not be reached.
        public static let proxyUnavailable = Kind(code: .proxyUnavailable)
        /// A connect, response or stream-idle limit ran out.
        public static let timeout = Kind(code: .timeout)
        /// The peer does not speak the wire protocol that was used.
        public static let protocolMismatch = Kind(code: .protocolMismatch)
        /// A body could not be read as the protocol it claims to be.
        public static let decoding = Kind(code: .decoding)
        /// The caller cancelled the request.
        public static let cancelled = Kind(code: .cancelled)
        /// The request itself is wrong; sending it again will not help.
        public static let invalidRequest = Kind(code: .invalidRequest)

        /// The kind's stable name, e.g. `rate_limited`.
        public var description: String { code.rawValue }

        /// Looks a kind up by its stable name (used when an error crossed the binary protocol).
        public init?(name: String) {
            guard let code = Code(rawValue: name) else { return nil }
            self.code = code
        }

        private init(code: Code) { self.code = code }
    }

    /// The most characters of an upstream body an error keeps.
    public static let bodyExcerptLimit = 512

    /// What kind of failure this is.
    public var kind: Kind
    /// What happened, in one sentence.
    public var message: String
    /// The provider involved, if any.
    public var provider: ProviderID?
    /// The HTTP status the provider or proxy answered with, if any.
    public var status: Int?
    /// The provider's or proxy's own error message, if it gave one.
    public var upstreamMessage: String?
    /// The start of the error body, redacted and bounded.
    public private(set) var bodyExcerpt: String?
    /// Whether sending the same request again may succeed.
    public var isRetryable: Bool
    /// How long the server asked to wait before retrying.
    public var retryAfter: Duration?
    /// What the user can do about it.
    public var hint: String?
    /// Which side of a proxy hop failed, when that is known (see ``Source``).
    public var source: Source?
    /// Filled only by ``invalidConfiguration(_:)``; read through ``problems``.
    var configurationProblems: [ConfigurationProblem] = []

    /// Creates an error.
    ///
    /// - Parameter body: The upstream body, if any; only a redacted excerpt of it is kept.
    public init(
        kind: Kind,
        message: String,
        provider: ProviderID? = nil,
        status: Int? = nil,
        upstreamMessage: String? = nil,
        body: String? = nil,
        isRetryable: Bool = false,
        retryAfter: Duration? = nil,
        hint: String? = nil
    ) {
        self.kind = kind
        self.message = Redaction.redact(message)
        self.provider = provider
        self.status = status
        // Redacted before it is cut, so a secret at the cut is masked whole rather than left half.
        self.upstreamMessage = upstreamMessage.map { String(Redaction.redact($0).prefix(Self.bodyExcerptLimit)) }
        self.isRetryable = isRetryable
        self.retryAfter = retryAfter
        self.hint = hint
        setBody(body)
    }

    /// Replaces the kept body excerpt (redacted and bounded like the initializer's).
    public mutating func setBody(_ body: String?) {
        guard let body, !body.isEmpty else {
            bodyExcerpt = nil
            return
        }
        let redacted = Redaction.redact(body)
        bodyExcerpt = redacted.count > Self.bodyExcerptLimit
            ? String(redacted.prefix(Self.bodyExcerptLimit)) + "…"
            : redacted
    }

    /// One readable paragraph: kind, provider, status, message, upstream message, hint.
    public var description: String {
        var text = "[\(kind)]"
        if let provider { text += " \(provider.displayName):" }
        text += " \(message)"
        if let status { text += " (HTTP \(status))" }
        if let upstreamMessage, !upstreamMessage.isEmpty, !message.contains(upstreamMessage) {
            text += ": \(upstreamMessage)"
        }
        if let retryAfter { text += "; retry after \(retryAfter.formattedSeconds)" }
        if let hint { text += ". \(hint)" }
        return text
    }
}

extension ChimeraError {
    /// Any error as a ``ChimeraError``: itself, a cancellation, or an upstream failure that
    /// describes it (redacted and bounded). The one place where an untyped error becomes
    /// Chimera's, for the few APIs (Swift concurrency, servers) that throw untyped errors.
    public init(wrapping error: any Error) {
        switch error {
        case let error as ChimeraError: self = error
        case is CancellationError: self = .cancelled()
        default: self = ChimeraError(kind: .upstream, message: String(String(describing: error).prefix(300)))
        }
    }

    /// A request that cannot be sent as it is.
    public static func invalidRequest(_ message: String, provider: ProviderID? = nil) -> ChimeraError {
        ChimeraError(kind: .invalidRequest, message: message, provider: provider, status: 400)
    }

    /// A body that is not what its protocol promises.
    public static func decoding(_ message: String, provider: ProviderID? = nil, body: String? = nil) -> ChimeraError {
        ChimeraError(kind: .decoding, message: message, provider: provider, body: body)
    }

    /// The caller cancelled.
    public static func cancelled(provider: ProviderID? = nil) -> ChimeraError {
        ChimeraError(kind: .cancelled, message: "the request was cancelled", provider: provider)
    }

    /// A missing or bad setting.
    public static func configuration(_ message: String, provider: ProviderID? = nil, hint: String? = nil) -> ChimeraError {
        ChimeraError(kind: .configuration, message: message, provider: provider, hint: hint)
    }
}

extension Duration {
    /// Seconds with up to three decimals, e.g. `1.5s`.
    public var formattedSeconds: String {
        let milliseconds = Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
        let seconds = (milliseconds / 1000 * 1000).rounded() / 1000
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }

    /// The duration in seconds as a floating-point number.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

extension ChimeraError {
    /// The HTTP status a server answers this error with: its own, or one that fits its kind.
    ///
    /// A ``Kind/decoding`` error is an answer from upstream Chimera could not read (a server's
    /// own inbound bytes fail as ``Kind/invalidRequest``), so it is a 502 like any other upstream
    /// failure: a 400 would blame the caller.
    public var httpStatus: Int {
        if let status, (400...599).contains(status) { return status }
        switch kind {
        case .invalidRequest: return 400
        case .authentication: return 401
        case .rateLimited: return 429
        case .proxyUnavailable: return 502
        case .timeout: return 504
        case .configuration: return 500
        case .cancelled: return 499
        default: return 502
        }
    }
}
