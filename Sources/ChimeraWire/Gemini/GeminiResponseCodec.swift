import ChimeraCore
import Foundation

/// Reads and writes unary `GenerateContentResponse` bodies.
///
/// | Gemini | domain |
/// |---|---|
/// | `candidates[0].content.parts` / `candidates[1…]` | ``ChatResponse/parts`` (by ``GeminiPartReader``) / ``ChatResponse/additionalChoices`` |
/// | `finishReason` | ``finishReason(wire:hasToolCalls:)`` |
/// | `usageMetadata` | ``usage(_:)`` |
/// | `responseId` / `modelVersion` | ``ChatResponse/id`` (one is made when absent) / ``ChatResponse/model`` (the request's when absent) |
/// | other members (`promptFeedback`, `modelStatus`, …) | `extensions[.geminiGenerateContent]`, as sent; a candidate's other members (`safetyRatings`, `citationMetadata`, `groundingMetadata`, `logprobsResult`, `finishMessage`, …) under `candidates` (one object per candidate), usage details under `usageMetadata` |
///
/// A prompt Gemini blocked (`promptFeedback.blockReason`, no candidate) is an error of kind
/// `invalidRequest` (HTTP 400, not retryable) naming the reason: the prompt itself was refused,
/// so there is no answer to give and sending it again will not help. Any other answer without a
/// candidate is a `decoding` error (502). A candidate with no parts (Gemini sends
/// `"content": {"role": "model"}` when thinking used up `maxOutputTokens`) is an answer with
/// no parts.
enum GeminiResponseCodec {
    static func decode(_ body: [UInt8], for request: ChatRequest) throws(ChimeraError) -> ChatResponse {
        let provider = request.provider
        let root = try GeminiWire.payload(body, what: "response", location: "in a 200 response", provider: provider)
        let answer: Answer
        do {
            answer = try Answer(root)
        } catch {
            throw error.malformed("response", provider: provider, body: body)
        }
        guard let primary = answer.candidates.first else {
            if let blocked = blockedPrompt(root.value?["promptFeedback"], body: body, provider: provider) { throw blocked }
            throw ChimeraError.malformed("response", detail: "candidates: the answer has no candidate", provider: provider, body: Data(body))
        }
        var extensions = answer.extensions
        let candidateExtras = answer.candidates.map { JSONValue.object($0.extras) }
        if answer.candidates.contains(where: { !$0.extras.isEmpty }) { extensions["candidates"] = .array(candidateExtras) }
        return ChatResponse(
            id: answer.id ?? "gemini-\(UUID().uuidString)",
            provider: provider,
            model: answer.model ?? request.model,
            parts: primary.parts,
            finishReason: primary.finishReason,
            usage: answer.usage,
            additionalChoices: answer.candidates.dropFirst().map { ChatChoice(parts: $0.parts, finishReason: $0.finishReason) },
            extensions: extensions.isEmpty ? [:] : [GeminiWire.family: extensions]
        )
    }

    /// The error for a prompt Gemini refused, or `nil` when `feedback` names no block.
    static func blockedPrompt(_ feedback: JSONValue?, body: [UInt8], provider: ProviderID) -> ChimeraError? {
        guard let reason = feedback?["blockReason"]?.string else { return nil }
        return ChimeraError(
            kind: .invalidRequest,
            message: "Gemini blocked the prompt (promptFeedback.blockReason \(reason.prefix(64))) and generated no answer",
            provider: provider,
            status: 400,
            upstreamMessage: feedback?["blockReasonMessage"]?.string,
            body: String(decoding: body, as: UTF8.self),
            hint: "change the prompt, or the request's safetySettings"
        )
    }

    /// One `GenerateContentResponse` (a unary answer or a stream chunk), read.
    struct Answer {
        var candidates: [Candidate] = []
        var usage: Usage?
        var id: String?
        var model: String?
        /// The members with no place in the domain, as sent (usage details under `usageMetadata`).
        var extensions = JSONObject()

        /// One candidate.
        struct Candidate {
            var parts: [ContentPart] = []
            var finishReason: FinishReason?
            /// The members with no place in the domain.
            var extras = JSONObject()
        }

        init(_ root: JSONField) throws(FieldError) {
            var reader = GeminiPartReader(idStyle: .answer)
            try self.init(root, reader: &reader)
        }

