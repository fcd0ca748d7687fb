import ChimeraCore

/// Watches an OpenAI-compatible stream relayed as the upstream sent it.
///
/// Most events are text deltas, so it looks at the bytes first and parses a chunk only when it
/// may matter: when it holds `"finish_reason"` followed by a string (not `null`), `"usage"`
/// followed by an object (not `null`), or `"error"` followed by anything but `null`. `[DONE]`
/// completes the stream; a body that ends with neither `[DONE]` nor a finish reason is truncated.
struct OpenAIChatStreamWatcher: StreamWatcher {
    let provider: ProviderID
    private(set) var isComplete = false
    private(set) var usage: Usage?
    private(set) var finishReason: FinishReason?

    init(provider: ProviderID) {
        self.provider = provider
    }

    mutating func observe(_ event: SSEEvent) -> ChimeraError? {
        guard !isComplete else { return nil }
        var data = event.data
        return data.withUTF8 { bytes in
            observe(bytes)
        }
    }

    mutating func finish() -> ChimeraError? {
        guard isComplete || finishReason != nil else {
            return ChimeraError.truncatedStream(provider: provider, missing: "no [DONE] and no finish_reason arrived")
        }
        return nil
    }

    private mutating func observe(_ bytes: UnsafeBufferPointer<UInt8>) -> ChimeraError? {
        let done = Self.done
        var start = 0
        var end = bytes.count
        while start < end, Self.isSpace(bytes[start]) { start += 1 }
        while end > start, Self.isSpace(bytes[end - 1]) { end -= 1 }
        if end - start == done.count, bytes[start..<end].elementsEqual(done) {
            isComplete = true
            return nil
        }
        let (error, finish, usage) = Self.members(in: bytes)
        guard error || finish || usage else { return nil }
        let chunk: JSONValue
        do {
            chunk = try JSONValue(parsing: bytes)
        } catch {
            // Not JSON: the caller receives these bytes as they are and judges them; the relay
            // learns nothing from them.
            return nil
        }
        if error, let value = chunk["error"], let failure = UpstreamErrorReader.inBandError(value, raw: bytes, provider: provider, location: "in the stream") {
            return failure
        }
        if finish {
            let first = chunk["choices"]?.array?.first { ($0["index"]?.int ?? 0) == 0 }
            if let reason = first?["finish_reason"]?.string { finishReason = OpenAIChatWire.finishReason(wire: reason) }
        }
        if usage, let value = chunk["usage"] {
            do {
                self.usage = try OpenAIChatWire.usage(JSONField(root: value))
            } catch {
                // Counts that are not numbers: the relay goes without them rather than fail a
                // stream the caller receives whole.
                return nil
            }
        }
        return nil
    }

    private static let done = Array("[DONE]".utf8)
    private static let errorKey = Array(#""error""#.utf8)
    private static let finishReasonKey = Array(#""finish_reason""#.utf8)
    private static let usageKey = Array(#""usage""#.utf8)

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// Which of `"error"` (a value other than `null`), `"finish_reason"` (a string) and
    /// `"usage"` (an object) `bytes` hold as members, in one pass: a quoted name not inside a
    /// string, where its quotes would be escaped.
    private static func members(in bytes: UnsafeBufferPointer<UInt8>) -> (error: Bool, finish: Bool, usage: Bool) {
        var found = (error: false, finish: false, usage: false)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\""), index == 0 || bytes[index - 1] != UInt8(ascii: "\\"), index + 1 < bytes.count else {
                index += 1
                continue
            }
            let key: [UInt8]
            switch bytes[index + 1] {
            case UInt8(ascii: "e"): key = errorKey
            case UInt8(ascii: "f"): key = finishReasonKey
            case UInt8(ascii: "u"): key = usageKey
            default:
                index += 1
                continue
            }
            guard index + key.count < bytes.count, UnsafeBufferPointer(rebasing: bytes[index..<(index + key.count)]).elementsEqual(key),
                  let value = valueStart(in: bytes, after: index + key.count)
            else {
                index += 1
                continue
            }
            switch key[1] {
            case UInt8(ascii: "e"): found.error = found.error || value != UInt8(ascii: "n")
            case UInt8(ascii: "f"): found.finish = found.finish || value == UInt8(ascii: "\"")
            default: found.usage = found.usage || value == UInt8(ascii: "{")
            }
            index += key.count
        }
        return found
    }

    /// The first byte of the value of a member whose name ends just before `index`: after
    /// spaces, a colon and spaces; `nil` when no colon follows (a string, not a name).
    private static func valueStart(in bytes: UnsafeBufferPointer<UInt8>, after index: Int) -> UInt8? {
        var cursor = index
        while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: ":") else { return nil }
        cursor += 1
        while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
        return cursor < bytes.count ? bytes[cursor] : nil
    }
}
