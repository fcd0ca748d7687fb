/// The 64-bit FNV-1a hash, for the simulator's deterministic fingerprints.
///
/// Not cryptographic, and it need not be: the simulator only needs values that are the same
/// for the same input in every run and on every machine (Swift's `Hasher` is seeded per process).
struct FNV1a: Sendable {
    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The hash of everything combined so far.
    private(set) var value: UInt64

    /// A hash that starts from `seed`, so that different uses of equal input hash apart.
    init(seed: String = "") {
        value = Self.offsetBasis
        combine(seed)
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        combine(byte: 0xFF)
    }

    /// Adds the UTF-8 bytes of `text`.
    mutating func combine(_ text: String) {
        for byte in text.utf8 { combine(byte: byte) }
    }

    /// Adds one byte.
    mutating func combine(byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* Self.prime
    }

    /// The hash of `text` alone, after `seed`.
    static func hash(_ text: String, seed: String = "") -> UInt64 {
        var hasher = FNV1a(seed: seed)
        hasher.combine(text)
        return hasher.value
    }
}
