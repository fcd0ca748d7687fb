import ChimeraCore
import Foundation

/// Reads the body of a `Stream` call (Connect envelopes of `chimera.proxy.v1.StreamFrame`,
/// ended by the end-of-stream message) into domain events, as its bytes arrive.
///
/// Feed each chunk to ``append(_:)`` and take events from ``next()`` until it returns `nil`;
/// at the end of the body call ``finish()``. Events come out in order, and a failure the proxy
/// reports is thrown from ``next()`` after every event sent before it, so nothing the caller
/// was sent is lost. A body that ends before the end-of-stream message is truncated, which
/// ``finish()`` reports; whatever follows the end-of-stream message is ignored.
public struct ProtobufStreamDecoder: Sendable {
    /// The provider the request was for; errors that name none are attributed to it.
    public let provider: ProviderID?
    /// Whether the end-of-stream message (or a failure the proxy reported) has arrived.
    public private(set) var isComplete = false

    private var envelopes: ConnectEnvelopeDecoder

    /// Creates a decoder for one response stream.
    ///
    /// - Parameters:
    ///   - provider: The provider the request was for.
    ///   - maximumMessageSize: The largest message accepted, in bytes; 4 MiB by default.
    public init(provider: ProviderID? = nil, maximumMessageSize: Int = ConnectProtocol.defaultMaximumMessageSize) {
        self.provider = provider
        self.envelopes = ConnectEnvelopeDecoder(maximumMessageSize: maximumMessageSize)
    }

    /// Adds the next chunk of the body.
    public mutating func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        guard !isComplete else { return }
        envelopes.append(bytes)
    }

    /// The next event, or `nil` until more bytes arrive (and for good once ``isComplete``).
    ///
    /// - Throws: ``ChimeraError``: the failure the proxy reported (in the end-of-stream
    ///   message or an error frame), or of kind ``ChimeraError/Kind/decoding`` when the bytes
    ///   are not a Connect stream of `StreamFrame`s (oversized, compressed or unknown flags,
    ///   unreadable message).
    public mutating func next() throws(ChimeraError) -> ChatStreamEvent? {
        do {
            while !isComplete, let envelope = try envelopes.next() {
                if let event = try read(envelope) { return event }
            }
            return nil
        } catch {
            throw attributed(error)
        }
    }

    /// Checks that the stream ended properly; call it at the end of the body.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/decoding`` when the body stopped
    ///   inside an envelope or before the end-of-stream message.
    public func finish() throws(ChimeraError) {
        guard !isComplete else { return }
        do {
            try envelopes.finish()
        } catch {
            throw attributed(error)
        }
        throw attributed(.decoding("the stream was truncated: it ended without Connect's end-of-stream message"))
    }

    private mutating func read(_ envelope: ConnectEnvelope) throws(ChimeraError) -> ChatStreamEvent? {
        let envelope = try envelope.validated()
        if envelope.isEndStream {
            let end = try ConnectEndStreamResponse(json: envelope.payload)
            isComplete = true
            if let error = end.error {
                throw ChimeraError(error, httpStatus: nil, provider: provider)
            }
            return nil
        }
        let frame = try Chimera_Proxy_V1_StreamFrame(protobuf: envelope.payload)
        do {
            return try ChatStreamEvent(frame)
        } catch {
            // An error frame ends the stream as the end-of-stream error would.
            isComplete = true
            throw error
        }
    }

    private func attributed(_ error: ChimeraError) -> ChimeraError {
        var error = error
        if error.provider == nil { error.provider = provider }
        return error
    }
}
