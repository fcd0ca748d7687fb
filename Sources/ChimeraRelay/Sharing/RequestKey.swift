import ChimeraCore
import Crypto

/// What makes two requests the same for the cache and deduplication: a SHA-256 over the
/// protocol the answer is written in, the provider and model the request reaches, whether it
/// streams, its body in normal form (a JSON body with every object's keys sorted, so key order
/// and spacing do not matter; any other body byte for byte), and the caller's credential, so no
/// client is ever answered from another's request. Credentials go in only as part of the hash,
/// which is all that is kept.
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
        let normal = Self.normalForm(body)
        hash.update(data: Array(String(normal.count).utf8) + [0])
        hash.update(data: normal)
        digest = hash.finalize()
    }

    /// A JSON body with its keys sorted and no spacing; any other body as it is.
    static func normalForm(_ body: [UInt8]) -> [UInt8] {
        guard body.first.map({ $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") }) == true,
              // Nothing is lost: the relay read the body before it asked for a key, so a JSON
              // body that does not parse was already refused by name, and any other (Connect's
              // protobuf) is keyed by its bytes, as sent.
              let value = try? JSONValue(parsing: body)
        else { return body }
        var normal: [UInt8] = []
        normal.reserveCapacity(body.count)
        value.keysSorted.write(to: &normal)
        return normal
    }
}
