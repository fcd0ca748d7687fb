import ChimeraCore

/// Writing Chat Completions answers.
///
/// Unary: one `chat.completion` with `n` identical choices; tool calls in
/// `message.tool_calls` (ids `call_sim<exchange>_<i>`, `content: null`), shown reasoning in
/// `message.reasoning_content` (DeepSeek, Qwen), `logprobs.content` per word when asked.
///
/// Streamed: per choice a role chunk, then reasoning chunks, one chunk per word per choice,
/// and per tool call a chunk with its id, name and empty arguments followed by chunks of
/// argument fragments (`delta.tool_calls[{index, function: {arguments}}]`); then the finish
/// chunk(s), the usage chunk (only with `stream_options.include_usage`) and `[DONE]`.
extension OpenAIDialect {
    private func finishReason(_ answer: SimulatedAnswer) -> String {
        switch answer.finishReason {
        case .toolCalls: "tool_calls"
        case .length: "length"
        default: "stop"
        }
    }

    private func usage(_ answer: SimulatedAnswer, provider: ProviderID) -> JSONValue {
        let usage = answer.usage
        var members: [(String, JSONValue)] = [
            ("prompt_tokens", .int(usage.inputTokens)),
            ("completion_tokens", .int(usage.outputTokens)),
            ("total_tokens", .int(usage.totalTokens)),
            ("prompt_tokens_details", ["cached_tokens": .int(usage.cacheReadTokens)]),
            ("completion_tokens_details", ["reasoning_tokens": .int(usage.reasoningTokens)]),
        ]
        if provider == .deepseek {
            members += [("prompt_cache_hit_tokens", .int(usage.cacheReadTokens)), ("prompt_cache_miss_tokens", .int(usage.inputTokens - usage.cacheReadTokens))]
        }
        return .fields(members)
    }

    private func callID(_ exchange: Exchange, _ index: Int) -> String {
        "call_sim\(exchange.number)_\(index)"
    }

    func completion(_ answer: SimulatedAnswer, exchange: Exchange) -> JSONValue {
        var message: [(String, JSONValue)] = [("role", "assistant"), ("content", .nullable(answer.reply?.text))]
        if let reasoning = answer.reasoning, !reasoning.shownText.isEmpty {
            message.append(("reasoning_content", .string(reasoning.shownText)))
        }
        if !answer.toolCalls.isEmpty {
            let calls = answer.toolCalls.enumerated().map { index, call -> JSONValue in
                ["id": .string(callID(exchange, index)), "type": "function", "function": ["name": .string(call.name), "arguments": .string(call.argumentsText)]]
            }
            message.append(("tool_calls", .array(calls)))
        }
        message.append(("refusal", nil))
        let logprobs: JSONValue = answer.topLogprobs.map { Logprobs.choice(answer.reply.map { Array($0.pieces()) } ?? [], top: $0) } ?? nil
        let choices = (0..<answer.choiceCount).map { index -> JSONValue in
            ["index": .int(index), "message": .fields(message), "logprobs": logprobs, "finish_reason": .string(finishReason(answer))]
        }
        return [
            "id": .string("chatcmpl-sim\(exchange.number)"),
            "object": "chat.completion",
            "created": .int(exchange.created),
            "model": .string(exchange.model),
            "choices": .array(choices),
            "usage": usage(answer, provider: exchange.provider),
        ]
    }

    /// A `chat.completion.chunk`; `"usage": null` is present exactly when the usage chunk will follow.
    private func chunk(_ exchange: Exchange, choices: [JSONValue], usage: JSONValue? = nil) -> StreamFrame {
        var members: [(String, JSONValue)] = [
            ("id", .string("chatcmpl-sim\(exchange.number)")),
            ("object", "chat.completion.chunk"),
            ("created", .int(exchange.created)),
            ("model", .string(exchange.model)),
            ("choices", .array(choices)),
        ]
        if exchange.includeUsage {
            members.append(("usage", usage ?? .null))
        }
        return .data(.fields(members))
    }

    private func choice(_ index: Int, _ delta: JSONValue, logprobs: JSONValue = nil, finishReason: String? = nil) -> JSONValue {
        ["index": .int(index), "delta": delta, "logprobs": logprobs, "finish_reason": .nullable(finishReason)]
    }

    /// One chunk per choice, all with the same delta.
    private func chunks(_ exchange: Exchange, _ answer: SimulatedAnswer, delta: JSONValue, logprobs: JSONValue = nil) -> [StreamFrame] {
        (0..<answer.choiceCount).map { chunk(exchange, choices: [choice($0, delta, logprobs: logprobs)]) }
    }

    func stream(_ answer: SimulatedAnswer, exchange: Exchange, complete: Bool) -> StreamPlan {
        var opening = chunks(exchange, answer, delta: ["role": "assistant", "content": ""])
        if exchange.provider == .deepseek {
            opening.append(.comment("keep-alive"))
        }
        var parts: [AnySequence<StreamStep>] = [AnySequence([StreamStep.frames(opening)])]
        if let reasoning = answer.reasoning, !reasoning.shownText.isEmpty {
            let pieces = SimulatedReply.pieces(of: reasoning.shownText)
            parts.append(AnySequence(pieces.map { .frames(chunks(exchange, answer, delta: ["content": nil, "reasoning_content": .string($0)])) }))
        }
        if let reply = answer.reply {
            parts.append(
                AnySequence(
                    reply.pieces().lazy.enumerated().map { index, piece -> StreamStep in
                        let logprobs: JSONValue = answer.topLogprobs.map { Logprobs.choice([piece], top: $0) } ?? nil
                        let text = chunks(exchange, answer, delta: ["content": .string(piece)], logprobs: logprobs)
                        // DeepSeek sends keep-alives while it is busy; every third chunk stands in for that.
                        return .chunk(exchange.provider == .deepseek && index % 3 == 2 ? [.comment("keep-alive")] + text : text)
                    }
                )
            )
        }
        for (index, call) in answer.toolCalls.enumerated() {
            let start: JSONValue = [
                "tool_calls": [["index": .int(index), "id": .string(callID(exchange, index)), "type": "function", "function": ["name": .string(call.name), "arguments": ""]]]
            ]
            let fragments = call.fragments.map { fragment -> StreamStep in
                .chunk(chunks(exchange, answer, delta: ["tool_calls": [["index": .int(index), "function": ["arguments": .string(fragment)]]]]))
            }
            parts.append(AnySequence([.frames(chunks(exchange, answer, delta: start))] + fragments))
        }
        return StreamPlan(
            steps: AnySequence(parts.joined()),
            end: {
                var frames = (0..<answer.choiceCount).map { chunk(exchange, choices: [choice($0, [:], finishReason: finishReason(answer))]) }
                if exchange.includeUsage {
                    frames.append(chunk(exchange, choices: [], usage: usage(answer, provider: exchange.provider)))
                }
                frames.append(.event(SSEEvent(data: "[DONE]")))
                return frames
            },
            failure: { [streamError(exchange: exchange)] }
        )
    }

    func malformedChunk(exchange: Exchange) -> [StreamFrame] {
        [chunk(exchange, choices: [choice(0, ["content": "malformed"])])]
    }

    /// OpenAI's in-band error payload.
    func streamError(exchange: Exchange) -> StreamFrame {
        .data([
            "error": [
                "message": "The server had an error while processing your request.",
                "type": "server_error",
                "param": nil,
                "code": nil,
            ]
        ])
    }
}
