#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The limits both servers (`chimera proxy`, `chimera serve`) put on each client connection,
/// modelled on nginx's `client_header_timeout`, `client_body_timeout`, `keepalive_timeout`,
/// `send_timeout` and `worker_connections`.
///
/// A client that opens connections and sends nothing, sends its request slowly, or stops reading
/// the answer holds a descriptor (and, while its request runs, an upstream connection); these
/// limits give each back, so neither can starve the server. See docs/reliability.md.
public struct ServerLimits: Sendable, Hashable {
    /// The longest a client may take to send a whole request head, from its first byte (or, for
    /// the first request, from the connection's opening) (`CHIMERA_SERVER_HEADER_TIMEOUT_SECONDS`).
    /// Past it the server answers 408 and closes the connection.
    public var headerTimeout: Duration
    /// The longest silence while a request body arrives (`CHIMERA_SERVER_BODY_TIMEOUT_SECONDS`):
    /// not a limit on the whole body, only between two reads. Past it: 408, and the connection closes.
    public var bodyTimeout: Duration
    /// How long a kept-alive connection may wait for its next request
    /// (`CHIMERA_SERVER_IDLE_TIMEOUT_SECONDS`); then it closes.
    public var idleTimeout: Duration
    /// The longest a response may wait for the client to take any of its bytes
    /// (`CHIMERA_SERVER_SEND_TIMEOUT_SECONDS`): not a limit on the whole response, only between
    /// two successful writes. Past it the connection closes, which cancels the request's handler
    /// and so its upstream request, freeing its pooled connection.
    public var sendTimeout: Duration
    /// The most connections kept open at once (`CHIMERA_SERVER_MAX_CONNECTIONS`). A connection
    /// accepted beyond it closes the one that has waited longest for a request; when every
    /// connection has a request in flight, the new one answers only `/health` and is closed
    /// after it, everything else on it gets 503.
    public var maxConnections: Int

    /// The accepted range of ``maxConnections``.
    public static let acceptedConnections: ClosedRange<Int> = 1...1_048_576

    /// Creates limits; the defaults are the documented ones.
    ///
    /// - Parameter maxConnections: By default ``defaultMaxConnections``.
    public init(
        headerTimeout: Duration = .seconds(60),
        bodyTimeout: Duration = .seconds(60),
        idleTimeout: Duration = .seconds(75),
        sendTimeout: Duration = .seconds(60),
        maxConnections: Int = ServerLimits.defaultMaxConnections
    ) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.sendTimeout = sendTimeout
        self.maxConnections = maxConnections
    }

    /// Half the process's descriptor limit (`ulimit -n`), at least 64: 512 under the common
    /// 1,024. Each client request in flight can hold a second descriptor upstream, and the
    /// process needs a few of its own, so half is what fits; a process started with a higher
    /// limit (as `chimera bench` needs for 1,000 streams) gets a higher cap.
    public static var defaultMaxConnections: Int {
        var limit = rlimit()
        guard getrlimit(Self.descriptorResource, &limit) == 0 else { return 512 }
        // An unlimited limit clamps to the accepted maximum.
        return min(max(Int(clamping: limit.rlim_cur) / 2, 64), acceptedConnections.upperBound)
    }

    #if canImport(Glibc)
    private static let descriptorResource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let descriptorResource = RLIMIT_NOFILE
    #endif
}
