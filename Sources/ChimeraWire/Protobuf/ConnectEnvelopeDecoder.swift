import ChimeraCore
import Foundation

/// Cuts a Connect streaming body into envelopes as its bytes arrive, however they are chunked.
///
/// Feed every chunk to ``append(_:)``, take complete envelopes from ``next()`` until it returns
/// `nil`, and call ``finish()`` at the end of the body: a body that stops inside an envelope is
/// truncated, and that is an error, not a short stream. A length over ``maximumMessageSize`` is
/// refused as soon as its header arrives, before any of its payload is buffered.
public struct ConnectEnvelopeDecoder: Sendable {
    /// The largest payload accepted, in bytes.
    public let maximumMessageSize: Int

    private var buffer: [UInt8] = []
    // Consumed bytes stay in `buffer` until compaction, so taking an envelope is not a copy of
    // everything after it.
    private var start = 0

    /// Creates a decoder.
    ///
    /// - Parameter maximumMessageSize: The largest payload accepted, in bytes; 4 MiB by default.
    public init(maximumMessageSize: Int = ConnectProtocol.defaultMaximumMessageSize) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// The bytes received but not yet returned as an envelope.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Adds the next chunk of the body.
    public mutating func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete envelope, or `nil` until more bytes arrive.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/decoding`` when an envelope
    ///   announces a payload over ``maximumMessageSize``; the decoder keeps refusing after that.
    public mutating func next() throws(ChimeraError) -> ConnectEnvelope? {
        guard bufferedByteCount >= ConnectEnvelope.headerSize else { return nil }
        let length = payloadLength(at: start)
        guard length <= maximumMessageSize else {
            throw ChimeraError.decoding(
                "a Connect envelope announces a \(length)-byte message, over the \(maximumMessageSize)-byte limit"
            )
        }
        let payloadStart = start + ConnectEnvelope.headerSize
        guard buffer.count - payloadStart >= length else { return nil }
        let envelope = ConnectEnvelope(
            flags: ConnectEnvelope.Flags(rawValue: buffer[start]),
            payload: Data(buffer[payloadStart..<payloadStart + length])
        )
        start = payloadStart + length
        return envelope
    }

    /// Checks that the body ended on an envelope boundary; call it at the end of the body, once
    /// ``next()`` has returned `nil`.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/decoding`` saying how much of the
    ///   last envelope arrived, when the body stopped inside one.
    public func finish() throws(ChimeraError) {
        let buffered = bufferedByteCount
        guard buffered > 0 else { return }
        guard buffered >= ConnectEnvelope.headerSize else {
            throw ChimeraError.decoding(
                "the stream was truncated: it ended inside a Connect envelope header (\(buffered) of \(ConnectEnvelope.headerSize) bytes)"
            )
        }
        let length = payloadLength(at: start)
        let arrived = buffered - ConnectEnvelope.headerSize
        guard arrived < length else {
            throw ChimeraError.decoding("the stream ended with \(buffered) bytes of envelopes that were never read")
        }
        throw ChimeraError.decoding(
            "the stream was truncated: it ended inside a Connect envelope (\(arrived) of \(length) payload bytes)"
        )
    }

    private func payloadLength(at index: Int) -> Int {
        buffer[index + 1..<index + ConnectEnvelope.headerSize].reduce(0) { $0 << 8 | Int($1) }
    }
}
