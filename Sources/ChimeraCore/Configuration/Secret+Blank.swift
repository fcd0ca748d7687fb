import Foundation

extension Secret {
    /// A key from text that may be missing, empty or blank: `nil` unless it holds a character
    /// other than white space.
    ///
    /// An empty `--api-key ""` or an exported `CHIMERA_PROXY_API_KEY=` means "no key", as the
    /// README promises for every variable. Were it a key, a server would accept an empty
    /// `x-api-key:` or `?key=` and, worse, count as protected and bind a public address.
    ///
    /// - Parameter text: The key as given, surrounding white space allowed.
    /// - Returns: The key without surrounding white space, or `nil`.
    public static func nonBlank(_ text: String?) -> Secret? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return Secret(trimmed)
    }
}
