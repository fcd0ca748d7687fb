import Foundation

/// Where the shared response cache lives (`CHIMERA_POSTGRES_URL`): a PostgreSQL server, as
/// libpq's URLs write it: `postgres://user:password@host:5432/database?sslmode=require`.
///
/// Its password is a ``Secret``: ``description`` shows `postgres://user:****@host:5432/database`.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// Whether the connection is encrypted (libpq's `sslmode`).
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP (`sslmode=disable`, the default: a database on loopback or a private network).
        case disable
        /// TLS, with the server's certificate and host name verified (`sslmode=require`,
        /// `verify-ca` or `verify-full`).
        case require
    }

    /// The server's host.
    public var host: String
    /// The server's port (5432 unless written).
    public var port: Int
    /// The role to log in as.
    public var username: String
    /// The role's password, if the server asks for one.
    public var password: Secret?
    /// The database the cache's table is created in.
    public var database: String
    /// Whether the connection is encrypted.
    public var tls: TLSMode

    /// Creates a location.
    public init(host: String, port: Int = 5432, username: String, password: Secret? = nil, database: String, tls: TLSMode = .disable) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// The URL with the password masked.
    public var description: String {
        let credentials = username + (password == nil ? "" : ":" + Redaction.mask)
        return "postgres://\(credentials)@\(OutboundProxy.authority(host: host, port: port))/\(database)" + (tls == .require ? "?sslmode=require" : "")
    }

    static let accepted = "a postgres:// URL with a user and a database, e.g. postgres://chimera@db.internal:5432/chimera (a password goes after the user; ?sslmode=disable or require)"

    /// Parses a libpq URL (`postgres://` or `postgresql://`) with a user and a database.
    static func parse(_ text: String) -> Result<PostgresLocation, ValueRefusal> {
        guard let components = URLComponents(string: text),
              ["postgres", "postgresql"].contains(components.scheme?.lowercased() ?? ""),
              let host = components.host, !host.isEmpty,
              let username = components.user.flatMap({ $0.removingPercentEncoding }), !username.isEmpty,
              components.path.count > 1, components.fragment == nil
        else { return .failure(ValueRefusal(accepted)) }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { return .failure(ValueRefusal(accepted)) }
        var tls = TLSMode.disable
        for item in components.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", "disable"?), ("sslmode", "prefer"?), ("sslmode", "allow"?): tls = .disable
            case ("sslmode", "require"?), ("sslmode", "verify-ca"?), ("sslmode", "verify-full"?): tls = .require
            default: return .failure(ValueRefusal("\(accepted); \(item.name)=\(item.value ?? "") is not understood"))
            }
        }
        let database = String(components.path.dropFirst()).removingPercentEncoding ?? String(components.path.dropFirst())
        let password = components.password.flatMap { $0.removingPercentEncoding }.map(Secret.init)
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return .success(PostgresLocation(host: bare, port: port, username: username, password: password, database: database, tls: tls))
    }
}
