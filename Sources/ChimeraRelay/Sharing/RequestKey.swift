import ChimeraCore
import Crypto

/// What makes two requests the same for the cache and deduplication: a SHA-256 over the
/// protocol the answer is written in, the provider and model the request reaches, whether it
/// streams, its body byte for byte, and the caller's credential, so no client is ever answered
/// from another's request. Credentials go in only as part of the hash, which is all that is kept.
struct RequestKey: Hashable, Sendable {
    private let digest: SHA256.Digest

    /// The hash's 32 bytes, as a database keeps them.
    var bytes: [UInt8] { Array(digest) }

    /// The headers a caller authenticates with, in every protocol both servers speak.
    static let credentialHeaders: Set<String> = ["authorization", "x-api-key", "x-goog-api-key"]

    init(answerProtocol: String, provider: ProviderID, model: String, stream: Bool, body: [UInt8], headers: [(name: String, value: String)]) {
        var hash = SHA256()
        for part in [answerProtocol, provider.rawValue, model, stream ? "stream" : "unary"] {
            hash.update(data: Array(part.utf8) + [0])
        }
        for header in headers where Self.credentialHeaders.contains(header.name) {
            hash.update(data: Array("\(header.name):\(header.value)".utf8) + [0])
        }
        hash.update(data: Array(String(body.count).utf8) + [0])
        hash.update(data: body)
        digest = hash.finalize()
    }
}
