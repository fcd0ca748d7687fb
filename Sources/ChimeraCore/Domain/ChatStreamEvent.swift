/// One event of a streamed answer.
///
/// Text, reasoning and tool calls arrive in pieces; tool-call events carry the call's index
/// among the answer's tool calls (OpenAI's `tool_calls[].index`), so calls made in parallel can
/// interleave. ``ChatStream/collect(id:provider:model:)`` assembles the pieces.
public enum ChatStreamEvent: Sendable, Hashable {
    /// The answer's id and model, as the provider reports them; the first event when the
    /// provider names them.
    case start(id: String, model: String)
    /// The next piece of answer text.
    case delta(String)
    /// The next piece of reasoning text.
    case reasoning(String)
    /// The signature of the reasoning just streamed (it ends that reasoning block).
    case reasoningSignature(String)
    /// A block of encrypted reasoning, whole.
    case redactedReasoning(String)
    /// A tool call begins: its index, id and name (and a provider signature, if any).
    case toolCallStart(ToolCallStart)
    /// The next piece of a tool call's arguments (JSON text).
    case toolCallArguments(index: Int, fragment: String)
    /// A tool call's arguments are complete.
    case toolCallEnd(index: Int)
    /// Token counts; a later `usage` event replaces an earlier one.
    case usage(Usage)
    /// Generation ended for this reason (with the stop sequence that ended it, when the
    /// provider says). The stream may still carry a `usage` event after it.
    case finish(FinishReason, stopSequence: String? = nil)
}

/// The start of a streamed tool call.
public struct ToolCallStart: Sendable, Hashable {
    /// The call's position among the answer's tool calls, from 0.
    public var index: Int
    /// The call's id.
    public var id: String
    /// The tool's name.
    public var name: String
    /// The provider's opaque token for the call (Gemini's `thoughtSignature`).
    public var signature: String?

    /// Creates the start of a tool call.
    public init(index: Int, id: String, name: String, signature: String? = nil) {
        self.index = index
        self.id = id
        self.name = name
        self.signature = signature
    }
}
