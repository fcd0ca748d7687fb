import Foundation

/// How to reach the LLM proxy in proxy mode.
public struct ProxyConfiguration: Sendable, Hashable {
    /// The proxy's base URL (`PROXY_SERVER_URL`).
    public var serverURL: URL
    /// The encoding of Chimera's hop to the proxy (`PROXY_PROTOCOL`).
    public var wireProtocol: ProxyProtocolPreference
    /// The key the proxy requires of its clients (`PROXY_API_KEY`), sent as `Authorization: Bearer`.
    public var apiKey: Secret?
    /// Whether a request the proxy failed goes directly to the provider (`PROXY_FALLBACK_TO_DIRECT`).
    public var fallbackToDirect: Bool
    /// Time limits of proxy calls.
    public var timeouts: Timeouts
    /// Retries of transient proxy failures (`PROXY_MAX_RETRIES`).
    public var maxRetries: Int
    /// Requests in flight to the proxy at once, each on a kept-alive connection; more wait their
    /// turn up to their time limit (`PROXY_POOL_SIZE`).
    public var poolSize: Int
    /// Period of the health monitor (`PROXY_HEALTH_CHECK_INTERVAL_SECONDS`).
    public var healthCheckInterval: Duration

    /// Creates a proxy configuration; every field has the documented default.
    public init(
        serverURL: URL = URL(string: "http://localhost:8080")!,
        wireProtocol: ProxyProtocolPreference = .auto,
        apiKey: Secret? = nil,
        fallbackToDirect: Bool = false,
        timeouts: Timeouts = Timeouts(),
        maxRetries: Int = 3,
        poolSize: Int = 8,
        healthCheckInterval: Duration = .seconds(30)
    ) {
        self.serverURL = serverURL
        self.wireProtocol = wireProtocol
        self.apiKey = apiKey
        self.fallbackToDirect = fallbackToDirect
        self.timeouts = timeouts
        self.maxRetries = maxRetries
        self.poolSize = poolSize
        self.healthCheckInterval = healthCheckInterval
    }
}

/// Time limits of one kind of outbound call.
///
/// LLMs are slow, and AIClient-2-API may sleep up to about 50 s before its first byte while it
/// switches accounts, so the defaults are generous.
public struct Timeouts: Sendable, Hashable {
    /// Limit on opening a connection.
    public var connect: Duration
    /// Limit on a unary call as a whole, and on the wait for a stream's response head.
    public var request: Duration
    /// Limit on the silence between two chunks of a stream.
    public var streamIdle: Duration

    /// Creates time limits.
    public init(connect: Duration = .seconds(10), request: Duration = .seconds(300), streamIdle: Duration = .seconds(120)) {
        self.connect = connect
        self.request = request
        self.streamIdle = streamIdle
    }
}
