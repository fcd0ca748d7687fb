import Foundation

/// Reads typed values from environment variables and collects a ``ConfigurationProblem`` for
/// each bad one instead of stopping at the first.
struct EnvironmentReader {
    let environment: [String: String]
    private(set) var problems: [ConfigurationProblem] = []

    init(environment: [String: String]) {
        self.environment = environment
    }

    /// The value, or `nil` when unset, empty or blank (an exported empty variable means "not set").
    func raw(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    mutating func report(_ name: String, _ value: String, accepted: String) {
        problems.append(ConfigurationProblem(variable: name, shownValue: Redaction.redact(String(value.prefix(200))), accepted: accepted))
    }

    mutating func choice<Value: RawRepresentable & CaseIterable>(_ name: String, default value: Value) -> Value
    where Value.RawValue == String {
        guard let text = raw(name) else { return value }
        if let parsed = Value(rawValue: text.lowercased()) { return parsed }
        report(name, text, accepted: Value.allCases.map(\.rawValue).joined(separator: ", "))
        return value
    }

    mutating func bool(_ name: String, default value: Bool) -> Bool {
        guard let text = raw(name) else { return value }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default:
            report(name, text, accepted: "true, false, 1, 0, yes or no")
            return value
        }
    }

    mutating func integer(_ name: String, in range: ClosedRange<Int>, default value: Int) -> Int {
        guard let text = raw(name) else { return value }
        guard let parsed = Int(text), range.contains(parsed) else {
            report(name, text, accepted: "an integer from \(range.lowerBound) to \(range.upperBound)")
            return value
        }
        return parsed
    }

    /// A positive number of seconds, fractions allowed, at most a day.
    mutating func seconds(_ name: String, default value: Duration) -> Duration {
        guard let text = raw(name) else { return value }
        guard let parsed = Double(text), parsed.isFinite, parsed > 0, parsed <= 86_400 else {
            report(name, text, accepted: "a number of seconds greater than 0 and at most 86400")
            return value
        }
        return .milliseconds(Int64((parsed * 1000).rounded()))
    }

    /// An http(s) URL with a host; a trailing slash is dropped so paths can be appended.
    mutating func url(_ name: String) -> URL? {
        guard let text = raw(name) else { return nil }
        guard let url = Self.httpURL(text) else {
            report(name, text, accepted: "an http:// or https:// URL with a host and no query, e.g. http://localhost:8080")
            return nil
        }
        return url
    }

    /// A comma-separated list of URLs, each as ``url(_:)`` accepts it; `nil` when unset or when
    /// any item is refused (the whole list is reported).
    mutating func urls(_ name: String) -> [URL]? {
        guard let text = raw(name) else { return nil }
        let urls = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Self.httpURL($0.trimmingCharacters(in: .whitespaces))
        }
        guard !urls.contains(where: { $0 == nil }), Set(urls).count == urls.count else {
            report(name, text, accepted: "a comma-separated list of distinct http:// or https:// URLs with a host and no query, e.g. http://proxy-a:8080,http://proxy-b:8080")
            return nil
        }
        return urls.compactMap { $0 }
    }

    /// `text` as an http(s) URL with a host and no query or fragment, trailing slashes dropped.
    private static func httpURL(_ text: String) -> URL? {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil
        else { return nil }
        var trimmed = text
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return URL(string: trimmed)
    }

    mutating func secret(_ name: String) -> Secret? {
        guard let text = raw(name) else { return nil }
        if text.contains(where: { $0.isNewline || $0 == "\0" }) {
            problems.append(ConfigurationProblem(variable: name, shownValue: Secret(text).description, accepted: "a key without line breaks"))
            return nil
        }
        return Secret(text)
    }

    /// A value read by `parse`, which says what is accepted when it refuses the text.
    mutating func parsed<Value>(_ name: String, _ parse: (String) -> Result<Value, ValueRefusal>) -> Value? {
        guard let text = raw(name) else { return nil }
        switch parse(text) {
        case .success(let value):
            return value
        case .failure(let refusal):
            report(name, text, accepted: refusal.accepted)
            return nil
        }
    }

    /// One URL path segment: letters, digits, `.`, `_` and `-`.
    mutating func pathSegment(_ name: String) -> String? {
        guard let text = raw(name) else { return nil }
        let allowed = text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
        }
        guard allowed else {
            report(name, text, accepted: "one path segment of letters, digits, '.', '_' or '-', e.g. openai-custom")
            return nil
        }
        return text
    }
}

/// Why a value was refused: what the variable accepts.
struct ValueRefusal: Error {
    let accepted: String
    init(_ accepted: String) { self.accepted = accepted }
}
