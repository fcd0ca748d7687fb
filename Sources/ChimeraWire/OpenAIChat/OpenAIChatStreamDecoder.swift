import ChimeraCore

/// Reads an OpenAI-compatible stream — data-only events, each a `chat.completion.chunk`, and an
/// optional `data: [DONE]` — into domain events.
///
/// - The first chunk's `id` and `model` open the stream as ``ChatStreamEvent/start(id:model:)``.
/// - `delta.content` → ``ChatStreamEvent/delta(_:)``; `delta.refusal` too, since the stream
///   events have no place for a refusal and its text is what the caller must see;
///   `delta.reasoning_content` (DeepSeek, Qwen) → ``ChatStreamEvent/reasoning(_:)``;
///   `delta.thinking_blocks` (LiteLLM-style gateways, and this binding's own encoder) → reasoning
///   text they add, ``ChatStreamEvent/reasoningSignature(_:)``,
///   ``ChatStreamEvent/redactedReasoning(_:)``.
/// - `delta.tool_calls[]`: the first appearance of an `index` with its name starts the call
///   (its id split from a signature Chimera folded in; a server that sends no id gets one made),
///   argument pieces follow as they come, and every open call ends with
///   ``ChatStreamEvent/toolCallEnd(index:)`` when the finish reason arrives or the stream ends.
/// - `finish_reason` → ``ChatStreamEvent/finish(_:stopSequence:)``; `usage` (the `choices: []`
///   chunk of `include_usage`, or any chunk that carries one) → ``ChatStreamEvent/usage(_:)``.
/// - Only the first choice (`index` 0) streams into the domain; validation refuses several
///   streamed choices for a caller of another family, and a same-family stream is relayed as
///   sent. Log probabilities, audio and the deprecated `function_call` deltas have no stream
///   event and are not carried.
///
/// `[DONE]` is optional because AIClient-2-API omits it after a chunk with a finish reason; a
/// stream is complete once either arrived, and truncated (an error) otherwise. A payload with a
/// non-null `error` is thrown as the error it describes.
struct OpenAIChatStreamDecoder: StreamDecoder {
    let provider: ProviderID
    private(set) var isComplete = false
    private var sawFinishReason = false
    private var started = false
    /// The calls started and not yet ended, by wire index, in the order they started.
    private var openCalls: [Int] = []
    /// Calls seen without a name yet: their id and the argument pieces so far.
    private var pendingCalls: [Int: (id: String?, arguments: String)] = [:]
    /// Every index seen, to tell a new call from a later piece of one.
    private var seenCalls: Set<Int> = []
    /// The index of each call id seen, for servers that leave `index` out.
    private var indexByID: [String: Int] = [:]
    /// The reasoning text streamed since the last signature, to recognise a thinking block that
    /// repeats it.
    private var reasoningSinceSignature = ""

    init(provider: ProviderID) {
        self.provider = provider
    }

    mutating func decode(_ event: SSEEvent) throws(ChimeraError) -> [ChatStreamEvent] {
        if isComplete { return [] }
        let bytes = Self.trimmed(event.data)
        if bytes.isEmpty { return [] }
        if bytes.elementsEqual("[DONE]".utf8) {
            isComplete = true
            return closeCalls()
        }
        let chunk: JSONField
        do {
            chunk = try JSONField.parse(bytes)
        } catch {
            throw error.malformed("stream event", provider: provider, body: bytes)
        }
        if let error = chunk["error"].value,
           let failure = UpstreamErrorReader.inBandError(error, raw: bytes, provider: provider, location: "in the stream") {
            throw failure
        }
        do {
            return try read(chunk)
        } catch {
            throw error.malformed("stream event", provider: provider, body: bytes)
        }
    }

    mutating func finish() throws(ChimeraError) -> [ChatStreamEvent] {
        guard isComplete || sawFinishReason else {
            throw ChimeraError.truncatedStream(provider: provider, missing: "no [DONE] and no finish_reason arrived")
        }
        return closeCalls()
    }

    /// The data without surrounding whitespace.
    static func trimmed(_ data: String) -> [UInt8] {
        var bytes = Array(data.utf8)
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        while let last = bytes.last, isSpace(last) { bytes.removeLast() }
        if let start = bytes.firstIndex(where: { !isSpace($0) }), start > 0 { bytes.removeFirst(start) }
        return bytes
    }

