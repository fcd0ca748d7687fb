import ChimeraCore

/// Writes a ``ChatResponse`` from any family as a `chat.completion` body.
///
/// | domain | wire |
/// |---|---|
/// | text parts | `message.content` (joined; `null` when the answer only calls tools or refuses) |
/// | tool calls | `message.tool_calls`, ids carrying Gemini signatures (``ToolCall/idCarryingSignature``) |
/// | reasoning | `message.reasoning_content` (the text) and, when a block is signed or redacted, `message.thinking_blocks` so that an OpenAI-format client can send Anthropic's or Gemini's thinking back |
/// | ``FinishReason`` | `finish_reason`: ``FinishReason/toolCalls`` and a natural end with tool calls → `tool_calls`, ``FinishReason/stopSequence`` → `stop`; a legacy `function_call` answer keeps `function_call` |
/// | ``ChatResponse/additionalChoices`` | `choices[1…]` |
/// | ``Usage`` | `usage` with `prompt_tokens_details` / `completion_tokens_details` |
/// | `extensions[.openAIChat]` | back where ``OpenAIChatResponseDecoder`` found them (`choice`, `additional_choices`, `usage`, the rest top-level) |
///
/// Parts the format has no place for in an answer (images, other families' opaque parts) are
/// left out: an answer cannot be refused once the provider has produced it.
struct OpenAIChatResponseEncoder {
    func encode(_ response: ChatResponse) -> [UInt8] {
        let extensions = response.extensions[.openAIChat] ?? [:]
        var choices: [JSONValue] = [
            .object(Self.choice(index: 0, parts: response.parts, finishReason: response.finishReason, provider: response.provider, extras: extensions[OpenAIChatResponseDecoder.choiceKey]?.object)),
        ]
        let additionalExtras = extensions[OpenAIChatResponseDecoder.additionalChoicesKey]?.array ?? []
        for (offset, choice) in response.additionalChoices.enumerated() {
            let extras = offset < additionalExtras.count ? additionalExtras[offset].object : nil
            choices.append(.object(Self.choice(index: offset + 1, parts: choice.parts, finishReason: choice.finishReason, provider: response.provider, extras: extras)))
        }
        var body: JSONObject = [
            "id": .string(response.id),
            "object": "chat.completion",
            "created": extensions["created"] ?? .int(OpenAIChatWire.now()),
            "model": .string(response.model),
            "choices": .array(choices),
        ]
        if let usage = response.usage {
            body["usage"] = OpenAIChatWire.usage(usage, extras: extensions[OpenAIChatResponseDecoder.usageKey]?.object)
        }
        let special: Set = [OpenAIChatResponseDecoder.choiceKey, OpenAIChatResponseDecoder.additionalChoicesKey, OpenAIChatResponseDecoder.usageKey]
        for member in extensions where body[member.key] == nil && !special.contains(member.key) {
            body[member.key] = member.value
        }
        return JSONValue.object(body).serializedBytes()
    }

    private static func choice(index: Int, parts: [ContentPart], finishReason: FinishReason?, provider: ProviderID, extras: JSONObject?) -> JSONObject {
        // What cannot be written is left out (see the type's discussion).
        var (message, _) = OpenAIChatPartWriter.assistantMessage(parts, name: nil, provider: provider, reasoning: .textAndBlocks)
        if message["refusal"] == nil { message["refusal"] = .null }
        let hasToolCalls = message["tool_calls"] != nil
        let reason: String
        if let finishReason {
            reason = finishReason == .toolCalls && !hasToolCalls && message["function_call"] != nil
                ? "function_call"
                : OpenAIChatWire.wire(finishReason: finishReason, hasToolCalls: hasToolCalls)
        } else {
            reason = hasToolCalls ? "tool_calls" : "stop"
        }
        var choice: JSONObject = [
            "index": .int(index),
            "message": .object(message),
            "logprobs": nil,
            "finish_reason": .string(reason),
        ]
        if let extras { choice = OpenAIChatWire.merging(extras, into: choice) }
        return choice
    }
}
