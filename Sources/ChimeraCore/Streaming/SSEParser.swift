/// An incremental Server-Sent Events parser over bytes.
///
/// Feed it network chunks as they arrive; it returns the events completed so far. The events do
/// not depend on how the input was chunked: lines, CRLF pairs and UTF-8 sequences may be split at
/// any byte. It follows the WHATWG event-stream rules (LF, CR and CRLF line ends; `event:`,
/// `data:`, `id:`, `retry:`; one optional space after the colon; multi-line data joined with
/// `\n`; `:` comment lines such as DeepSeek's `: keep-alive` ignored; a leading BOM dropped),
/// with two deliberate differences so that nothing is dropped silently:
///
/// - an event that has an `event:` or `id:` field but no `data:` line is still dispatched, with
///   empty data (the spec discards it);
/// - ``finish()`` dispatches a final event that was not followed by a blank line (the spec
///   discards it). Upstreams and proxies that close the connection right after the last `data:`
///   line exist; whether the stream as a whole was complete is for the protocol codec to judge.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var atStreamStart = true

    private var eventName: String?
    private var dataLines: [String] = []
    private var sawData = false
    private var id: String?
    private var retry: Int?
    private var pending = false

    /// The most bytes one line may hold; a longer line is a protocol error, not a reason to grow memory.
    public let maxLineBytes: Int

    /// Creates a parser.
    ///
    /// - Parameter maxLineBytes: Limit of one line, 8 MiB by default.
    public init(maxLineBytes: Int = 8 << 20) {
        self.maxLineBytes = maxLineBytes
    }

    /// Consumes a chunk of bytes.
    ///
    /// - Returns: The events that the chunk completed, in order.
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/decoding`` when a line exceeds ``maxLineBytes``.
    public mutating func parse(_ bytes: some Sequence<UInt8>) throws(ChimeraError) -> [SSEEvent] {
        // Scanned through contiguous storage, lines copied whole: byte by byte through a
        // collection's subscript (a ByteBuffer's view) costs a relay several times the CPU.
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(ChimeraError) in try parse(contiguous: buffer) }
        }
        if let contiguous { return try contiguous.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer in
            Result { () throws(ChimeraError) in try parse(contiguous: buffer) }
        }.get()
    }

    private mutating func parse(contiguous buffer: UnsafeBufferPointer<UInt8>) throws(ChimeraError) -> [SSEEvent] {
        var events: [SSEEvent] = []
        var start = 0
        var index = 0
        while index < buffer.count {
            let byte = buffer[index]
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
                index += 1
                continue
            }
            if index > start {
                try appendToLine(buffer[start..<index])
                lastWasCR = false
            }
            if byte == UInt8(ascii: "\r") {
                processLine(into: &events)
                lastWasCR = true
            } else if lastWasCR {
                // Second half of a CRLF already handled at the CR.
                lastWasCR = false
            } else {
                processLine(into: &events)
            }
            index += 1
            start = index
        }
        if start < buffer.count {
            try appendToLine(buffer[start...])
            lastWasCR = false
        }
        return events
    }

    private mutating func appendToLine(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) throws(ChimeraError) {
        guard line.count + bytes.count <= maxLineBytes else {
            throw ChimeraError.decoding("an event-stream line is longer than \(maxLineBytes) bytes")
        }
        line.append(contentsOf: bytes)
    }

    /// Ends the input: processes an unterminated last line and dispatches a pending event.
    ///
    /// - Returns: The final event, if the input ended in the middle of one.
    public mutating func finish() -> SSEEvent? {
        var events: [SSEEvent] = []
        if !line.isEmpty { processLine(into: &events) }
        lastWasCR = false
        if pending { dispatch(into: &events) }
        return events.last
    }

    private mutating func processLine(into events: inout [SSEEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            atStreamStart = false
            if pending { dispatch(into: &events) }
            return
        }
        var bytes = line[...]
        if atStreamStart {
            atStreamStart = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        if bytes.first == UInt8(ascii: ":") { return }  // comment / keep-alive

        let name: Substring
        var value: ArraySlice<UInt8> = []
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            name = Substring(decoding: bytes[..<colon], as: UTF8.self)
            value = bytes[bytes.index(after: colon)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            name = Substring(decoding: bytes, as: UTF8.self)
        }
        let text = String(decoding: value, as: UTF8.self)
        switch name {
        case "data":
            dataLines.append(text)
            sawData = true
            pending = true
        case "event":
            eventName = text
            pending = true
        case "id":
            if !text.contains("\0") {
                id = text
                pending = true
            }
        case "retry":
            if !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let milliseconds = Int(text) {
                retry = milliseconds
            }
        default:
            break  // unknown fields are ignored, as the spec says
        }
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        // One data line is the rule; joining would copy it.
        let data = !sawData ? "" : dataLines.count == 1 ? dataLines[0] : dataLines.joined(separator: "\n")
        events.append(SSEEvent(event: eventName, data: data, id: id, retry: retry))
        eventName = nil
        dataLines.removeAll(keepingCapacity: true)
        sawData = false
        retry = nil
        pending = false
        // The spec keeps the last event id across events; each event here carries its own.
        id = nil
    }
}
