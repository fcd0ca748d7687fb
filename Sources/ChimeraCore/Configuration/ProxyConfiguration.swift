import Foundation

/// How to reach the LLM proxy in proxy mode.
public struct ProxyConfiguration: Sendable, Hashable {
    /// The base URLs of the proxies, in order of preference (`PROXY_SERVER_URL`, comma-separated);
    /// never empty.
    ///
    /// With several, each request goes to a healthy one with the fewest requests in flight and
    /// fails over to the next before its first event (see `ProxyPoolProvider`).
    public var serverURLs: [URL]
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
        serverURLs: [URL] = [URL(string: "http://localhost:8080")!],
        wireProtocol: ProxyProtocolPreference = .auto,
        apiKey: Secret? = nil,
        fallbackToDirect: Bool = false,
        timeouts: Timeouts = Timeouts(),
        maxRetries: Int = 3,
        poolSize: Int = 8,
        healthCheckInterval: Duration = .seconds(30)
    ) {
        precondition(!serverURLs.isEmpty, "a proxy configuration names at least one proxy")
        self.serverURLs = serverURLs
        self.wireProtocol = wireProtocol
        self.apiKey = apiKey
        self.fallbackToDirect = fallbackToDirect
        self.timeouts = timeouts
        self.maxRetries = maxRetries
        self.poolSize = poolSize
        self.healthCheckInterval = healthCheckInterval
    }
}

extension ProxyConfiguration {
    /// The first proxy's base URL; setting it makes that URL the only proxy.
    ///
    /// Most of Chimera talks to one proxy at a time: the pool splits a configuration into one per
    /// proxy (``eachProxy``), each of which names its proxy here.
    public var serverURL: URL {
        get { serverURLs[0] }
        set { serverURLs = [newValue] }
    }

    /// One configuration per proxy of ``serverURLs``, in order, each naming only its own proxy.
    public var eachProxy: [ProxyConfiguration] {
        serverURLs.map { url in
            var single = self
            single.serverURL = url
            return single
        }
    }

    /// How `url` is shown in metric labels and reports: without its user and password, so a
    /// credential in the URL never becomes a label.
    public static func label(of url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.user = nil
        components?.password = nil
        return Redaction.redact(components?.string ?? url.absoluteString)
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