        /// Reads with `reader`, so that tool-call indices count across a stream's chunks.
        ///
        /// - Parameter isChunk: Whether this is a stream chunk, whose candidates may carry
        ///   neither content nor a finish reason (only safety ratings, say).
        init(_ root: JSONField, reader: inout GeminiPartReader, isChunk: Bool = false) throws(FieldError) {
            for member in try GeminiMembers(root).ordered {
                switch member.key {
                case "candidates":
                    for element in try member.field.optionalElements() {
                        candidates.append(try Self.candidate(element, reader: &reader, isChunk: isChunk))
                    }
                case "usageMetadata" where member.field.isPresent:
                    let (usage, details) = try GeminiResponseCodec.usage(member.field)
                    self.usage = usage
                    if !details.isEmpty { extensions["usageMetadata"] = .object(details) }
                case "responseId":
                    id = try member.field.optionalString()
                case "modelVersion":
                    model = try member.field.optionalString()
                default:
                    extensions[member.original] = member.field.value
                }
            }
        }

        private static func candidate(_ field: JSONField, reader: inout GeminiPartReader, isChunk: Bool) throws(FieldError) -> Candidate {
            var candidate = Candidate()
            var wireReason: String?
            var sawContent = false
            for member in try GeminiMembers(field).ordered {
                switch member.key {
                case "content" where member.field.isPresent:
                    sawContent = true
                    let content = try GeminiMembers(member.field)
                    candidate.parts = try reader.read(parts: content["parts"].isPresent ? content["parts"] : JSONField(root: .array([])))
                case "finishReason":
                    wireReason = try member.field.optionalString()
                case "index":
                    continue  // written back from the candidate's position
                default:
                    candidate.extras[member.original] = member.field.value
                }
            }
            guard sawContent || wireReason != nil || isChunk else {
                throw field.failure("a candidate needs content or a finishReason")
            }
            if let wireReason {
                let hasToolCalls = candidate.parts.contains { if case .toolCall = $0 { true } else { false } }
                let reason = GeminiResponseCodec.finishReason(wire: wireReason, hasToolCalls: hasToolCalls)
                candidate.finishReason = reason
                // Several Gemini reasons read as one domain reason; keep the exact one for a Gemini caller.
                if GeminiResponseCodec.wire(finishReason: reason) != wireReason { candidate.extras["finishReason"] = .string(wireReason) }
            }
            return candidate
        }
    }

    // MARK: Finish reasons

    /// `STOP` → stop (tool calls when the candidate called a function: Gemini has no reason of
    /// its own for it), `MAX_TOKENS` → length, `SAFETY`, `RECITATION`, `BLOCKLIST`,
    /// `PROHIBITED_CONTENT`, `SPII` and `IMAGE_*` → content filter, anything else kept as unknown.
    static func finishReason(wire: String, hasToolCalls: Bool) -> FinishReason {
        switch wire {
        case "STOP": hasToolCalls ? .toolCalls : .stop
        case "MAX_TOKENS": .length
        case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII": .contentFilter
        case let other where other.hasPrefix("IMAGE_"): .contentFilter
        default: .unknown(wire)
        }
    }

    /// The Gemini reason for a domain reason: stop, stop sequence and tool calls → `STOP`,
    /// length → `MAX_TOKENS`, content filter → `SAFETY`; an unknown Gemini-style reason
    /// (`MALFORMED_FUNCTION_CALL`) as it is, another family's (`pause_turn`) → `OTHER`.
    static func wire(finishReason: FinishReason) -> String {
        switch finishReason {
        case .stop, .stopSequence, .toolCalls: "STOP"
        case .length: "MAX_TOKENS"
        case .contentFilter: "SAFETY"
        case .unknown(let value):
            value.allSatisfy({ $0.isUppercase || $0 == "_" || $0.isNumber }) && !value.isEmpty ? value : "OTHER"
        }
    }

    // MARK: Usage

