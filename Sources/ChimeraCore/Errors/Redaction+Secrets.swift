import Synchronization

extension Redaction {
    /// The shortest value ``register(_:)`` accepts: shorter ones are common words and numbers
    /// ("test", "1234") whose masking would garble ordinary text without protecting anything.
    public static let minimumRegisteredLength = 8

    /// Makes every later ``redact(_:)`` mask these values wherever they appear, whatever they
    /// look like.
    ///
    /// The patterns of ``redact(_:)`` only know the shapes of well-known keys (`sk-…`, `AIza…`)
    /// and labelled ones (`api_key=…`); a key with another shape (`dskey-…`) that an upstream
    /// echoes in plain prose ("the key dskey-… is invalid") would pass them. So whoever builds
    /// something from a configuration (``ChimeraConfiguration/secrets``), a server from its own
    /// key, registers the values once at start; from then on errors, bodies sent to clients,
    /// health reports and log lines mask them.
    ///
    /// Values stay registered for the life of the process (a handful of distinct keys).
    ///
    /// - Parameter secrets: The values to mask; those shorter than
    ///   ``minimumRegisteredLength`` characters are ignored.
    public static func register(_ secrets: some Sequence<Secret>) {
        let values = secrets.map(\.value).filter { $0.count >= minimumRegisteredLength }
        guard !values.isEmpty else { return }
        registered.withLock { known in
            known = Array(Set(known).union(values))
            // The longest first, so a value that contains another is masked whole.
            known.sort { $0.count > $1.count }
        }
    }

    /// Masks every registered value in `text`.
    static func redactRegistered(_ text: String) -> String {
        var result = text
        for value in registered.withLock({ $0 }) where Redaction.holdsBytes(of: value, in: result) && result.contains(value) {
            result = result.replacing(value, with: mask)
        }
        return result
    }

    private static let registered = Mutex<[String]>([])
}

extension ChimeraConfiguration {
    /// Every secret this configuration holds: the proxy's key, each provider's key, the key
    /// `chimera serve` requires and the cache database's password, for ``Redaction/register(_:)``.
    public var secrets: [Secret] {
        [proxy.apiKey, apiKey, sharing.postgres?.password].compactMap { $0 } + ProviderID.allCases.compactMap { provider($0).apiKey }
    }
}

extension Redaction {
    /// Whether `text` may contain `needle`: a quick test of their UTF-8 before `String.contains`,
    /// which compares characters and costs far more; ``redact(_:)`` runs on every request
    /// summary and log line. It never misses a match of `contains`: an ASCII needle's characters
    /// match only their own bytes, and a needle with other characters (which canonical
    /// equivalence lets match other bytes) always may match.
    static func holdsBytes(of needle: String, in text: String) -> Bool {
        var text = text
        var needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { needle in
                guard needle.allSatisfy({ $0 < 0x80 }) else { return true }
                guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
                var index = 0
                let last = haystack.count - needle.count
                while index <= last {
                    if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
                    index += 1
                }
                return false
            }
        }
    }
}
