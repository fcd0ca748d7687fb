import NIOCore

/// Splits a relayed Server-Sent Events body at event boundaries, so that the bytes written to
/// the caller always end with a whole event: an error event the relay adds (a size limit, a
/// truncated upstream) then never lands in the middle of a half-written one.
///
/// Upstreams flush whole events per chunk almost always, so nothing is held back or copied then;
/// a chunk that ends inside an event keeps its tail (usually a few bytes) until the next chunk.
struct EventBoundary {
    private var held = ByteBuffer()

    /// The bytes of `chunk` (after what was held back) up to its last event boundary; the rest
    /// is held for the next chunk.
    mutating func complete(_ chunk: ByteBuffer) -> ByteBuffer {
        var bytes: ByteBuffer
        if held.readableBytes == 0 {
            bytes = chunk
        } else {
            bytes = held
            var chunk = chunk
            bytes.writeBuffer(&chunk)
            held.clear()
        }
        guard let end = Self.lastBoundary(in: bytes) else {
            held = bytes
            return ByteBuffer()
        }
        let whole = bytes.readSlice(length: end - bytes.readerIndex)!
        if bytes.readableBytes > 0 { held = bytes }
        return whole
    }

    /// What is held back: the end of a body that stopped inside an event.
    mutating func remainder() -> ByteBuffer {
        defer { held.clear() }
        return held
    }

    /// The index just after the last blank line (`\n`, `\r` or `\r\n` at the start of a line)
    /// in `buffer`, whose readable bytes start at an event boundary.
    static func lastBoundary(in buffer: ByteBuffer) -> Int? {
        // Scanned through the bytes themselves: through the view's subscript it costs several times as much.
        buffer.withUnsafeReadableBytes { bytes in
            var boundary: Int?
            var atLineStart = true
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
                    atLineStart = false
                    index += 1
                    continue
                }
                var next = index + 1
                if byte == UInt8(ascii: "\r"), next < bytes.count, bytes[next] == UInt8(ascii: "\n") { next += 1 }
                if atLineStart { boundary = buffer.readerIndex + next }
                atLineStart = true
                index = next
            }
            return boundary
        }
    }
}
