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
        let folded = TriggerText(result)
        for rule in rules where folded.mayMatch(rule) {
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
        let triggers: [[UInt8]]

        init(_ pattern: String, triggers: [String]) {
            self.pattern = try! Regex(pattern, as: (Substring, Substring).self)
            self.triggers = triggers.map { Array($0.utf8) }
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

/// Text as ``Redaction`` looks for trigger words in it: ASCII lowercased, or not at all when the
/// text has other characters, whose case folding could match a pattern without the ASCII word.
struct TriggerText {
    private let folded: [UInt8]?

    init(_ text: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            guard byte < 0x80 else {
                folded = nil
                return
            }
            bytes.append(byte >= 65 && byte <= 90 ? byte + 32 : byte)
        }
        folded = bytes
    }

    /// Whether `rule` may match: the text has one of its triggers, or cannot be checked cheaply.
    func mayMatch(_ rule: Redaction.Rule) -> Bool {
        guard let folded else { return true }
        return rule.triggers.contains { trigger in Self.contains(folded, trigger) }
    }

    private static func contains(_ text: [UInt8], _ word: [UInt8]) -> Bool {
        guard word.count <= text.count else { return false }
        return (0...(text.count - word.count)).contains { start in
            text[start..<(start + word.count)].elementsEqual(word)
        }
    }
}
