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
        for rule in rules {
            // The first capture is the label (kept); the rest of the match is the secret.
            result = result.replacing(rule) { match in match.output.1 + mask }
        }
        return result
    }

    nonisolated(unsafe) private static let rules: [Regex<(Substring, Substring)>] = [
        // Authorization: Bearer <token>
        #"(?i)(bearer\s+)[^\s"',;]+"#,
        // x-api-key: <key>, x-goog-api-key=<key>, api_key: "<key>", "apiKey":"<key>"
        #"(?i)((?:x-goog-api-key|x-api-key|api[_-]?key|apikey|access[_-]?token|password|secret)["']?\s*[:=]\s*["']?)[^\s"'&,;}]+"#,
        // ?key=<key> or &key=<key>
        #"(?i)([?&](?:key|token|api_key)=)[^&\s"']+"#,
        // scheme://user:password@host
        #"(://[^/\s:@]+:)[^@\s/]+(?=@)"#,
        // Bare provider keys: sk-…, sk-ant-…, AIza…
        #"\b((?:sk-ant-|sk-proj-|sk-|AIza))[A-Za-z0-9_\-]{8,}"#,
    ].map { try! Regex($0, as: (Substring, Substring).self) }
}
