import Foundation

/// The bytes libFuzzer hands a target, read front to back: a few leading bytes steer the target
/// (which decoder, how to split the rest), the remainder is the payload.
struct FuzzInput {
    private var bytes: ArraySlice<UInt8>

    init(_ start: UnsafeRawPointer, _ count: Int) {
        bytes = Array(UnsafeRawBufferPointer(start: start, count: count))[...]
    }

    /// The next steering byte, or 0 once the input is used up.
    mutating func byte() -> UInt8 {
        bytes.popFirst() ?? 0
    }

    /// Everything not yet read.
    var rest: [UInt8] { Array(bytes) }

    /// `payload` cut into chunks of 1...`maxChunk` bytes, sized by `seed`, as a network would.
    static func chunks(of payload: [UInt8], seed: UInt8, maxChunk: Int = 64) -> [ArraySlice<UInt8>] {
        var chunks: [ArraySlice<UInt8>] = []
        var index = 0
        var size = Int(seed) % maxChunk + 1
        while index < payload.count {
            let end = min(index + size, payload.count)
            chunks.append(payload[index..<end])
            index = end
            // A small linear congruence varies the chunk sizes without more input bytes.
            size = (size * 7 + 3) % maxChunk + 1
        }
        return chunks
    }
}
