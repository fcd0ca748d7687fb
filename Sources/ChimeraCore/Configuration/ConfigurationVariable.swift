import Foundation

/// One environment variable Chimera reads: its name, what it means, how it is read into the
/// configuration, and how its value is shown (secrets masked).
///
/// ``ChimeraConfiguration/variables`` lists them all, once: ``ChimeraConfiguration/init(environment:)``
/// reads the environment by walking it, and `chimera config check` prints the effective value of
/// each entry, so a variable cannot be parsed without being reported or reported under another name.
public struct ConfigurationVariable: Sendable {
    /// The variable's name, e.g. `PROXY_POOL_SIZE`.
    public let name: String
    /// What it sets and what it accepts, in a few words.
    public let meaning: String
    private let read: @Sendable (inout EnvironmentReader, inout ChimeraConfiguration) -> Void
    private let show: @Sendable (ChimeraConfiguration) -> String

    init(
        _ name: String,
        _ meaning: String,
        read: @escaping @Sendable (inout EnvironmentReader, inout ChimeraConfiguration) -> Void,
        show: @escaping @Sendable (ChimeraConfiguration) -> String
    ) {
        self.name = name
        self.meaning = meaning
        self.read = read
        self.show = show
    }

    /// The value `configuration` holds for this variable, as it may be printed: secrets masked,
    /// URLs redacted, unset values explained.
    public func shownValue(in configuration: ChimeraConfiguration) -> String { show(configuration) }

    /// The default, shown as ``shownValue(in:)`` shows values.
    public var shownDefault: String { show(ChimeraConfiguration()) }

    /// Reads the variable from `reader` into `configuration`, which holds the default until then.
    func apply(_ reader: inout EnvironmentReader, to configuration: inout ChimeraConfiguration) {
        read(&reader, &configuration)
    }
}

/// A field of the configuration that a variable sets.
typealias Field<Value> = any WritableKeyPath<ChimeraConfiguration, Value> & Sendable

/// What an unset optional value shows.
let notSet = "(not set)"

// The typed kinds of variable: each reads with one ``EnvironmentReader`` method and shows the
// value the way `config check` always has.
extension ConfigurationVariable {
    static func choice<Value: RawRepresentable & CaseIterable & Sendable>(_ name: String, _ field: Field<Value>, _ meaning: String) -> Self
    where Value.RawValue == String {
        Self(name, meaning, read: { reader, configuration in
            configuration[keyPath: field] = reader.choice(name, default: configuration[keyPath: field])
        }, show: { $0[keyPath: field].rawValue })
    }

    static func flag(_ name: String, _ field: Field<Bool>, _ meaning: String) -> Self {
        Self(name, meaning, read: { reader, configuration in
            configuration[keyPath: field] = reader.bool(name, default: configuration[keyPath: field])
        }, show: { String($0[keyPath: field]) })
    }

    static func integer(_ name: String, _ field: Field<Int>, in range: ClosedRange<Int>, _ meaning: String) -> Self {
        Self(name, meaning, read: { reader, configuration in
            configuration[keyPath: field] = reader.integer(name, in: range, default: configuration[keyPath: field])
        }, show: { String($0[keyPath: field]) })
    }

    static func seconds(_ name: String, _ field: Field<Duration>, _ meaning: String) -> Self {
        Self(name, meaning, read: { reader, configuration in
            configuration[keyPath: field] = reader.seconds(name, default: configuration[keyPath: field])
        }, show: { $0[keyPath: field].formattedSeconds })
    }

    static func secret(_ name: String, _ field: Field<Secret?>, _ meaning: String) -> Self {
        Self(name, meaning, read: { reader, configuration in
            configuration[keyPath: field] = reader.secret(name)
        }, show: { $0[keyPath: field]?.description ?? notSet })
    }

    /// A proxy URL read from the lowercase spelling when it is set, else the uppercase one (as curl does).
    static func outboundProxy(_ name: String, _ field: Field<OutboundProxy?>, _ meaning: String) -> Self {
        let lowercase = name.lowercased()
        return Self(name, meaning, read: { reader, configuration in
            let spelling = reader.raw(lowercase) != nil ? lowercase : name
            configuration[keyPath: field] = reader.parsed(spelling, OutboundProxy.parse)
        }, show: { configuration in
            guard let proxy = configuration[keyPath: field] else { return notSet }
            let overridden = configuration.egress.overrideProxy != nil && name != "CHIMERA_EGRESS_PROXY"
            return proxy.description + (overridden ? " (overridden by CHIMERA_EGRESS_PROXY)" : "")
        })
    }

