import AsyncHTTPClient
import ChimeraCore
import Foundation
import Synchronization

/// The egress half of ``HTTPTransport``: which client a request leaves through, whether it may
/// leave at all, and what a failure of the outbound proxy means to the user.
final class EgressGate: Sendable {
    /// Proxies, `NO_PROXY`, CA certificates.
    let configuration: EgressConfiguration
    /// The only destinations allowed (strict egress); `nil` allows every one.
    let allowed: Set<EgressDestination>?
    /// The clients of each outbound proxy (AsyncHTTPClient takes one proxy per client).
    let proxiedClients: [OutboundProxy: HTTPClients]
    /// Set when the transport cannot honour its configuration; every request fails with it.
    let unusable: ChimeraError?

    init(configuration: EgressConfiguration, allowed: Set<EgressDestination>?, proxiedClients: [OutboundProxy: HTTPClients], unusable: ChimeraError?) {
        self.configuration = configuration
        self.allowed = allowed
        self.proxiedClients = proxiedClients
        self.unusable = unusable
    }

    /// What was decided for each origin (`scheme://host:port`, all a decision depends on), so
    /// that a request to a known one does not parse its URL again.
    private let decided = Mutex<[String: (HTTPClients, EgressRoute)]>([:])
    /// The most origins remembered: providers, proxies and their fallbacks are a handful.
    private static let decidedLimit = 64

    /// The clients for a request to `url`, whose origin is `origin`, and the route it takes,
    /// after the policy allowed it.
    ///
    /// - Throws: ``ChimeraError`` of kind `configuration`, before any connection is made, when
    ///   strict egress does not list the destination, or the transport is unusable.
    func clients(for url: String, origin: String, direct: HTTPClients) throws(ChimeraError) -> (HTTPClients, EgressRoute) {
        if let known = decided.withLock({ $0[origin] }) { return known }
        let decision = try decide(url, direct: direct)
        decided.withLock { decided in
            if decided.count < Self.decidedLimit { decided[origin] = decision }
        }
        return decision
    }

    private func decide(_ url: String, direct: HTTPClients) throws(ChimeraError) -> (HTTPClients, EgressRoute) {
        if let unusable { throw unusable }
        guard let parsed = URL(string: url), let destination = EgressDestination(parsed) else {
            throw ChimeraError.configuration("cannot send a request to \(Redaction.redact(String(url.prefix(200)))): it has no host")
        }
        if let allowed, !allowed.contains(destination) {
            let list = allowed.sorted().map(\.description).joined(separator: ", ")
            throw ChimeraError.configuration(
                "CHIMERA_EGRESS=strict: refusing to contact \(destination), which is not in the egress manifest (allowed: \(list.isEmpty ? "none" : list))",
                hint: "point the provider's <P>_BASE_URL at an allowed host, or set CHIMERA_EGRESS=open; `chimera config check` prints the manifest"
            )
        }
        let route = configuration.route(scheme: parsed.scheme ?? "https", host: destination.host, port: destination.port)
        guard case .proxy(let proxy) = route else { return (direct, route) }
        guard let client = proxiedClients[proxy] else {
            preconditionFailure("the transport makes a client for every proxy its configuration routes to")
        }
        return (client, route)
    }

    /// The error for a failed request: the outbound proxy's own failures said as such, others
    /// classified as usual and marked as having gone through the proxy.
    func failure(
        _ error: any Error,
        limit: Duration,
        route: EgressRoute,
        url: String,
        classify: (TransportFailure) -> ChimeraError
    ) -> ChimeraError {
        guard case .proxy(let proxy) = route else { return classify(TransportFailure(error, limit: limit)) }
        let destination = URL(string: url).flatMap(EgressDestination.init).map(\.description) ?? "the provider"
        if let error = error as? HTTPClientError {
            switch error {
            case .proxyAuthenticationRequired:
                return ChimeraError(
                    kind: .configuration, message: "the egress proxy \(proxy.address) wants credentials (HTTP 407) \(proxy.username == nil ? "and none are configured" : "and refused the configured ones")",
                    status: 407,
                    hint: "put them in the proxy URL: HTTPS_PROXY=http://user:password@\(proxy.address) (or CHIMERA_EGRESS_PROXY)"
                )
            case .invalidProxyResponse:
                return ChimeraError(
                    kind: .upstream, message: "the egress proxy \(proxy.address) refused to open a tunnel to \(destination)", isRetryable: true,
                    hint: "the proxy's policy may not allow \(destination), or it cannot reach it; ask its operator, or list the host in NO_PROXY if it may be reached directly"
                )
            case .httpProxyHandshakeTimeout, .socksHandshakeTimeout:
                return ChimeraError(
                    kind: .timeout, message: "the egress proxy \(proxy.address) did not open a tunnel to \(destination) in time", isRetryable: true
                )
            default:
                break
            }
        }
        var classified = classify(TransportFailure(error, limit: limit))
        if classified.kind != .cancelled {
            classified.message += " (through the egress proxy \(proxy.address))"
        }
        return classified
    }
}
