import Foundation

/// Whether the hosts Chimera contacts are only listed or also enforced (`CHIMERA_EGRESS`).
public enum EgressPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Calls go where the configuration says; `chimera config check` lists where.
    case open
    /// Nothing outside the egress manifest is contacted: in proxy mode only the proxy (so
    /// `PROXY_FALLBACK_TO_DIRECT=true` is refused), on `chimera proxy` and in direct mode only
    /// the providers' base URLs. A call elsewhere fails before any connection is made.
    case strict
}

/// How outbound calls leave the process: through which proxy, which CA certificates they trust,
/// and whether the egress manifest is enforced.
///
/// The proxy variables have their usual meanings: `HTTPS_PROXY` for https:// URLs,
/// `HTTP_PROXY` for http:// URLs, `ALL_PROXY` for either when the scheme's own is unset,
/// `NO_PROXY` for hosts reached directly; the lowercase spellings win over the uppercase ones
/// when both are set, as in curl. `CHIMERA_EGRESS_PROXY` overrides all four for both schemes.
/// Loopback destinations (`localhost`, `127.0.0.0/8`, `::1`) are always reached directly: in
/// proxy mode the local LLM proxy is one of them.
public struct EgressConfiguration: Sendable, Hashable {
    /// Open or strict (`CHIMERA_EGRESS`).
    public var policy: EgressPolicy
    /// The proxy for every outbound call, overriding the others (`CHIMERA_EGRESS_PROXY`).
    public var overrideProxy: OutboundProxy?
    /// The proxy for https:// URLs (`HTTPS_PROXY` / `https_proxy`).
    public var httpsProxy: OutboundProxy?
    /// The proxy for http:// URLs (`HTTP_PROXY` / `http_proxy`).
    public var httpProxy: OutboundProxy?
    /// The proxy for URLs whose scheme has none of its own (`ALL_PROXY` / `all_proxy`).
    public var allProxy: OutboundProxy?
    /// Hosts reached directly (`NO_PROXY` / `no_proxy`).
    public var noProxy: NoProxyList
    /// Extra CA certificates (`CHIMERA_CA_BUNDLE`).
    public var caBundle: CertificateBundle?
    /// Extra CA certificates when `CHIMERA_CA_BUNDLE` is unset (`SSL_CERT_FILE`).
    public var sslCertFile: CertificateBundle?
    /// Whether loopback destinations skip the proxy; always true from the environment. Off, only
    /// `NO_PROXY` decides, for a proxy that must see even local traffic — and for tests, whose
    /// every server is on loopback.
    public var loopbackGoesDirect = true

    /// Creates an egress configuration; by default open, no proxy, the system's roots only.
    public init(
        policy: EgressPolicy = .open,
        overrideProxy: OutboundProxy? = nil,
        httpsProxy: OutboundProxy? = nil,
        httpProxy: OutboundProxy? = nil,
        allProxy: OutboundProxy? = nil,
        noProxy: NoProxyList = NoProxyList(),
        caBundle: CertificateBundle? = nil,
        sslCertFile: CertificateBundle? = nil
    ) {
        self.policy = policy
        self.overrideProxy = overrideProxy
        self.httpsProxy = httpsProxy
        self.httpProxy = httpProxy
        self.allProxy = allProxy
        self.noProxy = noProxy
        self.caBundle = caBundle
        self.sslCertFile = sslCertFile
    }

    /// The CA certificates trusted in addition to the system's: `CHIMERA_CA_BUNDLE`, else `SSL_CERT_FILE`.
    public var trustedCertificates: CertificateBundle? { caBundle ?? sslCertFile }

    /// Every distinct proxy some destination may go through.
    public var proxies: [OutboundProxy] {
        var seen: [OutboundProxy] = []
        for proxy in [overrideProxy, httpsProxy, httpProxy, allProxy].compactMap({ $0 }) where !seen.contains(proxy) {
            seen.append(proxy)
        }
        return overrideProxy.map { [$0] } ?? seen
    }

    /// How a call to `scheme://host:port` leaves the process.
    public func route(scheme: String, host: String, port: Int) -> EgressRoute {
        if loopbackGoesDirect && Self.isLoopback(host) { return .direct(.loopback) }
        if noProxy.matches(host: host, port: port) { return .direct(.noProxy) }
        let proxy = overrideProxy ?? (scheme.lowercased() == "https" ? httpsProxy : httpProxy) ?? allProxy
        guard let proxy else { return .direct(.noProxyConfigured) }
        return .proxy(proxy)
    }

    /// How a call to `url` leaves the process.
    public func route(for url: URL) -> EgressRoute {
        let destination = EgressDestination(url)
        return route(scheme: url.scheme ?? "https", host: destination?.host ?? "", port: destination?.port ?? 443)
    }

    /// Whether `host` is this machine by its name or address: `localhost`, `*.localhost`,
    /// `127.0.0.0/8` or `::1`. Names are not resolved.
    public static func isLoopback(_ host: String) -> Bool {
        let name = NoProxyList.bare(host).lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" { return true }
        if let address = NoProxyList.ipv4(name) { return address >> 24 == 127 }
        return false
    }
}

/// The way one call leaves the process.
public enum EgressRoute: Sendable, Hashable, CustomStringConvertible {
    /// Why a call goes directly.
    public enum DirectReason: Sendable, Hashable {
        /// The destination is this machine.
        case loopback
        /// `NO_PROXY` lists it.
        case noProxy
        /// No proxy is configured for its scheme.
        case noProxyConfigured
    }

    /// A connection straight to the destination.
    case direct(DirectReason)
    /// A tunnel through the proxy.
    case proxy(OutboundProxy)

    /// `direct`, `direct (loopback)`, `via CONNECT proxy proxy.corp:3128`, `via SOCKS5 proxy …`.
    public var description: String {
        switch self {
        case .direct(.loopback): "direct (loopback)"
        case .direct(.noProxy): "direct (NO_PROXY)"
        case .direct(.noProxyConfigured): "direct"
        case .proxy(let proxy) where proxy.kind == .socks5: "via SOCKS5 proxy \(proxy.address)"
        case .proxy(let proxy): "via CONNECT proxy \(proxy.address)\(proxy.username == nil ? "" : " (with credentials)")"
        }
    }
}

/// One host and port the process may contact.
public struct EgressDestination: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The host, lowercased, without IPv6 brackets.
    public let host: String
    /// The port; a URL without one gets its scheme's (443 for https, 80 for http).
    public let port: Int

    /// Creates a destination.
    public init(host: String, port: Int) {
        self.host = NoProxyList.bare(host).lowercased()
        self.port = port
    }

    /// The destination of a URL; `nil` without a host.
    public init?(_ url: URL) {
        guard let host = url.host, !host.isEmpty else { return nil }
        self.init(host: host, port: url.port ?? (url.scheme?.lowercased() == "http" ? 80 : 443))
    }

    /// `host:port`.
    public var description: String { OutboundProxy.authority(host: host, port: port) }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.host, lhs.port) < (rhs.host, rhs.port) }
}