    /// The variables of one provider: key, base URL, proxy route, and for OpenAI-compatible
    /// providers the API they are called with.
    static func provider(_ id: ProviderID) -> [Self] {
        let prefix = id.environmentPrefix
        let wireAPI: [Self] = id.family == .openAIChat
            ? [.choice("\(prefix)_WIRE_API", \.[provider: id].wireAPI, "chat or responses: the OpenAI API \(id.displayName) is called with (/chat/completions or /responses)")]
            : []
        return [
            .secret("\(prefix)_API_KEY", \.[provider: id].apiKey, "\(id.displayName)'s API key"),
            Self("\(prefix)_BASE_URL", "\(id.displayName)'s base URL, as its official SDK means it", read: { reader, configuration in
                if let url = reader.url("\(prefix)_BASE_URL") { configuration[provider: id].baseURL = url }
            }, show: { configuration in
                configuration.provider(id).baseURL.map { Redaction.redact($0.absoluteString) } ?? "(not set: required for \(id.displayName))"
            }),
            Self("\(prefix)_PROXY_ROUTE", "the path prefix that selects \(id.displayName) on the proxy", read: { reader, configuration in
                if let route = reader.pathSegment("\(prefix)_PROXY_ROUTE") { configuration[provider: id].proxyRoute = route }
            }, show: { $0.provider(id).proxyRoute }),
        ] + wireAPI
    }
}

extension ChimeraConfiguration {
    /// Every environment variable Chimera reads, in the order `chimera config check` prints them.
    public static let variables: [ConfigurationVariable] = [
        .choice("API_CONNECTION_MODE", \.connectionMode, "direct or proxy"),
        ConfigurationVariable("PROXY_SERVER_URL", "base URL of the proxy, or a comma-separated list of proxies to share the load and fail over", read: { reader, configuration in
            if let urls = reader.urls("PROXY_SERVER_URL") { configuration.proxy.serverURLs = urls }
        }, show: { $0.proxy.serverURLs.map { Redaction.redact($0.absoluteString) }.joined(separator: ", ") }),
        .choice("PROXY_PROTOCOL", \.proxy.wireProtocol, "auto, json or protobuf"),
        .secret("PROXY_API_KEY", \.proxy.apiKey, "key the proxy requires, sent as Authorization: Bearer"),
        .flag("PROXY_FALLBACK_TO_DIRECT", \.proxy.fallbackToDirect, "after the proxy fails, send the request directly"),
        .seconds("PROXY_TIMEOUT_SECONDS", \.proxy.timeouts.request, "limit on a unary proxy call, and on the wait for a stream's first byte"),
        .seconds("PROXY_CONNECT_TIMEOUT_SECONDS", \.proxy.timeouts.connect, "limit on connecting to the proxy"),
        .seconds("PROXY_STREAM_IDLE_TIMEOUT_SECONDS", \.proxy.timeouts.streamIdle, "longest silence between two stream chunks from the proxy"),
        .integer("PROXY_MAX_RETRIES", \.proxy.maxRetries, in: 0...10, "retries of transient proxy failures"),
        .integer("PROXY_POOL_SIZE", \.proxy.poolSize, in: 1...1024, "requests in flight to the proxy at once"),
        .seconds("PROXY_HEALTH_CHECK_INTERVAL_SECONDS", \.proxy.healthCheckInterval, "health monitor period"),
        .seconds("CHIMERA_CONNECT_TIMEOUT_SECONDS", \.direct.timeouts.connect, "limit on connecting to a provider (direct mode)"),
        .seconds("CHIMERA_REQUEST_TIMEOUT_SECONDS", \.direct.timeouts.request, "limit on a unary direct call, and on the wait for a stream's first byte"),
        .seconds("CHIMERA_STREAM_IDLE_TIMEOUT_SECONDS", \.direct.timeouts.streamIdle, "longest silence between two stream chunks (direct mode)"),
        .integer("CHIMERA_MAX_RETRIES", \.direct.maxRetries, in: 0...10, "retries of transient direct failures"),
        .integer("CHIMERA_MAX_RESPONSE_BYTES", \.limits.maxBodyBytes, in: ResponseLimits.accepted, "the most bytes of a unary answer"),
        .integer("CHIMERA_MAX_STREAM_BYTES", \.limits.maxStreamBytes, in: ResponseLimits.accepted, "the most bytes of one streamed answer"),
        .seconds("CHIMERA_SERVER_HEADER_TIMEOUT_SECONDS", \.server.headerTimeout, "limit on reading a request head, on both servers"),
        .seconds("CHIMERA_SERVER_BODY_TIMEOUT_SECONDS", \.server.bodyTimeout, "longest pause while reading a request body"),
        .seconds("CHIMERA_SERVER_IDLE_TIMEOUT_SECONDS", \.server.idleTimeout, "how long an idle keep-alive connection stays open"),
        .seconds("CHIMERA_SERVER_SEND_TIMEOUT_SECONDS", \.server.sendTimeout, "longest wait for a client to take what the server writes"),
        .integer("CHIMERA_SERVER_MAX_CONNECTIONS", \.server.maxConnections, in: ServerLimits.acceptedConnections, "open client connections per server"),
        .choice("CHIMERA_LOG_LEVEL", \.logLevel, "trace, debug, info, notice, warning, error or critical"),
        .secret("CHIMERA_API_KEY", \.apiKey, "the bearer token chimera serve requires"),
        .secret("CHIMERA_PROXY_API_KEY", \.proxyServerAPIKey, "the key chimera proxy requires of its clients (--api-key wins)"),
        .choice("CHIMERA_CACHE", \.sharing.cache, "off, memory or postgres: where both servers cache successful answers"),
        ConfigurationVariable("CHIMERA_POSTGRES_URL", "the PostgreSQL database of CHIMERA_CACHE=postgres, shared by every instance", read: { reader, configuration in
            configuration.sharing.postgres = reader.parsed("CHIMERA_POSTGRES_URL", PostgresLocation.parse)
        }, show: { $0.sharing.postgres?.description ?? notSet }),
        .seconds("CHIMERA_CACHE_TTL_SECONDS", \.sharing.cacheTTL, "how long a cached answer is served"),
        .integer("CHIMERA_CACHE_MAX_BYTES", \.sharing.cacheMaxBytes, in: ResponseSharingConfiguration.acceptedCacheBytes, "the most bytes of cached answers; the oldest go first"),
        .flag("CHIMERA_DEDUPLICATE", \.sharing.deduplicate, "identical requests in flight at once share one upstream call"),
    ]
        + ProviderID.allCases.flatMap(ConfigurationVariable.provider)
        + egressVariables + auditVariables

