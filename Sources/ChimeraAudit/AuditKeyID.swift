import Crypto
import Foundation

/// The id of a credential as the audit log shows it: a short fingerprint that tells keys apart
/// and names the same key the same way in every record, from which the key cannot be recovered.
///
/// `k-` and the first 16 hex digits of SHA-256 over a fixed label and the key. Keys are long
/// random strings, so 64 bits of their hash identify them without making a guess checkable
/// faster than the provider would check it; short human-chosen passwords are not keys.
public enum AuditKeyID {
    /// The fingerprint of `key`.
    public static func fingerprint(of key: String) -> String {
        let digest = SHA256.hash(data: Data(("chimera-audit-key-id\u{0}" + key).utf8))
        return "k-" + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
