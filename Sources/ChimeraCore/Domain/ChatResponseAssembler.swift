/// Builds a ``ChatResponse``'s parts from stream events, in the order they arrive: consecutive
/// text deltas make one text part, reasoning deltas and their signature one reasoning part, a
/// tool call's start and argument pieces one tool-call part.
///
/// Used by ``ChatStream/collect(id:provider:model:)`` and by stream encoders that must write
/// whole parts where the caller's protocol has no pieces (Gemini's `functionCall`).
public struct ChatResponseAssembler: Sendable {
    /// The parts so far.
    public private(set) var parts: [ContentPart] = []
    /// The last finish reason seen.
    public private(set) var finishReason: FinishReason?
    /// The stop sequence of the last finish, when given.
    public private(set) var stopSequence: String?
    /// The last usage seen.
    public private(set) var usage: Usage?
    /// The answer's id, when the stream said.
    public private(set) var id: String?
    /// The answering model, when the stream said.
    public private(set) var model: String?
    /// Where each tool call's part is, by its stream index.
    private var toolCallParts: [Int: Int] = [:]

    /// An empty assembler.
    public init() {}

    /// Adds one event.
    public mutating func add(_ event: ChatStreamEvent) {
        switch event {
        case .start(let id, let model):
            self.id = id
            self.model = model
        case .delta(let text):
            if case .text(var last)? = parts.last, last.cacheControl == nil {
                last.text += text
                parts[parts.count - 1] = .text(last)
            } else {
                parts.append(.text(text))
            }
        case .reasoning(let text):
            if case .reasoning(var last)? = parts.last, last.signature == nil, last.redactedData == nil {
                last.text += text
                parts[parts.count - 1] = .reasoning(last)
            } else {
                parts.append(.reasoning(Reasoning(text: text)))
            }
        case .reasoningSignature(let signature):
            if case .reasoning(var last)? = parts.last, last.signature == nil, last.redactedData == nil {
                last.signature = signature
                parts[parts.count - 1] = .reasoning(last)
            } else {
                parts.append(.reasoning(Reasoning(text: "", signature: signature)))
            }
        case .redactedReasoning(let data):
            parts.append(.reasoning(Reasoning(text: "", redactedData: data)))
        case .toolCallStart(let start):
            toolCallParts[start.index] = parts.count
            parts.append(.toolCall(ToolCall(id: start.id, name: start.name, arguments: "", signature: start.signature)))
        case .toolCallArguments(let index, let fragment):
            guard let position = toolCallParts[index], case .toolCall(var call) = parts[position] else { return }
            call.arguments += fragment
            parts[position] = .toolCall(call)
        case .toolCallEnd:
            break
        case .usage(let counts):
            usage = counts
        case .finish(let reason, let stop):
            finishReason = reason
            stopSequence = stop
        }
    }

    /// The tool call with this stream index, as assembled so far.
    public func toolCall(index: Int) -> ToolCall? {
        guard let position = toolCallParts[index], case .toolCall(let call) = parts[position] else { return nil }
        return call
    }
}
