import Foundation

/// The deterministic embedding of a text: a sum of one pseudo-random vector per word,
/// L2-normalised.
///
/// Each word (lower-cased, split at whitespace) seeds a SplitMix64 stream from its FNV-1a hash;
/// the stream's first `dimensions` values, mapped to [-1, 1), are that word's vector. So equal
/// texts embed equally, texts that share words point in similar directions, and asking for
/// fewer dimensions gives the first components of the longer vector, renormalised, exactly as
/// the providers' `dimensions`/`outputDimensionality` truncate.
enum EmbeddingVector {
    /// The embedding of `words`, with `dimensions` components; `nil` when there are no words.
    static func make(words: [Substring], dimensions: Int) -> [Float]? {
        guard !words.isEmpty, dimensions > 0 else { return nil }
        var sum = [Double](repeating: 0, count: dimensions)
        for word in words {
            var state = FNV1a.hash(word.lowercased(), seed: "embedding")
            for index in 0..<dimensions {
                sum[index] += Double(nextValue(&state))
            }
        }
        let length = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        // A sum of random vectors is zero only by freak chance; a unit vector keeps the contract.
        guard length > 0 else { return [1] + [Float](repeating: 0, count: dimensions - 1) }
        return sum.map { Float($0 / length) }
    }

    /// The vector as OpenAI's `encoding_format: base64` sends it: little-endian float32s, base64.
    static func base64(_ vector: [Float]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = value.bitPattern.littleEndian
            bytes += [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8), UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24)]
        }
        return Data(bytes).base64EncodedString()
    }

    /// The next SplitMix64 output, mapped to [-1, 1).
    private static func nextValue(_ state: inout UInt64) -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        mixed ^= mixed >> 31
        return Float(mixed >> 40) / Float(1 << 23) - 1
    }
}
