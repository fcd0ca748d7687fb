import ChimeraCore
import Foundation

/// One message of a Connect streaming body: a flags byte, the payload length as a 4-byte
/// big-endian unsigned integer, then the payload.
///
/// Streaming requests and responses (`application/connect+proto`) are sequences of envelopes;
/// unary calls send bare messages and never use them. A response stream ends with exactly one
/// envelope flagged ``Flags/endStream`` whose payload is JSON (``ConnectEndStreamResponse``).
public struct ConnectEnvelope: Sendable, Hashable {
    /// The bits of the flags byte.
    public struct Flags: OptionSet, Sendable, Hashable {
        /// The byte as sent.
        public let rawValue: UInt8

        /// Flags from their byte; bits Connect reserves are kept so that a reader can reject them.
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// Bit 0: the payload is compressed with the negotiated `Connect-Content-Encoding`.
        /// Chimera never negotiates compression, so it never sets this bit and refuses it.
        public static let compressed = Flags(rawValue: 0x01)
        /// Bit 1: the payload is the end-of-stream message (JSON), the last envelope of a response.
        public static let endStream = Flags(rawValue: 0x02)
    }

    /// The size of the flags byte and the length: 5 bytes before every payload.
    public static let headerSize = 5

    /// The flags byte.
    public var flags: Flags
    /// The message bytes: a serialized protobuf message, or JSON for ``Flags/endStream``.
    public var payload: Data

    /// Creates an envelope.
    ///
    /// - Precondition: `payload` fits the 4-byte length (under 4 GiB); protobuf messages are
    ///   under 2 GiB by construction.
    public init(flags: Flags, payload: Data) {
        precondition(payload.count <= Int(UInt32.max), "a Connect envelope carries at most 4 GiB")
        self.flags = flags
        self.payload = payload
    }

    /// An envelope for an ordinary message (flags `0x00`).
    public init(message: Data) {
        self.init(flags: [], payload: message)
    }

    /// Whether this is the end-of-stream envelope.
    public var isEndStream: Bool { flags.contains(.endStream) }

    /// This envelope, when its flags are ones Chimera accepts: no reserved bit, and not the
    /// compressed bit, since Chimera never negotiates compression.
    ///
    /// ``ConnectEnvelopeDecoder`` only frames and keeps every flag, so that each reader applies
    /// this rule where it reads messages: the client on response frames, the proxy on the
    /// request envelope of `Stream`, as docs/binary-protocol.md requires of both.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/decoding`` naming the flag.
    public func validated() throws(ChimeraError) -> ConnectEnvelope {
        guard Flags([.compressed, .endStream]).isSuperset(of: flags) else {
            throw ChimeraError.decoding("a Connect envelope has flags reserved for future use (0x\(String(flags.rawValue, radix: 16)))")
        }
        guard !flags.contains(.compressed) else {
            throw ChimeraError.decoding("a Connect envelope is compressed, but no compression was negotiated")
        }
        return self
    }

    /// The bytes on the wire: flags, big-endian length, payload.
    public func encoded() -> Data {
        var bytes = Data(capacity: Self.headerSize + payload.count)
        bytes.append(flags.rawValue)
        withUnsafeBytes(of: UInt32(payload.count).bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(payload)
        return bytes
    }
}
