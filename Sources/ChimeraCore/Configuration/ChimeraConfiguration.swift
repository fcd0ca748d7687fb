import Foundation

/// Everything Chimera reads from its environment, validated once.
///
/// Build it from the process environment with ``init(environment:)``, or in code with
/// ``init(connectionMode:proxy:providers:direct:limits:server:logLevel:apiKey:proxyServerAPIKey:egress:audit:sharing:)``,
/// whose defaults are the documented ones. ``variables`` lists every variable with its meaning,
/// how it is read and how it is shown.
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
    /// The time limits and connection cap of both servers' client connections.
    public var server: ServerLimits
    /// The log level (`CHIMERA_LOG_LEVEL`).
    public var logLevel: LogLevel
    /// The bearer token `chimera serve` requires, if any (`CHIMERA_API_KEY`).
    public var apiKey: Secret?
    /// The key `chimera proxy` requires of its clients when `--api-key` is not given (`CHIMERA_PROXY_API_KEY`).
    public var proxyServerAPIKey: Secret?
    /// Where outbound calls go, what they trust, and whether the egress manifest is enforced.
    public var egress: EgressConfiguration
    /// The servers' audit log.
    public var audit: AuditConfiguration
    /// The servers' response cache and in-flight deduplication.
    public var sharing: ResponseSharingConfiguration

    /// Creates a configuration; every field defaults to the documented default.
    public init(
        connectionMode: ConnectionMode = .direct,
        proxy: ProxyConfiguration = ProxyConfiguration(),
        providers: [ProviderID: ProviderConfiguration] = [:],
        direct: DirectConfiguration = DirectConfiguration(),
        limits: ResponseLimits = ResponseLimits(),
        server: ServerLimits = ServerLimits(),
        logLevel: LogLevel = .info,
        apiKey: Secret? = nil,
        proxyServerAPIKey: Secret? = nil,
        egress: EgressConfiguration = EgressConfiguration(),
        audit: AuditConfiguration = AuditConfiguration(),
        sharing: ResponseSharingConfiguration = ResponseSharingConfiguration()
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
        self.server = server
        self.logLevel = logLevel
        self.apiKey = apiKey
        self.proxyServerAPIKey = proxyServerAPIKey
        self.egress = egress
        self.audit = audit
        self.sharing = sharing
    }

    /// The configuration of one provider.
    public func provider(_ id: ProviderID) -> ProviderConfiguration {
        providers[id] ?? .defaults(for: id)
    }

    /// The protocol family Chimera speaks to a provider: its own, or the Responses API for an
    /// OpenAI-compatible provider configured with `<P>_WIRE_API=responses`.
    public func family(of id: ProviderID) -> ProtocolFamily {
        id.family == .openAIChat && provider(id).wireAPI == .responses ? .openAIResponses : id.family
    }

    /// Reads and validates the configuration from environment variables.
    ///
    /// Walks ``variables``, so every variable is read the one way `chimera config check` reports
    /// it. Unset and empty variables take their defaults. Every problem is collected before
    /// anything is thrown, so one run reports them all; settings that contradict each other
    /// (strict egress with fallback in proxy mode) are reported like bad values.
    ///
    /// - Parameter environment: Usually `ProcessInfo.processInfo.environment`.
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/configuration`` whose
    ///   ``ChimeraError/problems`` names each variable, its value (secrets masked) and what is accepted.
    public init(environment: [String: String]) throws(ChimeraError) {
        var reader = EnvironmentReader(environment: environment)
        var configuration = ChimeraConfiguration()
        for variable in Self.variables {
            variable.apply(&reader, to: &configuration)
        }
        if configuration.egress.policy == .strict && configuration.connectionMode == .proxy && configuration.proxy.fallbackToDirect {
            reader.report(
                "PROXY_FALLBACK_TO_DIRECT", reader.raw("PROXY_FALLBACK_TO_DIRECT") ?? "true",
                accepted: "false while CHIMERA_EGRESS=strict in proxy mode: strict egress means nothing but the proxy is contacted, and fallback would call the providers directly"
            )
        }
        if configuration.sharing.cache == .postgres && configuration.sharing.postgres == nil && reader.raw("CHIMERA_POSTGRES_URL") == nil {
            reader.report("CHIMERA_POSTGRES_URL", "", accepted: "\(PostgresLocation.accepted), required by CHIMERA_CACHE=postgres")
        }
        if !reader.problems.isEmpty {
            throw ChimeraError.invalidConfiguration(reader.problems)
        }
        self = configuration
    }

    /// The configuration of one provider, to read or change in place.
    public subscript(provider id: ProviderID) -> ProviderConfiguration {
        get { provider(id) }
        set { providers[id] = newValue }
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
