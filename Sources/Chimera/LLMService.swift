@_exported import ChimeraCore
import ChimeraTransport
import Logging

/// The front door of the library: one ``LLMProvider`` per provider, built once from the
/// configuration, in direct or proxy mode.
///
/// Callers never branch on the connection mode: in proxy mode every provider reaches the proxy,
/// falling back to direct calls only when `PROXY_FALLBACK_TO_DIRECT` is on and the proxy failed;
/// with fallback off, requests fail at once while the proxy is known to be down (``ProxyCircuit``).
///
/// In proxy mode the service also owns one ``proxyHealthMonitors`` entry per proxy, which learns
/// from every request; run them as services (a server passes them to its `ServiceGroup`) so that
/// they also check the proxies on their period and fallback can go direct at once while they are
/// down. With several proxies (`PROXY_SERVER_URL` a list) each request goes to a healthy one with
/// the fewest requests in flight and fails over to the next before its first event
/// (``ProxyPoolProvider``).
///
/// ```swift
/// let service = try LLMService(configuration: ChimeraConfiguration(environment: ProcessInfo.processInfo.environment))
/// let answer = try await service.complete(ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.user("Hi")]))
/// try await service.shutdown()
/// ```
public final class LLMService: Sendable {
    /// The configuration the providers were built from.
    public let configuration: ChimeraConfiguration
    /// The shared HTTP transport (one client per process).
    public let transport: HTTPTransport
    /// The health monitor of each proxy in proxy mode, in the order of `PROXY_SERVER_URL`; empty
    /// in direct mode.
    ///
    /// Each is told about every attempt through its proxy. Nothing runs their periodic checks until
    /// they are run as ServiceLifecycle `Service`s; until then ``ProxyHealthMonitor/status`` only
    /// reflects real requests, and fallback does not consult them.
    public let proxyHealthMonitors: [ProxyHealthMonitor]

    /// Connections kept per provider host in direct mode; high enough that a server fanning out
    /// many concurrent requests does not queue behind the pool.
    public static let directPoolSize = 256

    private let providers: [ProviderID: any LLMProvider]
    private let forwarders: [ProviderID: [ProtocolFamily: Forwarder]]
    private let ownsClient: Bool

