import ChimeraCore
import Foundation

/// Reads a `chat.completion` answer into a ``ChatResponse``.
///
/// | wire | domain |
/// |---|---|
/// | `id`, `model` | ``ChatResponse/id`` (one is made when missing), ``ChatResponse/model`` |
/// | `choices[]` with `index` 0 (else the first) | ``ChatResponse/parts``, ``ChatResponse/finishReason`` |
/// | the other choices, by `index` | ``ChatResponse/additionalChoices`` |
/// | `message.reasoning_content` (DeepSeek, Qwen), `message.thinking_blocks` (LiteLLM-style gateways) | reasoning parts, first |
/// | `message.content`, `message.tool_calls` | text, then tool calls |
/// | `message.refusal`, `annotations`, `audio`, `function_call`, unknown members | opaque message members (``OpenAIChatOpaque``) |
/// | `finish_reason` | ``FinishReason`` (see ``OpenAIChatWire/finishReason(wire:)``) |
/// | `usage` | ``Usage`` with cached (`cached_tokens`, DeepSeek `prompt_cache_hit_tokens`), cache-write and reasoning tokens |
///
/// What has no domain field goes to `extensions[.openAIChat]`, so that an OpenAI-family caller
/// gets it back (``OpenAIChatResponseEncoder`` reads the same keys): every unknown top-level
/// member as sent (`created`, `system_fingerprint`, `service_tier`, …); under `choice`, the
/// members of the first choice other than `index`, `message` and `finish_reason` (`logprobs`);
/// under `additional_choices`, the same for each other choice, in order; under `usage`, the
/// answer's whole `usage` object (audio tokens, `prompt_cache_miss_tokens`, …).
struct OpenAIChatResponseDecoder {
    let provider: ProviderID

    /// The extension keys that are not top-level members.
    static let choiceKey = "choice"
    static let additionalChoicesKey = "additional_choices"
    static let usageKey = "usage"

    func decode(_ body: [UInt8], for request: ChatRequest) throws(ChimeraError) -> ChatResponse {
        let root: JSONField
        do {
            root = try JSONField.parse(body)
        } catch {
            throw error.malformed("response", provider: provider, body: body)
        }
        if let error = root["error"].value,
           let failure = UpstreamErrorReader.inBandError(error, raw: body, provider: provider, location: "in a 200 response") {
            throw failure
        }
        do {
            return try read(root, for: request)
        } catch {
            throw error.malformed("response", provider: provider, body: body)
        }
    }

    /// Checks an answer relayed as sent: an `error` member is the upstream's error, `choices`
    /// must be a non-empty array (its contents are not read) and `usage` is read.
    func check(_ body: [UInt8]) throws(ChimeraError) -> Usage? {
        let skimmed: (kept: JSONObject, ranges: [String: Range<Int>])
        do throws(JSONParseError) {
            skimmed = try body.withUnsafeBytes { bytes in
                Result { () throws(JSONParseError) in try JSONParser.skim(bytes, keeping: ["error", "usage"]) }
            }.get()
        } catch {
            throw FieldError("body: \(error.description)").malformed("response", provider: provider, body: body)
        }
        let root = JSONField(root: .object(skimmed.kept))
        if let error = root["error"].value,
           let failure = UpstreamErrorReader.inBandError(error, raw: body, provider: provider, location: "in a 200 response") {
            throw failure
        }
        do throws(FieldError) {
            guard let choices = skimmed.ranges["choices"], Self.isNonEmptyArray(body[choices]) else {
                throw root["choices"].failure("the answer has no choice")
            }
            let usage = root["usage"]
            return usage.isPresent ? try OpenAIChatWire.usage(usage) : nil
        } catch {
            throw error.malformed("response", provider: provider, body: body)
        }
    }

    /// Whether the bytes of a JSON value (as ``JSONParser/skim(_:keeping:)`` checked them) are an
    /// array with an element.
    private static func isNonEmptyArray(_ value: ArraySlice<UInt8>) -> Bool {
        guard value.first == UInt8(ascii: "[") else { return false }
        return value.dropFirst().first { ![0x20, 0x0A, 0x0D, 0x09].contains($0) } != UInt8(ascii: "]")
    }

    private func read(_ root: JSONField, for request: ChatRequest) throws(FieldError) -> ChatResponse {
        var choices: [(index: Int, field: JSONField)] = []
        for (position, choice) in try root["choices"].elements().enumerated() {
            choices.append((try choice["index"].optionalInt() ?? position, choice))
        }
        guard !choices.isEmpty else { throw root["choices"].failure("the answer has no choice") }
        choices.sort { $0.index < $1.index }

        var extensions = JSONObject()
        for (key, field) in try root.members() where !["id", "object", "model", "choices", "usage"].contains(key) {
            if let value = field.value { extensions[key] = value }
        }
        let first = try choice(choices[0].field)
        if !first.extras.isEmpty { extensions[Self.choiceKey] = .object(first.extras) }
        var additional: [ChatChoice] = []
        var additionalExtras: [JSONValue] = []
        for other in choices.dropFirst() {
            let read = try choice(other.field)
            additional.append(ChatChoice(parts: read.parts, finishReason: read.finishReason))
            additionalExtras.append(.object(read.extras))
        }
        if additionalExtras.contains(where: { $0 != [:] }) { extensions[Self.additionalChoicesKey] = .array(additionalExtras) }
        let usageField = root["usage"]
        if let usage = usageField.value?.object { extensions[Self.usageKey] = .object(usage) }

        return ChatResponse(
            id: try root["id"].optionalString() ?? "chatcmpl-\(UUID().uuidString)",
            provider: provider,
            model: try root["model"].optionalString() ?? request.model,
            parts: first.parts,
            finishReason: first.finishReason,
            usage: usageField.isPresent ? try OpenAIChatWire.usage(usageField) : nil,
            additionalChoices: additional,
            extensions: extensions.isEmpty ? [:] : [.openAIChat: extensions]
        )
    }

    private func choice(_ field: JSONField) throws(FieldError) -> (parts: [ContentPart], finishReason: FinishReason?, extras: JSONObject) {
        let message = field["message"]
        _ = try message.object()
        var extras = JSONObject()
        for (key, member) in try field.members() where !["index", "message", "finish_reason"].contains(key) {
            if let value = member.value { extras[key] = value }
        }
        return (
            try OpenAIChatPartReader.assistantParts(message, known: ["role"], keepsEmptyAnnotations: true),
            try field["finish_reason"].optionalString().map(OpenAIChatWire.finishReason(wire:)),
            extras
        )
    }
}
