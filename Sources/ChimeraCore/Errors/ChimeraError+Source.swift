extension ChimeraError {
    /// Which side of a proxy hop failed: the proxy itself, or the provider behind it.
    ///
    /// `chimera proxy` says which in the `chimera-error-source` header of every error answer, so
    /// that its clients retry and fall back only when the proxy failed: the proxy already retried
    /// the provider before it relayed the provider's error, and a client that retried that again
    /// would multiply the provider's attempts.
    public enum Source: String, Sendable, Hashable {
        /// The proxy failed: it could not be reached, timed out, or answered with an error of its own.
        case proxy
        /// The provider failed or answered with an error; the proxy relayed it after its own retries.
        case upstream

        /// The header that carries the source of an error answer.
        public static let headerName = "chimera-error-source"

        /// The source an answer's headers name; `nil` when they name none (a proxy that is not
        /// Chimera's, such as AIClient-2-API) or an unknown one.
        public init?(headers: [(name: String, value: String)]) {
            guard let value = headers.first(where: { $0.name.lowercased() == Self.headerName })?.value else { return nil }
            self.init(rawValue: String(value.filter { !$0.isWhitespace }).lowercased())
        }
    }
}