    /// `promptTokenCount` (cached tokens included) + `toolUsePromptTokenCount` → input,
    /// `candidatesTokenCount` + `thoughtsTokenCount` → output, `thoughtsTokenCount` → reasoning,
    /// `cachedContentTokenCount` → cached input, `totalTokenCount` → total; the other members
    /// (the per-modality details, `trafficType`) and `toolUsePromptTokenCount` are returned as
    /// details, so that ``usageMetadata(_:details:)`` writes the same counts back.
    static func usage(_ field: JSONField) throws(FieldError) -> (Usage, JSONObject) {
        var counts: [String: Int] = [:]
        var details = JSONObject()
        for member in try GeminiMembers(field).ordered {
            switch member.key {
            case "promptTokenCount", "cachedContentTokenCount", "candidatesTokenCount", "thoughtsTokenCount", "totalTokenCount":
                counts[member.key] = try member.field.optionalInt()
            case "toolUsePromptTokenCount":
                counts[member.key] = try member.field.optionalInt()
                details[member.key] = member.field.value
            default:
                details[member.original] = member.field.value
            }
        }
        var usage = Usage.wire(
            input: [counts["promptTokenCount"] ?? 0, counts["toolUsePromptTokenCount"] ?? 0],
            output: [counts["candidatesTokenCount"] ?? 0, counts["thoughtsTokenCount"] ?? 0],
            total: counts["totalTokenCount"]
        )
        usage.cachedInputTokens = counts["cachedContentTokenCount"]
        usage.reasoningTokens = counts["thoughtsTokenCount"]
        return (usage, details)
    }

    /// `usageMetadata` for domain counts (the inverse of ``usage(_:)``).
    static func usageMetadata(_ usage: Usage, details: JSONObject? = nil) -> JSONValue {
        let toolUse = details?["toolUsePromptTokenCount"]?.int ?? 0
        var metadata: JSONObject = [
            "promptTokenCount": .int(max(0, usage.inputTokens - toolUse)),
            "candidatesTokenCount": .int(max(0, usage.outputTokens - (usage.reasoningTokens ?? 0))),
            "totalTokenCount": .int(usage.totalTokens),
        ]
        if let cached = usage.cachedInputTokens { metadata["cachedContentTokenCount"] = .int(cached) }
        if let reasoning = usage.reasoningTokens { metadata["thoughtsTokenCount"] = .int(reasoning) }
        if let details { GeminiWire.merge(details, into: &metadata) }
        return .object(metadata)
    }

    // MARK: Writing

    static func encode(_ response: ChatResponse, for request: ChatRequest) -> [UInt8] {
        var extensions = response.extensions[GeminiWire.family] ?? JSONObject()
        let candidateExtras = extensions["candidates"]?.array ?? []
        let choices = [(response.parts, response.finishReason)] + response.additionalChoices.map { ($0.parts, $0.finishReason) }
        var candidates: [JSONValue] = []
        for (index, choice) in choices.enumerated() {
            let extras = index < candidateExtras.count ? candidateExtras[index].object : nil
            candidates.append(.object(candidate(parts: choice.0, finishReason: choice.1, index: index, extras: extras)))
        }
        var body: JSONObject = ["candidates": .array(candidates)]
        if let usage = response.usage {
            body["usageMetadata"] = usageMetadata(usage, details: extensions["usageMetadata"]?.object)
        }
        body["modelVersion"] = .string(response.model)
        body["responseId"] = .string(response.id)
        extensions["candidates"] = nil
        extensions["usageMetadata"] = nil
        GeminiWire.merge(extensions, into: &body)
        return JSONValue.object(body).serializedBytes()
    }

    /// One candidate. A tool call whose arguments are not a JSON object cannot be a
    /// `functionCall`; the candidate then ends as Gemini ends one whose call the model botched,
    /// `MALFORMED_FUNCTION_CALL` with a `finishMessage`, rather than with made-up arguments. Parts
    /// of another family (an Anthropic `server_tool_use`) have no Gemini form and are left out.
    static func candidate(parts: [ContentPart], finishReason: FinishReason?, index: Int, extras: JSONObject?) -> JSONObject {
        let writer = GeminiPartWriter.write(parts)
        var content = JSONObject()
        if !writer.parts.isEmpty { content["parts"] = .array(writer.parts) }
        content["role"] = "model"
        var candidate: JSONObject = ["content": .object(content)]
        var extras = extras ?? JSONObject()
        let kept = extras["finishReason"]?.string
        extras["finishReason"] = nil
        if let malformed = writer.failures.compactMap(\.malformedCall).first {
            candidate["finishReason"] = "MALFORMED_FUNCTION_CALL"
            candidate["finishMessage"] = .string("Malformed function call: the arguments of \(malformed.name.prefix(64)) are not a JSON object")
        } else if let finishReason {
            if let kept, Self.finishReason(wire: kept, hasToolCalls: false) == finishReason {
                candidate["finishReason"] = .string(kept)
            } else {
                candidate["finishReason"] = .string(wire(finishReason: finishReason))
            }
        }
        candidate["index"] = .int(index)
        GeminiWire.merge(extras, into: &candidate)
        return candidate
    }
}
