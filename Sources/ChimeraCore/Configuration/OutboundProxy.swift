import Foundation

/// The site's proxy that outbound calls to providers go through: an HTTP proxy that opens
/// tunnels with `CONNECT`, or a SOCKS5 proxy.
///
/// Read from `CHIMERA_EGRESS_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY` or `ALL_PROXY`. Its password
/// is a ``Secret``: ``description`` shows `http://user:****@host:port`.
public struct OutboundProxy: Sendable, Hashable, CustomStringConvertible {
    /// How the proxy is spoken to.
    public enum Kind: String, Sendable, Hashable {
        /// An HTTP proxy: every call (http:// and https://) goes through a `CONNECT` tunnel, so
        /// TLS runs end to end between Chimera and the provider.
        case httpConnect = "http"
        /// A SOCKS5 proxy; host names are resolved by the proxy.
        case socks5
    }

    /// How the proxy is spoken to.
    public var kind: Kind
    /// The proxy's host.
    public var host: String
    /// The proxy's port.
    public var port: Int
    /// The user name for `Proxy-Authorization: Basic`, if the proxy wants one.
    public var username: String?
    /// The password for `Proxy-Authorization: Basic`.
    public var password: Secret?

    /// Creates a proxy setting.
    public init(kind: Kind, host: String, port: Int, username: String? = nil, password: Secret? = nil) {
        self.kind = kind
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// `host:port` of the proxy.
    public var address: String { Self.authority(host: host, port: port) }

    /// The proxy's URL with the password masked: `http://user:****@proxy.corp:3128`.
    public var description: String {
        var credentials = ""
        if let username {
            credentials = username + (password == nil ? "" : ":" + Redaction.mask) + "@"
        }
        return "\(kind == .socks5 ? "socks5" : "http")://\(credentials)\(address)"
    }

    /// What the proxy variables accept, as problems say it.
    static let accepted = "http://[user:password@]host[:port] (a CONNECT proxy) or socks5://host[:port]"

    /// Parses a proxy URL the way curl and the common SDKs read `HTTPS_PROXY`: `http://` (also
    /// when no scheme is written), `socks5://` or `socks5h://` (both resolve names at the
    /// proxy), optional credentials, no path.
    ///
    /// - Returns: The proxy, or the reason the text is refused.
    static func parse(_ text: String) -> Result<OutboundProxy, ValueRefusal> {
        let written = text.contains("://") ? text : "http://" + text
        guard let components = URLComponents(string: written),
              let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty,
              components.path.isEmpty || components.path == "/",
              components.query == nil, components.fragment == nil
        else { return .failure(ValueRefusal(accepted)) }
        let kind: Kind
        switch scheme {
        case "http": kind = .httpConnect
        case "socks5", "socks5h": kind = .socks5
        case "https":
            return .failure(ValueRefusal("\(accepted); a TLS connection to the proxy itself (https://) is not supported, write http:// (calls to https providers stay encrypted end to end through CONNECT)"))
        default:
            return .failure(ValueRefusal(accepted))
        }
        let username = components.user.flatMap { $0.removingPercentEncoding ?? $0 }
        let password = components.password.flatMap { $0.removingPercentEncoding ?? $0 }
        if kind == .socks5 && (username != nil || password != nil) {
            return .failure(ValueRefusal("\(accepted); SOCKS5 with a user name and password is not supported by the HTTP client, use an HTTP CONNECT proxy for authenticated egress"))
        }
        let port = components.port ?? (kind == .socks5 ? 1080 : 80)
        guard (1...65_535).contains(port) else { return .failure(ValueRefusal(accepted)) }
        // URLComponents keeps IPv6 hosts in brackets; AsyncHTTPClient wants the bare address.
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return .success(OutboundProxy(kind: kind, host: bare.lowercased(), port: port, username: username, password: password.map(Secret.init)))
    }

    /// `host:port`, with an IPv6 host in brackets.
    static func authority(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
