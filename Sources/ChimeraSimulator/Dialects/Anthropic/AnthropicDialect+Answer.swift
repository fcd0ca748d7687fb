import ChimeraCore

/// Writing Messages answers.
///
/// The content blocks, in order: `thinking` (with its `signature`) when thinking was asked for,
/// `redacted_thinking` with the `redacted-thinking` switch, then `text` or the `tool_use`
/// blocks (ids `toolu_sim<exchange>_<i>`). Usage splits the input into `input_tokens`,
/// `cache_creation_input_tokens` and `cache_read_input_tokens`.
///
/// Streamed: `message_start` (with the input usage), then per block `content_block_start`,
/// its deltas (`thinking_delta` pieces and one `signature_delta`; `text_delta` per word;
/// `input_json_delta` argument fragments) and `content_block_stop`, a `ping` after the first
/// block starts, then `message_delta` with the cumulative usage and `message_stop`.
extension AnthropicDialect {
    /// One content block of an answer.
    private enum Block {
        case thinking(String)
        case redactedThinking
        case text(SimulatedReply)
        case toolUse(id: String, call: SimulatedToolCall)
    }

    private func blocks(_ answer: SimulatedAnswer, exchange: Exchange) -> [Block] {
        var blocks: [Block] = []
        if let reasoning = answer.reasoning { blocks.append(.thinking(reasoning.shownText)) }
        if answer.redactedThinking { blocks.append(.redactedThinking) }
        if let reply = answer.reply { blocks.append(.text(reply)) }
        for (index, call) in answer.toolCalls.enumerated() {
            blocks.append(.toolUse(id: "toolu_sim\(exchange.number)_\(index)", call: call))
        }
        return blocks
    }

    /// The data of the `redacted_thinking` block: the reasoning, sealed.
    private var redactedData: String { ThoughtSignature.seal(ReasoningRequest.text, for: .anthropicRedacted) }

    private func stopReason(_ answer: SimulatedAnswer) -> String {
        switch answer.finishReason {
        case .toolCalls: "tool_use"
        case .length: "max_tokens"
        case .stopSequence: "stop_sequence"
        default: "end_turn"
        }
    }

    /// The usage object; `output` is the output count to report (an early one in `message_start`).
    private func usage(_ answer: SimulatedAnswer, output: Int) -> JSONValue {
        [
            "input_tokens": .int(answer.usage.uncachedInputTokens),
            "cache_creation_input_tokens": .int(answer.usage.cacheCreationTokens),
            "cache_read_input_tokens": .int(answer.usage.cacheReadTokens),
            "output_tokens": .int(output),
        ]
    }

    func completion(_ answer: SimulatedAnswer, exchange: Exchange) -> JSONValue {
        let content = blocks(answer, exchange: exchange).map { block -> JSONValue in
            switch block {
            case .thinking(let text):
                ["type": "thinking", "thinking": .string(text), "signature": .string(ThoughtSignature.sign(text, for: .anthropicThinking))]
            case .redactedThinking:
                ["type": "redacted_thinking", "data": .string(redactedData)]
            case .text(let reply):
                ["type": "text", "text": .string(reply.text)]
            case .toolUse(let id, let call):
                ["type": "tool_use", "id": .string(id), "name": .string(call.name), "input": call.arguments]
            }
        }
        return [
            "id": .string("msg_sim\(exchange.number)"),
            "type": "message",
            "role": "assistant",
            "model": .string(exchange.model),
            "content": .array(content),
            "stop_reason": .string(stopReason(answer)),
            "stop_sequence": .nullable(answer.stopSequence),
            "usage": usage(answer, output: answer.usage.outputTokens),
        ]
    }

    func stream(_ answer: SimulatedAnswer, exchange: Exchange, complete: Bool) -> StreamPlan {
        let start = StreamFrame.named(
            "message_start",
            [
                "type": "message_start",
                "message": [
                    "id": .string("msg_sim\(exchange.number)"),
                    "type": "message",
                    "role": "assistant",
                    "content": [],
                    "model": .string(exchange.model),
                    "stop_reason": nil,
                    "stop_sequence": nil,
                    // Like the real API, an early output count that message_delta later replaces.
                    "usage": usage(answer, output: min(1, answer.usage.outputTokens)),
                ],
            ]
        )
        var parts: [AnySequence<StreamStep>] = [AnySequence([StreamStep.frames([start])])]
        let blocks = blocks(answer, exchange: exchange)
        for (index, block) in blocks.enumerated() {
            // Each block closes when the next opens; the last closes in the end frames.
            var opening = index > 0 ? [blockStop(index - 1)] : []
            opening.append(blockStart(block, index: index))
            if index == 0 { opening.append(.named("ping", ["type": "ping"])) }
            parts.append(AnySequence([StreamStep.frames(opening)]))
            parts.append(deltas(block, index: index))
        }
        return StreamPlan(
            steps: AnySequence(parts.joined()),
            end: {
                [
                    blockStop(blocks.count - 1),
                    .named(
                        "message_delta",
                        [
                            "type": "message_delta",
                            "delta": ["stop_reason": .string(stopReason(answer)), "stop_sequence": .nullable(answer.stopSequence)],
                            "usage": usage(answer, output: answer.usage.outputTokens),
                        ]
                    ),
                    .named("message_stop", ["type": "message_stop"]),
                ]
            },
            failure: { [.named("error", ["type": "error", "error": ["type": "overloaded_error", "message": "Overloaded"]])] }
        )
    }

    private func blockStart(_ block: Block, index: Int) -> StreamFrame {
        let content: JSONValue =
            switch block {
            case .thinking: ["type": "thinking", "thinking": "", "signature": ""]
            case .redactedThinking: ["type": "redacted_thinking", "data": .string(redactedData)]
            case .text: ["type": "text", "text": ""]
            case .toolUse(let id, let call): ["type": "tool_use", "id": .string(id), "name": .string(call.name), "input": [:]]
            }
        return .named("content_block_start", ["type": "content_block_start", "index": .int(index), "content_block": content])
    }

    private func blockStop(_ index: Int) -> StreamFrame {
        .named("content_block_stop", ["type": "content_block_stop", "index": .int(index)])
    }

    private func delta(_ index: Int, _ delta: JSONValue) -> StreamFrame {
        .named("content_block_delta", ["type": "content_block_delta", "index": .int(index), "delta": delta])
    }

    /// A block's deltas: text words and argument fragments are chunks; thinking is not.
    private func deltas(_ block: Block, index: Int) -> AnySequence<StreamStep> {
        switch block {
        case .thinking(let text):
            let pieces = SimulatedReply.pieces(of: text).map { StreamStep.frames([delta(index, ["type": "thinking_delta", "thinking": .string($0)])]) }
            let signature = ThoughtSignature.sign(text, for: .anthropicThinking)
            return AnySequence(pieces + [.frames([delta(index, ["type": "signature_delta", "signature": .string(signature)])])])
        case .redactedThinking:
            return AnySequence([])
        case .text(let reply):
            return AnySequence(reply.pieces().lazy.map { .chunk([delta(index, ["type": "text_delta", "text": .string($0)])]) })
        case .toolUse(_, let call):
            return AnySequence(call.fragments.map { .chunk([delta(index, ["type": "input_json_delta", "partial_json": .string($0)])]) })
        }
    }

    func malformedChunk(exchange: Exchange) -> [StreamFrame] {
        [delta(0, ["type": "text_delta", "text": "malformed"])]
    }
}
