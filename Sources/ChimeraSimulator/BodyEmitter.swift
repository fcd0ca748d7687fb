import Hummingbird
import NIOCore

/// Writes a response body the way the fault switches ask: in pieces of `split=` bytes, with
/// `crlf` line ends and `latency=` pauses between stream chunks.
struct BodyEmitter: Sendable {
    /// The size of the pieces the body is written in; `nil` writes each chunk whole.
    var split: Int?
    /// `"\n"`, or `"\r\n"` with the `crlf` switch.
    var lineEnding: String
    /// The `latency=` pause between stream chunks, and the watch that ends it when the client leaves.
    var latency: (delay: Duration, departure: ClientDeparture)?

    /// Waits the `latency=` time, if any.
    ///
    /// - Throws: ``ClientWentAway`` when the client leaves meanwhile; `CancellationError` on shutdown.
    func pause() async throws {
        guard let latency else { return }
        try await latency.departure.pause(for: latency.delay)
    }

    /// Writes stream frames.
    ///
    /// - Throws: ``ClientWentAway`` when the connection is gone.
    func write(_ frames: [StreamFrame], to writer: inout any ResponseBodyWriter) async throws {
        for frame in frames {
            try await write(frame.serialized(lineEnding: lineEnding), to: &writer)
        }
    }

    /// Writes text, in `split=` pieces when asked, each flushed on its own.
    ///
    /// Pieces are cut by bytes, so a boundary may fall inside a UTF-8 sequence or a CRLF pair.
    ///
    /// - Throws: ``ClientWentAway`` when the connection is gone.
    func write(_ text: String, to writer: inout any ResponseBodyWriter) async throws {
        let bytes = Array(text.utf8)
        let size = split ?? max(bytes.count, 1)
        var start = 0
        while start < bytes.count {
            let end = min(start + size, bytes.count)
            do {
                try await writer.write(ByteBuffer(bytes: bytes[start..<end]))
            } catch {
                // Writes fail only when the connection is closed or broken.
                throw ClientWentAway()
            }
            start = end
        }
    }

    /// Ends the body cleanly.
    ///
    /// - Throws: ``ClientWentAway`` when the connection is gone.
    func finish(_ writer: inout any ResponseBodyWriter) async throws {
        do {
            try await writer.finish(nil)
        } catch {
            throw ClientWentAway()
        }
    }
}
