import ChimeraCore
import ChimeraWire
import NIOCore

/// A `Stream` call's body (Connect envelopes of `chimera.proxy.v1.StreamFrame`) decoded for
/// ``EventStreamReader``, as its bytes arrive.
///
/// A failure the proxy reports after some events of the same chunk is held back until those
/// events are delivered: the reader stops at ``isComplete`` and gets it from ``finish()``, so
/// nothing the proxy sent before the failure is lost.
struct ProtobufChunkDecoder: ChunkDecoder {
    private var decoder: ProtobufStreamDecoder
    private let annotate: @Sendable (ChimeraError) -> ChimeraError
    private var pending: ChimeraError?

    /// Wraps a stream decoder.
    ///
    /// - Parameter annotate: Adds the proxy's context to failures the proxy reported.
    init(_ decoder: ProtobufStreamDecoder, annotate: @escaping @Sendable (ChimeraError) -> ChimeraError) {
        self.decoder = decoder
        self.annotate = annotate
    }

    var isComplete: Bool { pending != nil || decoder.isComplete }

    mutating func decode(_ chunk: ByteBuffer) throws(ChimeraError) -> [ChatStreamEvent] {
        if let pending { throw pending }
        decoder.append(chunk.readableBytesView)
        var events: [ChatStreamEvent] = []
        do {
            while let event = try decoder.next() { events.append(event) }
        } catch {
            guard events.isEmpty else {
                pending = annotate(error)
                return events
            }
            throw annotate(error)
        }
        return events
    }

    mutating func finish() throws(ChimeraError) -> [ChatStreamEvent] {
        if let pending { throw pending }
        try decoder.finish()
        return []
    }
}
