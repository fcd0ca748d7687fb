import Crypto
import Foundation

/// The line format that makes the audit log tamper-evident.
///
/// A line is one JSON object that ends with `,"hash":"<64 hex>"}`. `hash` is the SHA-256 of the
/// line's *body*: the same text with that suffix replaced by `}`. The body holds `seq` (1, 2, …
/// across rotated files) and `prev`, the `hash` of the line before (64 zeros for the first
/// record ever). Editing a line breaks its own hash; recomputing that hash breaks the next
/// line's `prev`; removing, inserting or reordering lines breaks `prev` and `seq` where it
/// happened. The checks work on the bytes as written, so they do not depend on how a JSON
/// library orders keys.
public enum AuditChain {
    /// The `prev` of the first record ever written.
    public static let genesis = String(repeating: "0", count: 64)

    private static let hashKey = Array(#","hash":""#.utf8)

    /// The line (without its newline) for a body, and its hash.
    static func seal(body: [UInt8]) -> (line: [UInt8], hash: String) {
        precondition(body.last == UInt8(ascii: "}"), "a body is a JSON object")
        let hash = hex(SHA256.hash(data: body))
        var line = body
        line.removeLast()
        line += hashKey + Array(hash.utf8) + Array(#""}"#.utf8)
        return (line, hash)
    }

    /// The body and the written hash of a line, or `nil` when the line does not end the way
    /// every audit line does.
    static func unseal(line: some Collection<UInt8>) -> (body: [UInt8], hash: String)? {
        let bytes = Array(line)
        let suffixLength = hashKey.count + 64 + 2
        guard bytes.count > suffixLength,
              Array(bytes[(bytes.count - suffixLength)..<(bytes.count - 66)]) == hashKey,
              bytes[bytes.count - 2] == UInt8(ascii: "\""), bytes[bytes.count - 1] == UInt8(ascii: "}")
        else { return nil }
        let hash = String(decoding: bytes[(bytes.count - 66)..<(bytes.count - 2)], as: UTF8.self)
        guard hash.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        return (Array(bytes[..<(bytes.count - suffixLength)]) + [UInt8(ascii: "}")], hash)
    }

    /// The SHA-256 of `bytes` in lowercase hex.
    static func sha256(_ bytes: some Collection<UInt8>) -> String {
        hex(SHA256.hash(data: Array(bytes)))
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
