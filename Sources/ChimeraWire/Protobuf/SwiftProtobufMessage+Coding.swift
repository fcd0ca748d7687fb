import ChimeraCore
import Foundation
import SwiftProtobuf

extension SwiftProtobuf.Message {
    /// Parses a serialized message, reporting failure as a ``ChimeraError`` rather than
    /// SwiftProtobuf's own errors, like the rest of Chimera.
    ///
    /// Unknown fields (from a newer peer) are kept, not refused.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/decoding`` naming the message type.
    public init(protobuf bytes: Data) throws(ChimeraError) {
        do {
            self = try Self(serializedBytes: bytes)
        } catch {
            throw ChimeraError.decoding("the bytes are not a valid \(Self.protoMessageName) message: \(error)")
        }
    }

    /// The message serialized, reporting failure as a ``ChimeraError``.
    ///
    /// Chimera's messages have no required fields, so the one failure left is protobuf's 2 GiB
    /// limit on a message.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/invalidRequest`` naming the message type.
    public func protobufData() throws(ChimeraError) -> Data {
        do {
            return try serializedBytes()
        } catch {
            throw ChimeraError.invalidRequest("\(Self.protoMessageName) cannot be serialized (over protobuf's 2 GiB limit): \(error)")
        }
    }
}
