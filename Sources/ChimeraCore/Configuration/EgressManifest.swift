import Foundation

/// Every host and port a process may contact, and through what: what `chimera config check`
/// prints, and, with `CHIMERA_EGRESS=strict`, the only destinations the HTTP transport lets a
/// connection be made to.
///
/// Built from the same configuration the process runs with, so the list printed is the list
/// enforced.
public struct EgressManifest: Sendable, Hashable {
    /// Which process the manifest is for.
    public enum Role: Sendable, Hashable {
        /// A client of the library (`chimera chat`, `chimera serve`, an app) in the configured
        /// connection mode: in proxy mode the proxy, and the providers only if fallback is allowed.
        case client
        /// `chimera proxy`: the providers it forwards to, always directly (its own mode is ignored).
        case proxyServer
    }

    /// One destination, and what reaches it.
    public struct Entry: Sendable, Hashable {
        /// The host and port.
        public var destination: EgressDestination
        /// How calls leave for it.
        public var route: EgressRoute
        /// What it is: `proxy (PROXY_SERVER_URL)`, `openai (OPENAI_BASE_URL), on fallback only`.
        public var purpose: String
    }

    /// Who the manifest is for.
    public let role: Role
    /// Every destination, in the order of the configuration, each once.
    public let entries: [Entry]
    /// Whether the destinations are enforced (`CHIMERA_EGRESS=strict`).
    public let isEnforced: Bool

    /// The manifest of `configuration` for `role`.
    public init(_ configuration: ChimeraConfiguration, role: Role) {
        self.role = role
        self.isEnforced = configuration.egress.policy == .strict
        let egress = configuration.egress
        var entries: [Entry] = []
        func add(_ url: URL, _ purpose: String) {
            guard let destination = EgressDestination(url) else { return }
            if let index = entries.firstIndex(where: { $0.destination == destination }) {
                entries[index].purpose += ", " + purpose
            } else {
                entries.append(Entry(destination: destination, route: egress.route(for: url), purpose: purpose))
            }
        }
        let proxyMode = role == .client && configuration.connectionMode == .proxy
        if proxyMode {
            for url in configuration.proxy.serverURLs { add(url, "the LLM proxy (PROXY_SERVER_URL)") }
        }
        if !proxyMode || configuration.proxy.fallbackToDirect {
            for id in configuration.directlyCallableProviders {
                guard let url = configuration.provider(id).baseURL else { continue }
                add(url, "\(id.rawValue) (\(id.environmentPrefix)_BASE_URL)\(proxyMode ? ", on fallback only" : "")")
            }
        }
        self.entries = entries
    }

    /// The destinations the transport must keep to: `nil` when the policy is open.
    public var enforcedDestinations: Set<EgressDestination>? {
        isEnforced ? Set(entries.map(\.destination)) : nil
    }

    /// The manifest as lines: `  api.openai.com:443  via CONNECT proxy proxy.corp:3128  openai (OPENAI_BASE_URL)`.
    public var lines: [String] {
        guard !entries.isEmpty else { return ["  (none: no provider is configured)"] }
        let width = entries.map(\.destination.description.count).max() ?? 0
        let routeWidth = entries.map(\.route.description.count).max() ?? 0
        return entries.map { entry in
            "  " + entry.destination.description.padding(toLength: width, withPad: " ", startingAt: 0)
                + "  " + entry.route.description.padding(toLength: routeWidth, withPad: " ", startingAt: 0)
                + "  " + entry.purpose
        }
    }
}

extension ChimeraConfiguration {
    /// The providers a direct call can reach as configured: a base URL, and a key (Cursor's
    /// OpenAI-compatible endpoint may need none). Calls to the others fail before any connection.
    public var directlyCallableProviders: [ProviderID] {
        ProviderID.allCases.filter { id in
            let settings = provider(id)
            return settings.baseURL != nil && (settings.apiKey != nil || id == .cursor)
        }
    }
}
