import ChimeraCore
import Foundation

/// Reads Anthropic's typed stream events into domain events.
///
/// | event | domain events |
/// |---|---|
/// | `message_start` | ``ChatStreamEvent/start(id:model:)`` (its input counts are kept for the usage) |
/// | `content_block_start` text / thinking / redacted_thinking / tool_use | any text it carries; ``ChatStreamEvent/redactedReasoning(_:)``; ``ChatStreamEvent/toolCallStart(_:)`` with the call's index among the answer's tool calls (not the block index) and the id's folded signature split off |
/// | `content_block_delta` text / thinking / signature / input_json | ``ChatStreamEvent/delta(_:)``, ``ChatStreamEvent/reasoning(_:)``, ``ChatStreamEvent/reasoningSignature(_:)``, ``ChatStreamEvent/toolCallArguments(index:fragment:)`` |
/// | `content_block_stop` of a tool call | ``ChatStreamEvent/toolCallEnd(index:)`` |
/// | `message_delta` | ``ChatStreamEvent/finish(_:stopSequence:)``, then ``ChatStreamEvent/usage(_:)`` (cumulative, with the start's input counts) |
/// | `message_stop` | completes the stream; anything after it (AIClient-2-API may append its own `message_stop`) is ignored |
/// | `error` | thrown as the error it stands for |
/// | `ping`, `citations_delta`, unknown events | nothing |
///
/// Dispatch is on the JSON `type`, since some proxies leave out the `event:` line. Blocks of
/// server tools (`server_tool_use`, `web_search_tool_result`, …) are skipped: a stream has no
/// domain event for an opaque part (a same-family stream is relayed as sent instead). A stream
/// that ends without `message_stop` is complete if a `stop_reason` arrived and no tool call is
/// still open; otherwise it is truncated, an error. For a forced-tool JSON request
/// (``AnthropicMessagesStructuredOutput``) that tool's input pieces are the answer's text and
/// its `tool_use` finish a `stop`.
struct AnthropicMessagesStreamDecoder: StreamDecoder {
    private enum Block {
        case text, thinking, structured, skipped
        case tool(index: Int)
    }

    let provider: ProviderID
    /// The forced JSON tool's name, when the request asked for a JSON object.
    let structuredTool: String?
    private(set) var isComplete = false
    private var sawStopReason = false
    private var counts = AnthropicMessagesUsage()
    private var blocks: [Int: Block] = [:]
    /// The block indices of tool calls started and not yet stopped.
    private var openToolBlocks: Set<Int> = []
    private var toolCallCount = 0

    init(request: ChatRequest) {
        provider = request.provider
        structuredTool = AnthropicMessagesStructuredOutput(for: request).forcedToolName
    }

