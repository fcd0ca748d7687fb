import ChimeraCore

/// Writing generateContent answers.
///
/// One candidate whose parts are, in order: the reasoning as a `thought: true` text part (with
/// `includeThoughts`), then the text part or one `functionCall` part per call (no `id`). When
/// thinking is on, the first `functionCall` part carries a `thoughtSignature` derived from its
/// name and arguments (the first text part otherwise, derived from the reasoning). Finish:
/// `STOP` (also for calls) or `MAX_TOKENS`. `usageMetadata` adds `cachedContentTokenCount` and
/// `thoughtsTokenCount` when they are not zero; `candidatesTokenCount` excludes thoughts.
///
/// Streamed: the thought pieces, one chunk per word, and all calls whole in one chunk; the last
/// chunk of a complete stream carries `finishReason` and `usageMetadata`.
extension GeminiDialect {
    private func finishReason(_ answer: SimulatedAnswer) -> String {
        answer.finishReason == .length ? "MAX_TOKENS" : "STOP"
    }

    private func usageMetadata(_ answer: SimulatedAnswer) -> JSONValue {
        let usage = answer.usage
        var members: [(String, JSONValue)] = [
            ("promptTokenCount", .int(usage.inputTokens)),
            ("candidatesTokenCount", .int(usage.visibleOutputTokens)),
            ("totalTokenCount", .int(usage.totalTokens)),
        ]
        if usage.cacheReadTokens > 0 { members.append(("cachedContentTokenCount", .int(usage.cacheReadTokens))) }
        if usage.reasoningTokens > 0 { members.append(("thoughtsTokenCount", .int(usage.reasoningTokens))) }
        return .fields(members)
    }

    /// A `GenerateContentResponse` with one candidate holding `parts`; with `finishing`, also the finish and usage.
    private func response(_ parts: [JSONValue], finishing: SimulatedAnswer?, exchange: Exchange) -> JSONValue {
        var candidate: [(String, JSONValue)] = [("content", ["parts": .array(parts), "role": "model"])]
        if let finishing { candidate.append(("finishReason", .string(finishReason(finishing)))) }
        candidate.append(("index", 0))
        var members: [(String, JSONValue)] = [("candidates", [.fields(candidate)])]
        if let finishing { members.append(("usageMetadata", usageMetadata(finishing))) }
        members += [("modelVersion", .string(exchange.model)), ("responseId", .string("sim\(exchange.number)"))]
        return .fields(members)
    }

    private func thoughtPart(_ text: String) -> JSONValue {
        ["text": .string(text), "thought": true]
    }

    /// A text part; the first carries the thought signature when thinking is on.
    private func textPart(_ text: String, signed: Bool) -> JSONValue {
        var members: [(String, JSONValue)] = [("text", .string(text))]
        if signed { members.append(("thoughtSignature", .string(ThoughtSignature.sign(ReasoningRequest.text, for: .geminiText)))) }
        return .fields(members)
    }

    private func callParts(_ answer: SimulatedAnswer) -> [JSONValue] {
        answer.toolCalls.enumerated().map { index, call in
            var members: [(String, JSONValue)] = [("functionCall", ["name": .string(call.name), "args": call.arguments])]
            if index == 0, answer.reasoning != nil {
                members.append(("thoughtSignature", .string(Self.signature(ofCall: call.name, arguments: call.arguments))))
            }
            return .fields(members)
        }
    }

    func completion(_ answer: SimulatedAnswer, exchange: Exchange) -> JSONValue {
        var parts: [JSONValue] = []
        if let reasoning = answer.reasoning, !reasoning.shownText.isEmpty { parts.append(thoughtPart(reasoning.shownText)) }
        if let reply = answer.reply { parts.append(textPart(reply.text, signed: answer.reasoning != nil)) }
        parts += callParts(answer)
        return response(parts, finishing: answer, exchange: exchange)
    }

    func stream(_ answer: SimulatedAnswer, exchange: Exchange, complete: Bool) -> StreamPlan {
        var parts: [AnySequence<StreamStep>] = []
        if let reasoning = answer.reasoning, !reasoning.shownText.isEmpty {
            let thoughts = SimulatedReply.pieces(of: reasoning.shownText).map {
                StreamStep.frames([.data(response([thoughtPart($0)], finishing: nil, exchange: exchange))])
            }
            parts.append(AnySequence(thoughts))
        }
        if let reply = answer.reply {
            let count = reply.pieceCount
            let finishesOnText = complete && answer.toolCalls.isEmpty
            parts.append(
                AnySequence(
                    reply.pieces().lazy.enumerated().map { index, piece -> StreamStep in
                        let part = textPart(piece, signed: index == 0 && answer.reasoning != nil)
                        return .chunk([.data(response([part], finishing: finishesOnText && index == count - 1 ? answer : nil, exchange: exchange))])
                    }
                )
            )
        }
        if !answer.toolCalls.isEmpty {
            parts.append(AnySequence([.chunk([.data(response(callParts(answer), finishing: complete ? answer : nil, exchange: exchange))])]))
        }
        // Some chunk carries the finish unless the answer is an empty text.
        let finished = (answer.reply?.pieceCount ?? 0) > 0 || !answer.toolCalls.isEmpty
        return StreamPlan(
            steps: AnySequence(parts.joined()),
            end: { finished ? [] : [.data(response([textPart("", signed: false)], finishing: answer, exchange: exchange))] },
            failure: { [.data(["error": ["code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"]])] }
        )
    }

    func malformedChunk(exchange: Exchange) -> [StreamFrame] {
        [.data(response([textPart("malformed", signed: false)], finishing: nil, exchange: exchange))]
    }
}