    /// Builds every provider from `configuration`.
    ///
    /// - Parameters:
    ///   - transport: The HTTP transport to share; by default the service makes (and owns) one
    ///     configured for the connection mode.
    ///   - observer: Told the outcome of every attempt (metrics), after the health monitor.
    ///   - logger: Where failures and proxy health changes are logged; a library logs nothing
    ///     unless given a logger.
    public init(
        configuration: ChimeraConfiguration,
        transport: HTTPTransport? = nil,
        observer callerObserver: RequestObserver? = nil,
        logger: Logger = Logger(label: "chimera", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        // From here on every error, report and log line of the process masks these keys,
        // whatever their shape (see Redaction.register).
        Redaction.register(configuration.secrets)
        self.configuration = configuration
        let ownsClient = transport == nil
        let transport = transport ?? HTTPTransport(
            connectTimeout: configuration.connectionMode == .proxy ? configuration.proxy.timeouts.connect : configuration.direct.timeouts.connect,
            streamIdleTimeout: configuration.connectionMode == .proxy ? configuration.proxy.timeouts.streamIdle : configuration.direct.timeouts.streamIdle,
            poolSize: configuration.connectionMode == .proxy ? configuration.proxy.poolSize : Self.directPoolSize,
            limits: configuration.limits,
            egress: configuration.egress,
            allowedDestinations: EgressManifest(configuration, role: .client).enforcedDestinations
        )
        self.transport = transport
        self.ownsClient = ownsClient
        var providers: [ProviderID: any LLMProvider] = [:]
        var forwarders: [ProviderID: [ProtocolFamily: Forwarder]] = [:]
        let proxies = configuration.connectionMode == .proxy
            ? configuration.proxy.eachProxy.map { ProxyRoutes(configuration: configuration, proxy: $0, transport: transport, observer: callerObserver, logger: logger) }
            : []
        let pool = proxies.count > 1 ? ProxyPool(monitors: proxies.map(\.monitor)) : nil
        self.proxyHealthMonitors = proxies.map(\.monitor)
        for id in ProviderID.allCases {
            let direct = HTTPProvider.direct(id, configuration: configuration, transport: transport, observer: callerObserver, logger: logger)
            guard configuration.connectionMode == .proxy else {
                providers[id] = direct
                forwarders[id] = [direct.binding.family: Forwarder(direct)]
                for family in configuration.otherFamilies(spokenBy: id) {
                    forwarders[id]?[family] = Forwarder(HTTPProvider.direct(id, family: family, configuration: configuration, transport: transport, observer: callerObserver, logger: logger))
                }
                continue
            }
            let fallback = configuration.proxy.fallbackToDirect
            // One proxy with fallback: fallback consults its monitor itself. Otherwise each proxy
            // is behind its circuit, so one known to be down fails at once (and a pool passes it over).
            let members = proxies.map { $0.provider(id, behindCircuit: pool != nil || !fallback) }
            let throughProxies: any LLMProvider = pool.map { ProxyPoolProvider(members: members, pool: $0) } ?? members[0]
            providers[id] = fallback ? FallbackProvider(proxy: throughProxies, direct: direct, monitors: proxyHealthMonitors) : throughProxies
            // A body sent as is can neither fall back nor fail over: only one JSON proxy without fallback forwards.
            if proxies.count == 1, !fallback {
                forwarders[id] = proxies[0].json(id).mapValues { Forwarder($0, circuit: proxies[0].circuit) }
            }
        }
        self.providers = providers
        self.forwarders = forwarders
    }

    /// The provider that can send a caller's body in `family` as it is (same-family
    /// pass-through), or `nil` when the provider is not spoken to in that family or the
    /// connection mode must translate every request: the provider itself in direct mode, its JSON
    /// proxy route in proxy mode with `PROXY_PROTOCOL=json` and no fallback. A provider is spoken
    /// to in its configured family (``ChimeraConfiguration/family(of:)``); OpenAI in both of its own.
    public func forwarder(_ id: ProviderID, speaking family: ProtocolFamily) -> Forwarder? {
        forwarders[id]?[family]
    }

    /// The provider for `id`.
    public func provider(_ id: ProviderID) -> any LLMProvider {
        providers[id]!
    }

    /// Sends `request` to its provider and waits for the whole answer.
    ///
    /// - Parameter context: The call's request id, trace and deadline (a server passes its own).
    public func complete(_ request: ChatRequest, context: CallContext = .none) async throws(ChimeraError) -> ChatResponse {
        try await provider(request.provider).complete(request, context: context)
    }

    /// Sends `request` to its provider and returns the answer as a stream.
    ///
    /// - Parameter context: The call's request id, trace and deadline (a server passes its own).
    /// - Throws: ``ChimeraError`` for failures before the first event.
    public func stream(_ request: ChatRequest, context: CallContext = .none) async throws(ChimeraError) -> ChatStream {
        try await provider(request.provider).stream(request, context: context)
    }

    /// Counts the input tokens of `request` (see ``LLMProvider/countTokens(_:context:)``).
    public func countTokens(_ request: ChatRequest, context: CallContext = .none) async throws(ChimeraError) -> TokenCount {
        try await provider(request.provider).countTokens(request, context: context)
    }

    /// Turns `request`'s texts into vectors with its provider (see ``LLMProvider/embed(_:context:)``).
    ///
    /// - Parameter context: The call's request id, trace and deadline (a server passes its own).
    public func embed(_ request: EmbeddingRequest, context: CallContext = .none) async throws(ChimeraError) -> EmbeddingResponse {
        try await provider(request.provider).embed(request, context: context)
    }

    /// Lists the models of one provider.
    public func listModels(_ id: ProviderID, context: CallContext = .none) async throws(ChimeraError) -> [ModelInfo] {
        try await provider(id).listModels(context: context)
    }

    /// Shuts down the HTTP client if the service made it. Call once, when done.
    public func shutdown() async throws {
        if ownsClient { try await transport.shutdown() }
    }
}

extension ChimeraConfiguration {
    /// The families besides its configured one that provider `id` can be sent a caller's body
    /// in as it is: for OpenAI, whose API speaks both of its protocols, the other one.
    func otherFamilies(spokenBy id: ProviderID) -> [ProtocolFamily] {
        id == .openai ? [.openAIChat, .openAIResponses].filter { $0 != family(of: id) } : []
    }
}
