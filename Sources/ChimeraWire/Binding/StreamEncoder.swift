import ChimeraCore

/// Writes one streamed answer in a protocol's wire form, event by event.
///
/// The encoder writes the protocol's opening events (Anthropic's `message_start`, OpenAI's role
/// chunk) before the bytes of the first event it is given, so a ``ChatStreamEvent/start(id:model:)``
/// event first lets it use the upstream's id and model.
public protocol StreamEncoder: Sendable {
    /// The `Content-Type` of the stream.
    var contentType: String { get }

    /// The bytes for one domain event (possibly none: Anthropic holds the finish reason until
    /// ``finish()``).
    mutating func encode(_ event: ChatStreamEvent) -> [UInt8]

    /// The bytes that close a complete stream (`[DONE]`, `message_stop`, …).
    mutating func finish() -> [UInt8]

    /// The bytes of the in-band error that ends a stream which failed after it began (the HTTP
    /// status is long gone).
    mutating func fail(_ error: ChimeraError) -> [UInt8]
}

extension SSEEvent {
    /// The event's wire bytes, ending with the blank line that dispatches it.
    public var bytes: [UInt8] { Array(serialized.utf8) }
}
