import ChimeraCore

/// Watches an Anthropic stream relayed to an Anthropic caller as the upstream sent it: the
/// usage of `message_start` and `message_delta`, the stop reason, `error` events, completion
/// by `message_stop`, truncation.
///
/// The type of an event comes from its `event:` line, or else from the first member of its
/// data (`{"type":"…"`, as Anthropic writes it); content-block events and pings — nearly every
/// event of a stream — are skipped without parsing. Only an event of another type, or one whose
/// type cannot be read that way, is parsed.
struct AnthropicMessagesStreamWatcher: StreamWatcher {
    let provider: ProviderID
    private(set) var isComplete = false
    private(set) var finishReason: FinishReason?
    private var counts = AnthropicMessagesUsage()
    private var sawUsage = false

    init(provider: ProviderID) {
        self.provider = provider
    }

    var usage: Usage? { sawUsage ? counts.usage : nil }

    mutating func observe(_ event: SSEEvent) -> ChimeraError? {
        guard !isComplete else { return nil }
        switch Self.type(of: event) {
        case "content_block_delta", "content_block_start", "content_block_stop", "ping":
            return nil
        case "message_stop":
            isComplete = true
            return nil
        default:
            return inspect(Array(event.data.utf8), name: event.event)
        }
    }

    mutating func finish() -> ChimeraError? {
        guard !isComplete, finishReason == nil else { return nil }
        return .truncatedStream(provider: provider, missing: "no message_stop and no stop_reason arrived")
    }

    private mutating func inspect(_ data: [UInt8], name: String?) -> ChimeraError? {
        let payload: JSONField
        do {
            payload = try JSONField.parse(data)
        } catch {
            // A relayed event the watcher cannot read still reaches the caller as sent; it only
            // tells the watcher nothing (an empty keep-alive, a converter's stray line).
            return nil
        }
        let type = payload["type"].value?.string ?? name
        if type == "error" || payload["error"].isPresent {
            return UpstreamErrorReader.inBandError(payload["error"].value ?? [:], raw: data, provider: provider, location: "in the stream")
        }
        do {
            switch type {
            case "message_start":
                try read(payload["message"]["usage"])
            case "message_delta":
                if let stop = try payload["delta"]["stop_reason"].optionalString() { finishReason = AnthropicMessagesWire.finishReason(stop) }
                try read(payload["usage"])
            case "message_stop":
                isComplete = true
            default:
                break
            }
        } catch {
            // Counts of the wrong type are left unread; the stream itself is relayed as sent.
            return nil
        }
        return nil
    }

    private mutating func read(_ usage: JSONField) throws(FieldError) {
        guard usage.isPresent else { return }
        try counts.read(usage)
        sawUsage = true
    }

    /// The event's type without parsing its data: the `event:` line, else the value of a
    /// leading `{"type":"…"` member; `nil` when neither says.
    static func type(of event: SSEEvent) -> Substring? {
        if let name = event.event, !name.isEmpty { return Substring(name) }
        let data = event.data.utf8
        let prefix = #"{"type":""#.utf8
        guard data.starts(with: prefix) else { return nil }
        let rest = data.dropFirst(prefix.count)
        guard let end = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return Substring(event.data[rest.startIndex..<end])
    }
}
