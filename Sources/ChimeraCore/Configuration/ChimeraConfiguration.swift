import Foundation

/// Everything Chimera reads from its environment, validated once.
///
/// Build it from the process environment with ``init(environment:)``, or in code with
/// ``init(connectionMode:proxy:providers:direct:limits:logLevel:apiKey:)``, whose defaults are the
/// documented ones. ``variables`` lists every variable with its default and meaning.
public struct ChimeraConfiguration: Sendable, Hashable {
    /// Direct or proxy (`API_CONNECTION_MODE`).
    public var connectionMode: ConnectionMode
    /// How to reach the proxy.
    public var proxy: ProxyConfiguration
    /// How to reach each provider directly; every provider has an entry.
    public var providers: [ProviderID: ProviderConfiguration]
    /// Time limits and retries of direct calls.
    public var direct: DirectConfiguration
    /// The most bytes read of one answer, unary or streamed, in either mode.
    public var limits: ResponseLimits
    /// The log level (`CHIMERA_LOG_LEVEL`).
    public var logLevel: LogLevel
    /// The bearer token `chimera serve` requires, if any (`CHIMERA_API_KEY`).
    public var apiKey: Secret?

    /// Creates a configuration; every field defaults to the documented default.
    public init(
        connectionMode: ConnectionMode = .direct,
        proxy: ProxyConfiguration = ProxyConfiguration(),
        providers: [ProviderID: ProviderConfiguration] = [:],
        direct: DirectConfiguration = DirectConfiguration(),
        limits: ResponseLimits = ResponseLimits(),
        logLevel: LogLevel = .info,
        apiKey: Secret? = nil
    ) {
        self.connectionMode = connectionMode
        self.proxy = proxy
        var all = providers
        for id in ProviderID.allCases where all[id] == nil {
            all[id] = .defaults(for: id)
        }
        self.providers = all
        self.direct = direct
        self.limits = limits
        self.logLevel = logLevel
        self.apiKey = apiKey
    }

    /// The configuration of one provider.
    public func provider(_ id: ProviderID) -> ProviderConfiguration {
        providers[id] ?? .defaults(for: id)
    }

    /// Reads and validates the configuration from environment variables.
    ///
    /// Unset and empty variables take their defaults. Every problem is collected before
    /// anything is thrown, so one run reports them all.
    ///
    /// - Parameter environment: Usually `ProcessInfo.processInfo.environment`.
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/configuration`` whose
    ///   ``ChimeraError/problems`` names each variable, its value (secrets masked) and what is accepted.
    public init(environment: [String: String]) throws(ChimeraError) {
        var reader = EnvironmentReader(environment: environment)
        let defaults = ChimeraConfiguration()

        let connectionMode = reader.choice("API_CONNECTION_MODE", default: defaults.connectionMode)
        let proxy = ProxyConfiguration(
            serverURL: reader.url("PROXY_SERVER_URL") ?? defaults.proxy.serverURL,
            wireProtocol: reader.choice("PROXY_PROTOCOL", default: defaults.proxy.wireProtocol),
            apiKey: reader.secret("PROXY_API_KEY"),
            fallbackToDirect: reader.bool("PROXY_FALLBACK_TO_DIRECT", default: defaults.proxy.fallbackToDirect),
            timeouts: Timeouts(
                connect: reader.seconds("PROXY_CONNECT_TIMEOUT_SECONDS", default: defaults.proxy.timeouts.connect),
                request: reader.seconds("PROXY_TIMEOUT_SECONDS", default: defaults.proxy.timeouts.request),
                streamIdle: reader.seconds("PROXY_STREAM_IDLE_TIMEOUT_SECONDS", default: defaults.proxy.timeouts.streamIdle)
            ),
            maxRetries: reader.integer("PROXY_MAX_RETRIES", in: 0...10, default: defaults.proxy.maxRetries),
            poolSize: reader.integer("PROXY_POOL_SIZE", in: 1...1024, default: defaults.proxy.poolSize),
            healthCheckInterval: reader.seconds("PROXY_HEALTH_CHECK_INTERVAL_SECONDS", default: defaults.proxy.healthCheckInterval)
        )
        var providers: [ProviderID: ProviderConfiguration] = [:]
        for id in ProviderID.allCases {
            let prefix = id.environmentPrefix
            let fallback = ProviderConfiguration.defaults(for: id)
            providers[id] = ProviderConfiguration(
                apiKey: reader.secret("\(prefix)_API_KEY"),
                baseURL: reader.url("\(prefix)_BASE_URL") ?? fallback.baseURL,
                proxyRoute: reader.pathSegment("\(prefix)_PROXY_ROUTE") ?? fallback.proxyRoute
            )
        }
        let direct = DirectConfiguration(
            timeouts: Timeouts(
                connect: reader.seconds("CHIMERA_CONNECT_TIMEOUT_SECONDS", default: defaults.direct.timeouts.connect),
                request: reader.seconds("CHIMERA_REQUEST_TIMEOUT_SECONDS", default: defaults.direct.timeouts.request),
                streamIdle: reader.seconds("CHIMERA_STREAM_IDLE_TIMEOUT_SECONDS", default: defaults.direct.timeouts.streamIdle)
            ),
            maxRetries: reader.integer("CHIMERA_MAX_RETRIES", in: 0...10, default: defaults.direct.maxRetries)
        )
        let limits = ResponseLimits(
            maxBodyBytes: reader.integer("CHIMERA_MAX_RESPONSE_BYTES", in: ResponseLimits.accepted, default: defaults.limits.maxBodyBytes),
            maxStreamBytes: reader.integer("CHIMERA_MAX_STREAM_BYTES", in: ResponseLimits.accepted, default: defaults.limits.maxStreamBytes)
        )
        let logLevel = reader.choice("CHIMERA_LOG_LEVEL", default: defaults.logLevel)
        let apiKey = reader.secret("CHIMERA_API_KEY")

        if !reader.problems.isEmpty {
            throw ChimeraError.invalidConfiguration(reader.problems)
        }
        self.init(
            connectionMode: connectionMode, proxy: proxy, providers: providers,
            direct: direct, limits: limits, logLevel: logLevel, apiKey: apiKey
        )
    }
}

/// Time limits and retries of direct calls to providers.
public struct DirectConfiguration: Sendable, Hashable {
    /// Time limits (`CHIMERA_CONNECT_TIMEOUT_SECONDS`, `CHIMERA_REQUEST_TIMEOUT_SECONDS`,
    /// `CHIMERA_STREAM_IDLE_TIMEOUT_SECONDS`).
    public var timeouts: Timeouts
    /// Retries of transient failures (`CHIMERA_MAX_RETRIES`); the official SDKs retry twice.
    public var maxRetries: Int

    /// Creates a direct configuration with the documented defaults.
    public init(timeouts: Timeouts = Timeouts(), maxRetries: Int = 2) {
        self.timeouts = timeouts
        self.maxRetries = maxRetries
    }
}

extension ChimeraError {
    /// The problems found in the configuration, when ``kind`` is ``Kind/configuration`` and
    /// validation failed; otherwise empty.
    public var problems: [ConfigurationProblem] { configurationProblems }

    /// An invalid configuration, listing every problem.
    public static func invalidConfiguration(_ problems: [ConfigurationProblem]) -> ChimeraError {
        var error = ChimeraError(
            kind: .configuration,
            message: "invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n"),
            hint: "fix the variables above; `chimera config check` shows the effective configuration"
        )
        error.configurationProblems = problems
        return error
    }
}
