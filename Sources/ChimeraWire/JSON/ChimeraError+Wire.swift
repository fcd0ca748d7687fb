import ChimeraCore
import Foundation

extension ChimeraError {
    /// A body or event that is not what its protocol promises.
    ///
    /// - Parameters:
    ///   - what: What was being read, e.g. `response` or `stream event`.
    ///   - detail: The field and what it accepts.
    ///   - body: The bytes, kept redacted and bounded.
    static func malformed(_ what: String, detail: String, provider: ProviderID, body: Data) -> ChimeraError {
        .decoding(
            "\(provider.displayName) \(what) could not be read: \(detail)",
            provider: provider,
            body: String(decoding: body, as: UTF8.self)
        )
    }

    /// A stream whose body ended before the protocol said it was over.
    ///
    /// - Parameter missing: What never arrived, e.g. `no [DONE] and no finish_reason`.
    static func truncatedStream(provider: ProviderID, missing: String) -> ChimeraError {
        .decoding("\(provider.displayName) stream ended before it was complete (truncated): \(missing)", provider: provider)
    }
}
