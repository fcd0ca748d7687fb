import ChimeraCore
import Foundation

/// Unary answers: a `message` object ↔ ``ChatResponse``.
///
/// | wire | domain |
/// |---|---|
/// | `id`, `model` | ``ChatResponse/id``, ``ChatResponse/model`` |
/// | `content[]` in order | parts: text, reasoning (`thinking`, `redacted_thinking`), tool calls (`tool_use`; the id's folded signature split off), other blocks opaque |
/// | `stop_reason`, `stop_sequence` | ``FinishReason`` (``AnthropicMessagesWire/finishReason(_:)``), ``ChatResponse/stopSequence`` |
/// | `usage` | ``Usage`` (``AnthropicMessagesUsage``); its other members → extension `usage` |
/// | anything else (`container`, `stop_details`, …) | the extension, as sent |
///
/// When the request asked for a JSON object through the forced tool
/// (``AnthropicMessagesStructuredOutput``), that tool's call becomes the answer's text and its
/// `tool_use` finish a `stop`.
enum AnthropicMessagesResponseCodec {
    /// Top-level members read into the domain (or constant: `type`, `role`).
    private static let readMembers: Set<String> = ["id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage"]

    /// Reads a 200 body.
    ///
    /// An empty `content` array is an answer with no parts (Anthropic answers so to
    /// `max_tokens: 0`, and sometimes after a tool result); a body without `content` is not an
    /// answer and fails.
    ///
    /// - Throws: ``ChimeraError``: the error a 200 body carried, or `decoding` naming the field.
    static func decode(_ body: [UInt8], for request: ChatRequest) throws(ChimeraError) -> ChatResponse {
        let provider = request.provider
        do {
            let root = try JSONField.parse(body)
            if root["type"].value?.string == "error" || root["error"].isPresent,
               let failure = UpstreamErrorReader.inBandError(root["error"].value ?? [:], raw: body, provider: provider, location: "in a 200 response") {
                throw failure
            }
            return try read(root, request: request)
        } catch let error as FieldError {
            throw error.malformed("response", provider: provider, body: body)
        } catch let error as ChimeraError {
            throw error
        } catch {
            throw ChimeraError(wrapping: error)
        }
    }

    private static func read(_ root: JSONField, request: ChatRequest) throws(FieldError) -> ChatResponse {
        guard root.value?.object != nil else { throw root.failure("expected a JSON object") }
        var parts = try root["content"].elements().map { (block) throws(FieldError) in try AnthropicMessagesBlocks.answerPart(block) }
        let wireStop = try root["stop_reason"].optionalString()
        var finish = wireStop.map(AnthropicMessagesWire.finishReason)
        var counts = AnthropicMessagesUsage()
        try counts.read(root["usage"])

        var extensions = JSONObject()
        for (key, field) in try root.members() where !readMembers.contains(key) { extensions[key] = field.value }
        if let usage = root["usage"].value?.object {
            let extras = JSONObject(usage.members.filter { !AnthropicMessagesUsage.countMembers.contains($0.key) }.map { ($0.key, $0.value) })
            if !extras.isEmpty { extensions["usage"] = .object(extras) }
        }

        if let name = AnthropicMessagesStructuredOutput(for: request).forcedToolName {
            (parts, finish) = structuredAnswer(parts, finish: finish, tool: name)
        } else if let wireStop, AnthropicMessagesWire.stopReason(finish, madeToolCalls: parts.contains(where: AnthropicMessagesWire.isToolCall)) != wireStop {
            // Kept so that the same family gets the upstream's own word back
            // (`model_context_window_exceeded`, `end_turn` after tool calls).
            extensions["stop_reason"] = .string(wireStop)
        }
        return ChatResponse(
            id: try root["id"].optionalString() ?? "msg_\(UUID().uuidString)",
            provider: request.provider,
            model: try root["model"].optionalString() ?? request.model,
            parts: parts,
            finishReason: finish,
            stopSequence: try root["stop_sequence"].optionalString(),
            usage: root["usage"].isPresent ? counts.usage : nil,
            extensions: extensions.isEmpty ? [:] : [.anthropicMessages: extensions]
        )
    }

    /// The answer to a forced-tool JSON request: the tool's call as text, and a `tool_use`
    /// finish as `stop` when no other call remains.
    static func structuredAnswer(_ parts: [ContentPart], finish: FinishReason?, tool name: String) -> ([ContentPart], FinishReason?) {
        let answer = parts.map { part -> ContentPart in
            if case .toolCall(let call) = part, call.name == name { return .text(call.arguments) }
            return part
        }
        let callsLeft = answer.contains(where: AnthropicMessagesWire.isToolCall)
        return (answer, finish == .toolCalls && !callsLeft ? .stop : finish)
    }

    /// The `message` object of an answer, from any family.
    ///
    /// Parts an Anthropic answer cannot hold are left out (``AnthropicMessagesBlocks/answerBlock(_:)``);
    /// the stop reason is `tool_use` whenever the answer holds tool calls and ended naturally.
    static func encode(_ response: ChatResponse, for request: ChatRequest) -> [UInt8] {
        let extensions = response.extensions[.anthropicMessages] ?? [:]
        var object: JSONObject = [
            "id": .string(response.id),
            "type": "message",
            "role": "assistant",
            "model": .string(response.model),
            "content": .array(response.parts.compactMap(AnthropicMessagesBlocks.answerBlock)),
            "stop_reason": .string(AnthropicMessagesWire.stopReason(
                response.finishReason, madeToolCalls: !response.toolCalls.isEmpty, original: extensions["stop_reason"]?.string
            )),
            "stop_sequence": .nullable(response.stopSequence),
            "usage": AnthropicMessagesUsage.json(response.usage, extras: extensions["usage"]?.object),
        ]
        for member in extensions where object[member.key] == nil && member.key != "stop_reason" { object[member.key] = member.value }
        return JSONValue.object(object).serializedBytes()
    }
}
