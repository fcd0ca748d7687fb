/// Removes credentials from text before it reaches an error, a log line or a report.
///
/// Upstream error bodies sometimes echo the key they rejected ("Your api key: sk-… is invalid"),
/// and URLs may carry `?key=` or `user:password@`; every text that leaves Chimera goes through here.
public enum Redaction {
    /// What replaces a secret.
    public static let mask = "****"

    /// Masks the values given to ``register(_:)``, then bearer tokens, API-key-looking tokens,
    /// `key=` query values, API-key header values and URL passwords in `text`.
    public static func redact(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        // Registered values first: a pattern that masked part of one would leave a fragment
        // that no longer matches it.
        var result = redactRegistered(text)
        // Looked up once: a mask adds no letters, so no rule's trigger appears as text is masked.
        let lowered = result.utf8.allSatisfy { $0 < 0x80 } ? result.lowercased() : nil
        for rule in rules where rule.mayMatch(lowered) {
            // The first capture is the label (kept); the rest of the match is the secret.
            result = result.replacing(rule.pattern) { match in match.output.1 + mask }
        }
        return result
    }

    /// A pattern, and the words (lowercase ASCII) of which any text it matches contains one:
    /// matching a regular expression costs microseconds even when it fails, and most text that
    /// goes through here on every request — model names, paths, ids — has none of them.
    struct Rule {
        let pattern: Regex<(Substring, Substring)>
        let triggers: [String]

        init(_ pattern: String, triggers: [String]) {
            self.pattern = try! Regex(pattern, as: (Substring, Substring).self)
            self.triggers = triggers
        }

        /// Whether the rule may match text that, lowercased, is `lowered`: it has one of the
        /// triggers. `nil` is text beyond ASCII, whose case folding could match the pattern
        /// without the ASCII word, so every rule is tried on it.
        func mayMatch(_ lowered: String?) -> Bool {
            guard let lowered else { return true }
            return triggers.contains { Redaction.holdsBytes(of: $0, in: lowered) }
        }
    }

    nonisolated(unsafe) private static let rules: [Rule] = [
        // Authorization: Bearer <token>
        Rule(#"(?i)(bearer\s+)[^\s"',;]+"#, triggers: ["bearer"]),
        // x-api-key: <key>, x-goog-api-key=<key>, api_key: "<key>", "apiKey":"<key>"
        Rule(#"(?i)((?:x-goog-api-key|x-api-key|api[_-]?key|apikey|access[_-]?token|password|secret)["']?\s*[:=]\s*["']?)[^\s"'&,;}]+"#,
             triggers: ["key", "token", "password", "secret"]),
        // ?key=<key> or &key=<key>
        Rule(#"(?i)([?&](?:key|token|api_key)=)[^&\s"']+"#, triggers: ["key=", "token="]),
        // scheme://user:password@host
        Rule(#"(://[^/\s:@]+:)[^@\s/]+(?=@)"#, triggers: ["://"]),
        // Bare provider keys: sk-…, sk-ant-…, AIza…
        Rule(#"\b((?:sk-ant-|sk-proj-|sk-|AIza))[A-Za-z0-9_\-]{8,}"#, triggers: ["sk-", "aiza"]),
    ]
}