    mutating func decode(_ event: SSEEvent) throws(ChimeraError) -> [ChatStreamEvent] {
        if isComplete { return [] }
        let data = Array(event.data.utf8)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [] }
        do {
            return try read(JSONField.parse(data), name: event.event, raw: data)
        } catch let error as FieldError {
            throw ChimeraError.malformed("stream event", detail: error.message, provider: provider, body: Data(data))
        } catch let error as ChimeraError {
            throw error
        } catch {
            throw ChimeraError(wrapping: error)
        }
    }

    private mutating func read(_ payload: JSONField, name: String?, raw: [UInt8]) throws -> [ChatStreamEvent] {
        let type = payload["type"].value?.string ?? name
        if type == "error" || payload["error"].isPresent,
           let failure = UpstreamErrorReader.inBandError(payload["error"].value ?? [:], raw: raw, provider: provider, location: "in the stream") {
            throw failure
        }
        switch type {
        case "message_start":
            try counts.read(payload["message"]["usage"])
            let message = payload["message"]
            return [.start(id: try message["id"].optionalString() ?? "", model: try message["model"].optionalString() ?? "")]
        case "content_block_start":
            return try blockStart(payload["content_block"], at: try payload["index"].int())
        case "content_block_delta":
            return try blockDelta(payload["delta"], at: try payload["index"].int())
        case "content_block_stop":
            let index = try payload["index"].int()
            guard case .tool(let call)? = blocks[index], openToolBlocks.remove(index) != nil else { return [] }
            return [.toolCallEnd(index: call)]
        case "message_delta":
            return try messageDelta(payload)
        case "message_stop":
            isComplete = true
            return []
        default:
            return []
        }
    }

    private mutating func blockStart(_ block: JSONField, at index: Int) throws(FieldError) -> [ChatStreamEvent] {
        switch try block["type"].string() {
        case "text":
            blocks[index] = .text
            return Self.nonEmpty(try block["text"].optionalString(), ChatStreamEvent.delta)
        case "thinking":
            blocks[index] = .thinking
            return Self.nonEmpty(try block["thinking"].optionalString(), ChatStreamEvent.reasoning)
                + Self.nonEmpty(try block["signature"].optionalString(), ChatStreamEvent.reasoningSignature)
        case "redacted_thinking":
            blocks[index] = .skipped
            return [.redactedReasoning(try block["data"].string())]
        case "tool_use":
            let name = try block["name"].string()
            // Real servers start with `input: {}`; a converter may put the whole input here.
            let input = try block["input"].optionalObject().flatMap { $0.isEmpty ? nil : JSONValue.object($0).serialized() }
            if name == structuredTool {
                blocks[index] = .structured
                return Self.nonEmpty(input, ChatStreamEvent.delta)
            }
            let call = toolCallCount
            toolCallCount += 1
            blocks[index] = .tool(index: call)
            openToolBlocks.insert(index)
            let (id, signature) = ToolCall.splitSignature(from: try block["id"].string())
            return [.toolCallStart(ToolCallStart(index: call, id: id, name: name, signature: signature))]
                + Self.nonEmpty(input) { .toolCallArguments(index: call, fragment: $0) }
        default:
            blocks[index] = .skipped
            return []
        }
    }

    private func blockDelta(_ delta: JSONField, at index: Int) throws(FieldError) -> [ChatStreamEvent] {
        switch try delta["type"].string() {
        case "text_delta":
            return Self.nonEmpty(try delta["text"].string(), ChatStreamEvent.delta)
        case "thinking_delta":
            return Self.nonEmpty(try delta["thinking"].string(), ChatStreamEvent.reasoning)
        case "signature_delta":
            return Self.nonEmpty(try delta["signature"].string(), ChatStreamEvent.reasoningSignature)
        case "input_json_delta":
            let fragment = try delta["partial_json"].string()
            switch blocks[index] {
            case .tool(let call)?: return Self.nonEmpty(fragment) { .toolCallArguments(index: call, fragment: $0) }
            case .structured?: return Self.nonEmpty(fragment, ChatStreamEvent.delta)
            default: return []
            }
        default:
            // citations_delta, and deltas of types added later.
            return []
        }
    }

    private mutating func messageDelta(_ payload: JSONField) throws(FieldError) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        if let stop = try payload["delta"]["stop_reason"].optionalString() {
            sawStopReason = true
            var reason = AnthropicMessagesWire.finishReason(stop)
            if structuredTool != nil, reason == .toolCalls, toolCallCount == 0 { reason = .stop }
            events.append(.finish(reason, stopSequence: try payload["delta"]["stop_sequence"].optionalString()))
        }
        if payload["usage"].isPresent {
            try counts.read(payload["usage"])
            events.append(.usage(counts.usage))
        }
        return events
    }

    mutating func finish() throws(ChimeraError) -> [ChatStreamEvent] {
        guard isComplete || (sawStopReason && openToolBlocks.isEmpty) else {
            let missing = openToolBlocks.isEmpty
                ? "no message_stop and no stop_reason arrived"
                : "a tool call's input was cut off (no content_block_stop, no message_stop)"
            throw ChimeraError.truncatedStream(provider: provider, missing: missing)
        }
        return []
    }

    private static func nonEmpty(_ text: String?, _ event: (String) -> ChatStreamEvent) -> [ChatStreamEvent] {
        guard let text, !text.isEmpty else { return [] }
        return [event(text)]
    }
}
