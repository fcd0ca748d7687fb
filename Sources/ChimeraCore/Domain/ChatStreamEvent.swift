/// One event of a streamed answer.
public enum ChatStreamEvent: Sendable, Hashable, Codable {
    /// The next piece of generated text.
    case delta(String)
    /// Token counts; a later `usage` event replaces an earlier one.
    case usage(Usage)
    /// Generation ended for this reason. The stream may still carry a `usage` event after it.
    case finish(FinishReason)
}
