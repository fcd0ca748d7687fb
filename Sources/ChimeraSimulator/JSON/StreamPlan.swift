/// One step of a streamed answer.
enum StreamStep {
    /// Frames that carry a piece of the visible answer: a word of the text or a fragment of a
    /// tool call's arguments. The stream switches count these (`stall-after=k` …) and
    /// `latency=` pauses before each.
    case chunk([StreamFrame])
    /// Frames around the content: openings, block boundaries, reasoning. Written as they come,
    /// never counted, so a protocol's opening always arrives whole.
    case frames([StreamFrame])
}

/// A dialect's streamed answer, produced lazily so that a million-word answer is never held in
/// memory.
///
/// The writer sends ``steps``, then ``end()`` for a complete stream, or ``failure()`` for the
/// `inband-error` switch. They are closures over one plan so that a dialect can number its
/// events across all three (the Responses API's `sequence_number`).
struct StreamPlan {
    /// The opening and the content.
    var steps: AnySequence<StreamStep>
    /// The frames that end a complete stream, terminator included.
    var end: () -> [StreamFrame]
    /// The protocol's in-band error.
    var failure: () -> [StreamFrame]
}