    private mutating func read(_ chunk: JSONField) throws(FieldError) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        if !started, let id = try chunk["id"].optionalString() {
            started = true
            events.append(.start(id: id, model: try chunk["model"].optionalString() ?? ""))
        }
        var first: JSONField?
        for choice in try chunk["choices"].optionalElements() {
            guard try (choice["index"].optionalInt() ?? 0) == 0 else { continue }
            first = choice
            break
        }
        if let choice = first {
            let delta = choice["delta"]
            if let text = try delta["reasoning_content"].optionalString(), !text.isEmpty {
                reasoningSinceSignature += text
                events.append(.reasoning(text))
            }
            for block in try delta["thinking_blocks"].optionalElements() {
                events += try thinkingBlock(block, alongsideText: delta["reasoning_content"].isPresent)
            }
            if let text = try delta["content"].optionalString(), !text.isEmpty { events.append(.delta(text)) }
            if let text = try delta["refusal"].optionalString(), !text.isEmpty { events.append(.delta(text)) }
            for call in try delta["tool_calls"].optionalElements() {
                events += try toolCall(call)
            }
            if let reason = try choice["finish_reason"].optionalString() {
                sawFinishReason = true
                events += closeCalls()
                events.append(.finish(OpenAIChatWire.finishReason(wire: reason)))
            }
        }
        if chunk["usage"].isPresent {
            events.append(.usage(try OpenAIChatWire.usage(chunk["usage"])))
        }
        return events
    }

    private mutating func thinkingBlock(_ block: JSONField, alongsideText: Bool) throws(FieldError) -> [ChatStreamEvent] {
        switch try block["type"].string() {
        case "redacted_thinking":
            return [.redactedReasoning(try block["data"].string())]
        case "thinking":
            var events: [ChatStreamEvent] = []
            // The block's text is new unless the same delta's `reasoning_content` carried it
            // (LiteLLM) or it repeats what was streamed since the last signature (this binding).
            if let text = try block["thinking"].optionalString(), !text.isEmpty, !alongsideText, text != reasoningSinceSignature {
                events.append(.reasoning(text))
            }
            if let signature = try block["signature"].optionalString(), !signature.isEmpty {
                reasoningSinceSignature = ""
                events.append(.reasoningSignature(signature))
            }
            return events
        case let other:
            throw block["type"].failure("\"\(other.prefix(64))\" is not a thinking block; accepted: thinking, redacted_thinking")
        }
    }

    private mutating func toolCall(_ call: JSONField) throws(FieldError) -> [ChatStreamEvent] {
        let id = try call["id"].optionalString().flatMap { $0.isEmpty ? nil : $0 }
        let function = call["function"]
        // Some servers leave `index` out; a new id then means a new call, else the last one.
        let index: Int
        if let given = try call["index"].optionalInt() {
            index = given
        } else if let id {
            index = indexByID[id] ?? ((seenCalls.max() ?? -1) + 1)
        } else {
            index = openCalls.last ?? pendingCalls.keys.max() ?? 0
        }
        if let id, indexByID[id] == nil { indexByID[id] = index }
        let arguments = try function["arguments"].optionalString() ?? ""
        if openCalls.contains(index) {
            return arguments.isEmpty ? [] : [.toolCallArguments(index: index, fragment: arguments)]
        }
        if seenCalls.contains(index), pendingCalls[index] == nil {
            return []  // A piece of a call already ended.
        }
        seenCalls.insert(index)
        var pending = pendingCalls[index] ?? (id: nil, arguments: "")
        pending.id = pending.id ?? id
        pending.arguments += arguments
        guard let name = try function["name"].optionalString(), !name.isEmpty else {
            pendingCalls[index] = pending
            return []
        }
        pendingCalls[index] = nil
        return start(index: index, id: pending.id, name: name, arguments: pending.arguments)
    }

    private mutating func start(index: Int, id: String?, name: String, arguments: String) -> [ChatStreamEvent] {
        openCalls.append(index)
        let (callID, signature) = ToolCall.splitSignature(from: id ?? "call_\(index)")
        var events: [ChatStreamEvent] = [.toolCallStart(ToolCallStart(index: index, id: callID, name: name, signature: signature))]
        if !arguments.isEmpty { events.append(.toolCallArguments(index: index, fragment: arguments)) }
        return events
    }

    /// Ends every open call; a call whose name never came starts (nameless) so that its
    /// arguments are not lost.
    private mutating func closeCalls() -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        for (index, pending) in pendingCalls.sorted(by: { $0.key < $1.key }) {
            events += start(index: index, id: pending.id, name: "", arguments: pending.arguments)
        }
        pendingCalls = [:]
        events += openCalls.map { .toolCallEnd(index: $0) }
        openCalls = []
        return events
    }
}
