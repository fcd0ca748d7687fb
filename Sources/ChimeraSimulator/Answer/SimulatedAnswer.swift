import ChimeraCore

/// The whole answer to one chat request: reasoning, text or tool calls, and usage.
///
/// Planned only from the request (and what the prompt cache remembers), in this order:
///
/// 1. **Tool calls** when the request offers function tools, its tool choice is not `none`,
///    and its last turn is the user's own: a call of the forced tool, else of the first
///    (allowed) tool; with the `parallel-tools` switch, one call per tool, unless the request
///    forbids parallel calls or forces one tool. Arguments come from the tool's schema
///    (``SchemaInstance``). The answer then has no text.
/// 2. Otherwise **text** (``SimulatedReply``): `words=n` filler if asked; else, with a JSON
///    response format, a JSON instance of the schema (`{"answer": "<the reply>"}` for plain
///    JSON mode, the first enum value for an enum format); else, when the last turn carries
///    tool results, one line per result (`Tool get_weather returned: {"temp":21}`); else the
///    conversation reply. Output limits and stop sequences cut only this text.
/// 3. **Reasoning** as the request asked (``ReasoningRequest``), before either.
///
/// Usage counts words: the prompt's words, of which the cache supplied ``SimulatedUsage/cacheReadTokens``;
/// output = text words + each tool call's words + reasoning tokens, times the number of choices.
struct SimulatedAnswer: Sendable {
    /// The reasoning, or `nil` when none was asked for.
    var reasoning: ReasoningRequest?
    /// The text, or `nil` when the answer is tool calls.
    var reply: SimulatedReply?
    /// The tool calls, in order.
    var toolCalls: [SimulatedToolCall]
    /// Token counts.
    var usage: SimulatedUsage
    /// How many identical choices to answer with (OpenAI `n`).
    var choiceCount: Int
    /// OpenAI's `top_logprobs` when logprobs are on; `nil` when off.
    var topLogprobs: Int?
    /// The `redacted-thinking` switch: Anthropic adds a `redacted_thinking` block.
    var redactedThinking: Bool

    /// Plans the answer.
    ///
    /// - Parameters:
    ///   - prompt: The request.
    ///   - options: Its switches (`words=`, `parallel-tools`, `redacted-thinking`).
    ///   - cache: What the prompt cache supplied.
    init(to prompt: ChatPrompt, options: SimulatorOptions, cache: PromptCache.Outcome = PromptCache.Outcome()) {
        toolCalls = Self.toolCalls(for: prompt, parallel: options.parallelTools)
        reply = toolCalls.isEmpty ? Self.text(for: prompt, fillerWords: options.words) : nil
        reasoning = prompt.reasoning
        choiceCount = prompt.choiceCount
        topLogprobs = prompt.topLogprobs
        redactedThinking = options.redactedThinking && prompt.reasoning != nil
        let reasoningTokens = reasoning?.tokens ?? 0
        let perChoice = (reply?.outputTokens ?? 0) + toolCalls.reduce(0) { $0 + $1.words } + reasoningTokens
        usage = SimulatedUsage(
            inputTokens: prompt.inputWords,
            cacheReadTokens: cache.read,
            cacheCreationTokens: cache.created,
            outputTokens: perChoice * prompt.choiceCount,
            reasoningTokens: reasoningTokens * prompt.choiceCount
        )
    }

    /// How the answer ended.
    var finishReason: FinishReason {
        toolCalls.isEmpty ? reply?.finishReason ?? .stop : .toolCalls
    }

    /// The stop sequence that cut the text, if one did.
    var stopSequence: String? { reply?.stopSequence }

    private static func toolCalls(for prompt: ChatPrompt, parallel: Bool) -> [SimulatedToolCall] {
        guard prompt.endsWithUserTurn, prompt.toolResults.isEmpty, !prompt.tools.isEmpty else { return [] }
        let candidates: [ToolDefinition]
        switch prompt.toolChoice {
        case .none: return []
        case .auto, .required: candidates = prompt.tools
        case .oneOf(let names): candidates = prompt.tools.filter { names.contains($0.name) }
        case .named(let name): candidates = prompt.tools.filter { $0.name == name }.prefix(1).map { $0 }
        }
        let called = parallel && prompt.parallelToolCalls ? candidates : Array(candidates.prefix(1))
        return called.map { SimulatedToolCall(name: $0.name, arguments: SchemaInstance.make(for: $0.parameters, name: $0.name)) }
    }

    private static func text(for prompt: ChatPrompt, fillerWords: Int?) -> SimulatedReply {
        if fillerWords != nil { return SimulatedReply(to: prompt, fillerWords: fillerWords) }
        switch prompt.responseFormat {
        case .jsonObject:
            let echo = (SimulatedReply.echoPrefix(prompt.model) + prompt.lastUserWords.map(String.init)).joined(separator: " ")
            return SimulatedReply(text: JSONValue.fields([("answer", .string(echo))]).spacedSerialized, prompt: prompt)
        case .jsonSchema(let schema, let name):
            return SimulatedReply(text: SchemaInstance.make(for: schema, name: name ?? "answer").spacedSerialized, prompt: prompt)
        case .enumeration(let schema):
            let first = schema["enum"]?.array?.first
            let text = first?.string ?? first?.serialized() ?? ""
            return SimulatedReply(text: text, prompt: prompt)
        case .text:
            break
        }
        if !prompt.toolResults.isEmpty {
            return SimulatedReply(text: prompt.toolResults.map(\.quotation).joined(separator: "\n"), prompt: prompt)
        }
        return SimulatedReply(to: prompt, fillerWords: nil)
    }
}
