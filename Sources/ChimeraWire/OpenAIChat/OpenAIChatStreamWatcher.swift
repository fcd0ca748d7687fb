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
        let error = Self.member(Self.errorKey, in: bytes) { $0 != UInt8(ascii: "n") }
        let finish = Self.member(Self.finishReasonKey, in: bytes) { $0 == UInt8(ascii: "\"") }
        let usage = Self.member(Self.usageKey, in: bytes) { $0 == UInt8(ascii: "{") }
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

    /// Whether `bytes` hold `key` (a quoted member name; not inside a string, where its quotes
    /// would be escaped) as a member whose value's first byte passes `test`.
    private static func member(_ key: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, valueStarts test: (UInt8) -> Bool) -> Bool {
        guard bytes.count > key.count else { return false }
        var index = 0
        while index + key.count < bytes.count {
            guard bytes[index] == key[0], index == 0 || bytes[index - 1] != UInt8(ascii: "\\"),
                  bytes[index..<(index + key.count)].elementsEqual(key)
            else {
                index += 1
                continue
            }
            var cursor = index + key.count
            while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ":") {
                cursor += 1
                while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
                if cursor < bytes.count, test(bytes[cursor]) { return true }
            }
            index += key.count
        }
        return false
    }
}
