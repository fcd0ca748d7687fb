#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The rule both servers share: without a key, listen on this machine only, and answer only
/// requests addressed to it.
public enum LoopbackAddress {
    /// Whether binding `host` listens on this machine only.
    ///
    /// An address literal is judged by its value: `127.0.0.0/8`, `::1` (brackets allowed) and
    /// `::ffff:127.x.x.x` are loopback; `0.0.0.0`, `::` and every other address are not. A name
    /// is resolved, and passes only when every address it resolves to is loopback **and** the
    /// hosts file answers it (`localhost` always counts): a name answered by DNS could resolve
    /// elsewhere when the server binds it a moment later, and `127.0.0.1.nip.io` shows how
    /// easily such a name looks local.
    ///
    /// - Parameters:
    ///   - host: The address or name to bind.
    ///   - hostsFile: Where the local names are read; `/etc/hosts` by default.
    public static func contains(_ host: String, hostsFile: String = "/etc/hosts") -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if let literal = isLoopbackLiteral(bare) { return literal }
        let name = normalizedName(bare)
        guard name == "localhost" || localNames(in: hostsFile).contains(name) else { return false }
        guard let addresses = resolve(name), !addresses.isEmpty else { return false }
        return addresses.allSatisfy { $0 }
    }

    /// Whether a request's `Host` (an authority, port allowed) names this machine, without any
    /// lookup: `localhost`, a `127.x.x.x` literal or `[::1]`, each with an optional `:port`.
    public static func isLoopbackAuthority(_ authority: String) -> Bool {
        var host = Substring(authority)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || (rest.first == ":" && isPort(rest.dropFirst())) else { return false }
            host = host[host.index(after: host.startIndex)..<close]
            return isLoopbackLiteral(String(host)) == true
        }
        if let colon = host.lastIndex(of: ":") {
            guard isPort(host[host.index(after: colon)...]) else { return false }
            host = host[..<colon]
        }
        let text = String(host)
        if let literal = isLoopbackLiteral(text) { return literal }
        return normalizedName(text) == "localhost"
    }

    /// Whether `text` is ASCII digits (or nothing): a port. Bytes, not characters, which cost
    /// every request a lookup of Unicode properties (and would take other scripts' digits).
    private static func isPort(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// `true` or `false` for an address literal, `nil` for a name.
    static func isLoopbackLiteral(_ text: String) -> Bool? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return isLoopback(v6)
        }
        return nil
    }

    private static func isLoopback(_ address: in6_addr) -> Bool {
        let bytes = withUnsafeBytes(of: address) { Array($0) }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
        // ::ffff:127.x.x.x, an IPv4 loopback address written as IPv6.
        return bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
    }

    private static func normalizedName(_ name: String) -> String {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        return lowered
    }

    /// The names the hosts file maps to loopback addresses.
    private static func localNames(in path: String) -> Set<String> {
        // No hosts file, or one that cannot be read: only `localhost` counts. That fails closed:
        // fewer names pass for loopback, so a keyless bind is refused rather than opened.
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var names: Set<String> = []
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.prefix { $0 != "#" }.split(whereSeparator: \.isWhitespace)
            guard let address = fields.first, isLoopbackLiteral(String(address)) == true else { continue }
            for name in fields.dropFirst() { names.insert(normalizedName(String(name))) }
        }
        return names
    }

    /// Whether each address `name` resolves to is loopback; `nil` when it does not resolve.
    private static func resolve(_ name: String) -> [Bool]? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(first) }
        var results: [Bool] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let address = current.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    let v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    results.append(UInt32(bigEndian: v4.s_addr) >> 24 == 127)
                case AF_INET6:
                    let v6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    results.append(isLoopback(v6))
                default:
                    results.append(false)
                }
            }
            entry = current.pointee.ai_next
        }
        return results
    }
}
