import Foundation

/// The hosts that are reached directly even when an outbound proxy is configured (`NO_PROXY`).
///
/// Entries are separated by commas (spaces around them are ignored) and compared with the
/// host as written in the URL, without resolving it:
/// - `*` matches every host;
/// - `example.com`, `.example.com` and `*.example.com` match `example.com` and every name under
///   it (as curl reads them);
/// - `example.com:8443` matches only that port;
/// - an IPv4 address matches itself, and `10.0.0.0/8` every address in the range; an IPv6
///   address (`::1` or `[::1]`) matches itself.
public struct NoProxyList: Sendable, Hashable, CustomStringConvertible {
    /// One entry.
    struct Entry: Sendable, Hashable {
        enum Pattern: Sendable, Hashable {
            case everything
            case domain(String)
            case ipv4Range(address: UInt32, prefixLength: Int)
            case ipv6(String)
        }

        var pattern: Pattern
        var port: Int?
    }

    var entries: [Entry]
    /// The list as it was written, for reports.
    public let written: String

    /// An empty list: every host goes through the proxy.
    public init() {
        entries = []
        written = ""
    }

    /// Parses a `NO_PROXY` value.
    ///
    /// - Returns: `nil` when an entry is not a host, a domain, an address or a range.
    init?(parsing text: String) {
        var entries: [Entry] = []
        for raw in text.split(separator: ",") {
            let item = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if item.isEmpty { continue }
            guard let entry = Self.entry(item) else { return nil }
            entries.append(entry)
        }
        self.entries = entries
        self.written = text.trimmingCharacters(in: .whitespaces)
    }

    public var description: String { written.isEmpty ? "(not set)" : written }

    /// Whether `host` (as written in a URL, brackets allowed) on `port` is reached directly.
    public func matches(host: String, port: Int) -> Bool {
        let name = Self.bare(host).lowercased()
        return entries.contains { entry in
            if let wanted = entry.port, wanted != port { return false }
            switch entry.pattern {
            case .everything:
                return true
            case .domain(let domain):
                return name == domain || name.hasSuffix("." + domain)
            case .ipv4Range(let address, let prefixLength):
                guard let candidate = Self.ipv4(name) else { return false }
                let mask: UInt32 = prefixLength == 0 ? 0 : ~UInt32(0) << (32 - prefixLength)
                return candidate & mask == address & mask
            case .ipv6(let address):
                return name == address
            }
        }
    }

    private static func entry(_ item: String) -> Entry? {
        if item == "*" { return Entry(pattern: .everything) }
        var text = Substring(item)
        var port: Int?
        // `[::1]:8080`, `host:443`; a bare IPv6 address has several colons and no port.
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let number = Int(rest.dropFirst()), (1...65_535).contains(number) else { return nil }
                port = number
            } else if !rest.isEmpty {
                return nil
            }
            text = text[text.index(after: text.startIndex)..<close]
            return text.contains(":") ? Entry(pattern: .ipv6(String(text)), port: port) : nil
        }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.lastIndex(of: ":") {
            guard let number = Int(text[text.index(after: colon)...]), (1...65_535).contains(number) else { return nil }
            port = number
            text = text[..<colon]
        }
        if text.contains(":") { return Entry(pattern: .ipv6(String(text)), port: port) }
        if let slash = text.firstIndex(of: "/") {
            guard let address = ipv4(String(text[..<slash])),
                  let length = Int(text[text.index(after: slash)...]), (0...32).contains(length)
            else { return nil }
            return Entry(pattern: .ipv4Range(address: address, prefixLength: length), port: port)
        }
        if let address = ipv4(String(text)) { return Entry(pattern: .ipv4Range(address: address, prefixLength: 32), port: port) }
        if text.hasPrefix("*.") { text = text.dropFirst(2) } else if text.hasPrefix(".") { text = text.dropFirst() }
        let valid = !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }
        return valid ? Entry(pattern: .domain(String(text)), port: port) : nil
    }

    /// A dotted IPv4 address as a number.
    static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isNumber), let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    /// A host without the brackets of an IPv6 literal.
    static func bare(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }
}