    /// Where outbound calls go and what they trust.
    private static let egressVariables: [ConfigurationVariable] = [
        .choice("CHIMERA_EGRESS", \.egress.policy, "open, or strict: nothing outside the egress manifest is contacted"),
        .outboundProxy("CHIMERA_EGRESS_PROXY", \.egress.overrideProxy, "the proxy for every outbound call, overriding the four below"),
        .outboundProxy("HTTPS_PROXY", \.egress.httpsProxy, "the proxy for https:// calls (https_proxy wins when both are set)"),
        .outboundProxy("HTTP_PROXY", \.egress.httpProxy, "the proxy for http:// calls (http_proxy wins)"),
        .outboundProxy("ALL_PROXY", \.egress.allProxy, "the proxy for calls whose scheme has none of its own (all_proxy wins)"),
        ConfigurationVariable("NO_PROXY", "hosts reached directly (no_proxy wins)", read: { reader, configuration in
            let spelling = reader.raw("no_proxy") != nil ? "no_proxy" : "NO_PROXY"
            configuration.egress.noProxy = reader.parsed(spelling) { text in
                NoProxyList(parsing: text).map { .success($0) }
                    ?? .failure(ValueRefusal("a comma-separated list of hosts, domains (.example.com), host:port, IP addresses, IPv4 ranges (10.0.0.0/8) or *"))
            } ?? NoProxyList()
        }, show: { $0.egress.noProxy.description }),
        ConfigurationVariable("CHIMERA_CA_BUNDLE", "a PEM file of CA certificates trusted in addition to the system's", read: { reader, configuration in
            configuration.egress.caBundle = reader.parsed("CHIMERA_CA_BUNDLE", CertificateBundle.load)
        }, show: { $0.egress.caBundle?.description ?? notSet }),
        ConfigurationVariable("SSL_CERT_FILE", "the same, used when CHIMERA_CA_BUNDLE is unset", read: { reader, configuration in
            // Read only when it is the bundle in use: a broken SSL_CERT_FILE that Chimera ignores is no problem of Chimera's.
            guard reader.raw("CHIMERA_CA_BUNDLE") == nil else { return }
            configuration.egress.sslCertFile = reader.parsed("SSL_CERT_FILE", CertificateBundle.load)
        }, show: { configuration in
            configuration.egress.caBundle != nil ? "(not used: CHIMERA_CA_BUNDLE is set)" : configuration.egress.sslCertFile?.description ?? notSet
        }),
    ]

    /// The audit log of the servers.
    private static let auditVariables: [ConfigurationVariable] = [
        ConfigurationVariable("CHIMERA_AUDIT_LOG", "the file chimera proxy appends one JSON line per request to", read: { reader, configuration in
            configuration.audit.path = reader.parsed("CHIMERA_AUDIT_LOG") { path in
                var isDirectory: ObjCBool = false
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
                guard !path.hasSuffix("/"), FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                    return .failure(ValueRefusal("the path of a file in an existing directory"))
                }
                return .success(path)
            }
        }, show: { $0.audit.path ?? "(not set: no audit log)" }),
        .integer("CHIMERA_AUDIT_MAX_BYTES", \.audit.maxBytes, in: AuditConfiguration.acceptedMaxBytes, "the size past which the audit log is rotated"),
        .integer("CHIMERA_AUDIT_KEEP", \.audit.keep, in: AuditConfiguration.acceptedKeep, "how many rotated audit files (PATH.1 … PATH.N) are kept"),
        .flag("CHIMERA_AUDIT_CONTENT", \.audit.includeContent, "whether audit records carry the prompt and the answer"),
    ]
}
