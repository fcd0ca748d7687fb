import ChimeraCore

/// Turns the events of one streamed response into domain events.
public protocol StreamDecoder: Sendable {
    /// Whether the stream has said it is over (`[DONE]`, `message_stop`); bytes after it are ignored.
    ///
    /// Always `false` for Gemini, whose streams have no terminator and end with the body.
    var isComplete: Bool { get }

    /// Decodes one event.
    ///
    /// - Returns: The domain events it carried (none for keep-alives and bookkeeping events).
    /// - Throws: ``ChimeraError`` for an in-band error event or a malformed payload.
    mutating func decode(_ event: SSEEvent) throws(ChimeraError) -> [ChatStreamEvent]

    /// Called at the end of the body.
    ///
    /// - Throws: ``ChimeraError`` when the stream ended before it was complete (no finish
    ///   reason, no terminator): a truncated stream is an error, not a short answer.
    mutating func finish() throws(ChimeraError) -> [ChatStreamEvent]
}
