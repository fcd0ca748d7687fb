import ChimeraCore
import Foundation

/// Embedding vectors on JSON wires: a JSON array of numbers, or OpenAI's `encoding_format:
/// base64` (the little-endian float32 bytes, base64).
///
/// Written by hand rather than through ``JSONValue``: a batch holds tens of thousands of
/// numbers, and each is written with the float's own shortest literal (`0.12345679`, not the
/// digits of the `Double` it widens to), which reads back to the same `Float`.
enum EmbeddingVectorCoding {
    /// Appends `vector` as a JSON array of numbers.
    ///
    /// - Throws: ``ChimeraError`` naming `field` when a component is NaN or infinite, which
    ///   JSON cannot write.
    static func appendJSONArray(_ vector: [Float], field: String, to output: inout [UInt8]) throws(ChimeraError) {
        output.append(UInt8(ascii: "["))
        for (index, value) in vector.enumerated() {
            guard value.isFinite else {
                throw ChimeraError.decoding("\(field)[\(index)]: \(value) is not a number JSON can write")
            }
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: value.description.utf8)
        }
        output.append(UInt8(ascii: "]"))
    }

    /// `vector` as little-endian float32 bytes, base64.
    static func base64(_ vector: [Float]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }

    /// Reads a vector written either way: an array of numbers, or base64 float32 bytes.
    ///
    /// - Throws: ``FieldError`` naming the field when it is neither.
    static func read(_ field: JSONField) throws(FieldError) -> [Float] {
        if let text = field.value?.string {
            guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
                throw field.failure("expected base64 of little-endian float32 values")
            }
            return data.withUnsafeBytes { raw in
                (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
        }
        guard case .array(let elements)? = field.value else { throw field.failure("expected an array of numbers or a base64 string") }
        var vector = [Float]()
        vector.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard case .number(let number) = element, let value = Float(number.text) else {
                throw FieldError("\(field.path)[\(index)]: expected a number")
            }
            vector.append(value)
        }
        return vector
    }
}
