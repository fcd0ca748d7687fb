import ChimeraCore
import ChimeraWire
import Foundation

/// SplitMix64: a seeded generator, so that a random test that fails fails the same way again.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }

    /// `bytes` with one to four random edits: a changed byte, a cut, an inserted byte or a
    /// repeated slice. Near-valid inputs reach deeper into a decoder than pure noise.
    mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        for _ in 0..<Int.random(in: 1...4, using: &self) {
            let index = result.isEmpty ? 0 : Int.random(in: 0..<result.count, using: &self)
            switch Int.random(in: 0..<4, using: &self) {
            case 0 where !result.isEmpty: result[index] = UInt8.random(in: .min ... .max, using: &self)
            case 1: result.removeSubrange(index...)
            case 2: result.insert(UInt8.random(in: .min ... .max, using: &self), at: index)
            default: result.insert(contentsOf: result[index...].prefix(8), at: index)
            }
        }
        return result
    }

    /// Cuts `bytes` into chunks of random sizes, empty chunks included.
    mutating func chunks(of bytes: [UInt8], maxChunk: Int) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            let size = Int.random(in: 0...maxChunk, using: &self)
            let end = min(index + size, bytes.count)
            chunks.append(Array(bytes[index..<end]))
            index = end
        }
        return chunks
    }
}

/// Values that exercise the protobuf mapping: every field set, Unicode, empty and large texts.
enum ProtobufSamples {
    static let unicode = "Grüße, 世界! 👩🏽‍💻 עברית e\u{301} \u{0} \u{FEFF}"
    static let largeText = String(repeating: "Große Antwort ✓ ", count: 70_000)

    static let fullError = ChimeraError(
        kind: .rateLimited, message: "OpenAI answered HTTP 429", provider: .openai, status: 429,
        upstreamMessage: "Rate limit reached for gpt-4.1 — réessayez", body: #"{"error":{"message":"Rate limit reached"}}"#,
        isRetryable: true, retryAfter: .milliseconds(1500), hint: "lower the request rate or raise the limit"
    )

    /// The stream events of one answer: every kind of event, every finish reason the domain
    /// knows and an unknown one.
    static let streamEvents: [ChatStreamEvent] = [
        .start(id: "msg_01", model: "claude-sonnet-4-5"),
        .reasoning("Let me think"), .reasoning(""), .reasoningSignature("EqQBCgIYAhIM"), .redactedReasoning("EmwKAhgBEgy3va"),
        .delta("Hel"), .delta(unicode), .delta(""),
        .toolCallStart(ToolCallStart(index: 0, id: "call_1", name: "get_weather")),
        .toolCallStart(ToolCallStart(index: 1, id: "call_2", name: "look", signature: "c2lnbmF0dXJl")),
        .toolCallArguments(index: 0, fragment: #"{"city":"#), .toolCallArguments(index: 1, fragment: ""),
        .toolCallArguments(index: 0, fragment: #""Paris"}"#), .toolCallEnd(index: 0), .toolCallEnd(index: 1),
        .usage(Usage(inputTokens: 12, outputTokens: 0)),
        .usage(Usage(inputTokens: 12, outputTokens: 40, cachedInputTokens: 0, cacheWriteTokens: 6, reasoningTokens: 30)),
        .finish(.stop), .finish(.stopSequence), .finish(.length), .finish(.toolCalls),
        .finish(.contentFilter), .finish(.unknown("recitation")),
        .finish(.stopSequence, stopSequence: "END"), .finish(.stopSequence, stopSequence: ""),
        .usage(Usage(inputTokens: 12, outputTokens: 34, totalTokens: 50)),
    ]

    /// The body of a successful `Stream` call that carries `events`.
    static func streamBody(_ events: [ChatStreamEvent] = streamEvents) throws -> [UInt8] {
        var body: [UInt8] = []
        for event in events {
            body += try ConnectEnvelope(event).encoded()
        }
        body += ConnectEnvelope.endStream().encoded()
        return body
    }

    /// Feeds `chunks` to a fresh decoder and returns what it produced, or the error it threw.
    static func decodeStream(_ chunks: [[UInt8]], provider: ProviderID? = nil) -> (events: [ChatStreamEvent], error: ChimeraError?) {
        var decoder = ProtobufStreamDecoder(provider: provider)
        var events: [ChatStreamEvent] = []
        do {
            for chunk in chunks {
                decoder.append(chunk)
                while let event = try decoder.next() { events.append(event) }
            }
            try decoder.finish()
            return (events, nil)
        } catch {
            return (events, error)
        }
    }
}

/// Random domain values that use every case and field, for the property tests of the protobuf
/// mapping. Requests are kept valid for their provider (``ChatRequest/validate()``), since the
/// proxy's reader validates what it reads.
extension SeededGenerator {
    mutating func chance(_ probability: Double = 0.5) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }

    mutating func pick<Value>(_ values: [Value]) -> Value {
        values[Int.random(in: 0..<values.count, using: &self)]
    }

    mutating func count(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    mutating func text() -> String {
        if chance(0.3) {
            let alphabet = Array("abcXYZ019 _-{}\":,\\\n\té世👩🏽‍💻")
            return String((0..<count(0...24)).map { _ in pick(alphabet) })
        }
        return pick(["", "a", "Paris", ProtobufSamples.unicode, "line\nbreak \"quoted\" \\ back\u{1}", String(repeating: "long ", count: 50)])
    }

    mutating func optionalText() -> String? { chance() ? text() : nil }

    /// Numbers whose JSON text is not what `Double` would write: a round trip through
    /// Foundation would change them, the mapping must not.
    static let numbers: [JSONValue] = {
        do {
            return try ["0", "-1", "42", "3.25", "-0.5", "1e400", "12345678901234567890123", "1E-7", "2.50"].map { text throws(JSONParseError) in
                try JSONValue(parsing: text)
            }
        } catch {
            preconditionFailure("the sample numbers are JSON: \(error)")
        }
    }()

    mutating func jsonValue(depth: Int = 0) -> JSONValue {
        switch count(0...(depth >= 3 ? 3 : 5)) {
        case 0: return .null
        case 1: return .bool(chance())
        case 2: return pick(Self.numbers)
        case 3: return .string(text())
        case 4:
            var elements: [JSONValue] = []
            for _ in 0..<count(0...3) { elements.append(jsonValue(depth: depth + 1)) }
            return .array(elements)
        default: return .object(jsonObject(depth: depth + 1))
        }
    }

    mutating func jsonObject(depth: Int = 0) -> JSONObject {
        var members: [(String, JSONValue)] = []
        for _ in 0..<count(0...4) {
            members.append((pick(["type", "properties", "required", "city", "ключ", "", "z", "a"]), jsonValue(depth: depth + 1)))
        }
        return JSONObject(members)
    }

    mutating func cacheControl() -> CacheControl? {
        chance(0.3) ? pick([CacheControl.ephemeral, CacheControl(type: "ephemeral", ttl: "1h"), CacheControl(type: "", ttl: "")]) : nil
    }

    mutating func media() -> Media {
        let source: Media.Source = switch count(0...5) {
        case 0: .base64(Data(bytes(count: count(0...64))).base64EncodedString())
        // Base64 that is not canonical must come back exactly as written.
        case 1: .base64(pick(["iVBORw0KGgo", "aGVsbG8=\n", "a-b_", "not base64 at all"]))
        case 2: .url(pick(["https://example.com/cat.png", "data:image/png;base64,iVBORw0KGgo=", "gs://bucket/doc.pdf", ""]))
        case 3: .file(id: pick(["file-abc123", ""]))
        default: .text(text())
        }
        return Media(
            source: source, mediaType: chance() ? pick(["image/png", "application/pdf", ""]) : nil,
            detail: chance(0.3) ? pick(["low", "high", "auto"]) : nil, title: chance(0.3) ? text() : nil,
            filename: chance(0.3) ? text() : nil, cacheControl: cacheControl()
        )
    }

    /// A part of any kind the provider accepts; tool results nest parts one level deep.
    mutating func part(images: Bool = true, documents: Bool = true, depth: Int = 0) -> ContentPart {
        while true {
            switch count(0...6) {
            case 0: return .text(text(), cacheControl: cacheControl())
            case 1 where images: return .image(media())
            case 2 where documents: return .document(media())
            case 3:
                let arguments = chance(0.8) ? JSONValue.object(jsonObject()).serialized() : pick(["{\"city\": \"Par", "", "not json"])
                return .toolCall(ToolCall(id: pick(["call_1", "toolu_01A", ""]), name: pick(["get_weather", "look"]), arguments: arguments, signature: chance(0.3) ? text() : nil))
            case 4 where depth == 0:
                var content: [ContentPart] = []
                for _ in 0..<count(0...3) { content.append(part(images: images, documents: documents, depth: depth + 1)) }
                return .toolResult(ToolResult(toolCallID: pick(["call_1", ""]), name: optionalText(), content: content, isError: chance(), cacheControl: cacheControl()))
            case 5: return .reasoning(Reasoning(text: text(), signature: optionalText(), redactedData: chance(0.3) ? text() : nil))
            case 6: return .opaque(OpaquePart(family: pick(ProtocolFamily.allCases), type: pick(["input_audio", "server_tool_use", "executableCode"]), json: jsonValue()))
            default: continue
            }
        }
    }

    mutating func parts(_ range: ClosedRange<Int>, images: Bool = true, documents: Bool = true) -> [ContentPart] {
        var parts: [ContentPart] = []
        for _ in 0..<count(range) { parts.append(part(images: images, documents: documents)) }
        return parts
    }

    mutating func extensions() -> [ProtocolFamily: JSONObject] {
        var extensions: [ProtocolFamily: JSONObject] = [:]
        for family in ProtocolFamily.allCases where chance(0.3) { extensions[family] = jsonObject() }
        return extensions
    }

    mutating func usage() -> Usage {
        Usage(
            inputTokens: count(0...100_000), outputTokens: count(0...10_000), totalTokens: chance() ? count(0...200_000) : nil,
            cachedInputTokens: chance() ? count(0...1_000) : nil, cacheWriteTokens: chance() ? count(0...1_000) : nil,
            reasoningTokens: chance() ? count(0...1_000) : nil
        )
    }

    mutating func finishReason() -> FinishReason {
        pick([.stop, .stopSequence, .length, .toolCalls, .contentFilter, .unknown("end_turn"), .unknown("SAFETY")])
    }

    /// A request that uses a random selection of every field, valid for its provider.
    mutating func request() -> ChatRequest {
        let provider = pick(ProviderID.allCases)
        let capabilities = ProviderCapabilities.of(provider)
        let images = capabilities.acceptsImages
        let documents = capabilities.acceptsDocuments
        var messages: [ChatMessage] = []
        for _ in 0..<count(0...5) {
            let role = pick([ChatMessage.Role.system, .user, .assistant, .tool, .unknown("developer")])
            messages.append(ChatMessage(role: role, parts: parts(0...4, images: images, documents: documents), name: chance(0.2) ? text() : nil))
        }
        if !messages.contains(where: { $0.role != .system }) { messages.append(.user("hi")) }
        var tools: [Tool] = []
        for index in 0..<count(0...3) {
            tools.append(Tool(
                name: "tool_\(index)", description: optionalText(), parameters: chance(0.8) ? .object(jsonObject()) : nil,
                strict: chance() ? chance() : nil, cacheControl: cacheControl()
            ))
        }
        var toolChoices: [ToolChoice] = [.auto, .none, .required]
        toolChoices += tools.map { .tool($0.name) }
        var formats: [ResponseFormat] = [.text, .jsonObject]
        if capabilities.acceptsJSONSchema {
            formats.append(.jsonSchema(JSONSchemaFormat(name: pick(["answer", ""]), description: optionalText(), schema: jsonValue(), strict: chance() ? chance() : nil)))
        }
        let stream = chance()
        let limit = min(capabilities.maxStopSequences ?? 4, 4)
        var stopSequences: [String] = []
        for _ in 0..<count(0...limit) { stopSequences.append(text()) }
        var metadata: [String: String] = [:]
        for _ in 0..<count(0...3) { metadata[text()] = text() }
        let choiceLimit = stream && provider.family != .openAIChat ? 1 : capabilities.maxChoices
        return ChatRequest(
            provider: provider,
            model: pick(["gpt-4.1", "claude-sonnet-4-5", "gemini-2.5-pro", "m"]),
            messages: messages,
            temperature: chance() ? pick([0, 0.5, 1]) : nil,
            topP: chance() ? pick([0, 0.25, 1]) : nil,
            topK: chance() ? count(1...500) : nil,
            maxTokens: chance() ? count(1...100_000) : nil,
            stopSequences: stopSequences,
            stream: stream,
            seed: chance() ? Int.random(in: .min ... .max, using: &self) : nil,
            presencePenalty: chance() ? pick([-2, -0.5, 0, 1.5, 2]) : nil,
            frequencyPenalty: chance() ? pick([-2, 0.125, 2]) : nil,
            choiceCount: chance() ? count(1...choiceLimit) : nil,
            logprobs: capabilities.logprobs != .refused && chance() ? LogprobOptions(top: chance() ? count(0...20) : nil) : nil,
            tools: tools,
            toolChoice: chance() ? pick(toolChoices) : nil,
            parallelToolCalls: chance() ? chance() : nil,
            responseFormat: chance() ? pick(formats) : nil,
            reasoning: chance() ? ReasoningOptions(
                effort: chance() ? pick([.disabled, .minimal, .low, .medium, .high, .unknown("xhigh")]) : nil,
                budgetTokens: chance() ? count(0...30_000) : nil, includeThoughts: chance() ? chance() : nil
            ) : nil,
            user: optionalText(),
            metadata: metadata,
            extensions: extensions()
        )
    }

    /// A response with a random selection of every field, marked as read from the proxy in
    /// protobuf, as the reader marks it.
    mutating func response() -> ChatResponse {
        var choices: [ChatChoice] = []
        for _ in 0..<count(0...2) { choices.append(ChatChoice(parts: parts(0...3), finishReason: chance() ? finishReason() : nil)) }
        var dropped: [String] = []
        for _ in 0..<count(0...2) { dropped.append(pick(["seed", "top_k", "metadata", "cache_control"])) }
        return ChatResponse(
            id: pick(["chatcmpl-1", "msg_01", ""]), provider: pick(ProviderID.allCases), model: pick(["gpt-4.1", "claude", ""]),
            parts: parts(0...5), finishReason: chance() ? finishReason() : nil, stopSequence: optionalText(),
            usage: chance() ? usage() : nil, additionalChoices: choices, route: .proxy, wireProtocol: .protobuf,
            droppedFields: dropped, extensions: extensions()
        )
    }

    mutating func streamEvent() -> ChatStreamEvent {
        switch count(0...9) {
        case 0: .start(id: text(), model: text())
        case 1: .delta(text())
        case 2: .reasoning(text())
        case 3: .reasoningSignature(text())
        case 4: .redactedReasoning(text())
        case 5: .toolCallStart(ToolCallStart(index: count(0...7), id: text(), name: text(), signature: optionalText()))
        case 6: .toolCallArguments(index: count(0...7), fragment: text())
        case 7: .toolCallEnd(index: count(0...7))
        case 8: .usage(usage())
        default: .finish(finishReason(), stopSequence: optionalText())
        }
    }
}

extension ProtobufSamples {
    /// An image, inline: canonical base64 of a few PNG header bytes.
    static let pngBase64 = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D]).base64EncodedString()

    /// The JSON Schema of `get_weather`'s arguments; its members are out of alphabetical order
    /// on purpose, since the mapping must keep the order written.
    static let weatherSchema: JSONValue = [
        "type": "object",
        "properties": ["unit": ["type": "string", "enum": ["c", "f"]], "city": ["type": "string", "description": "Ville 🌍"]],
        "required": ["city"],
        "additionalProperties": false,
    ]

    /// A request that sets every field of the domain model at least once.
    /// (OpenAI, since Anthropic refuses `logprobs`; the other fields OpenAI ignores are dropped
    /// by its binding, not by the mapping.)
    static let fullRequest = ChatRequest(
        provider: .openai,
        model: "gpt-4.1",
        messages: [
            ChatMessage(role: .system, parts: [.text("Be brief.", cacheControl: CacheControl(type: "ephemeral", ttl: "1h"))]),
            ChatMessage(role: .user, parts: [
                .text("What is in these, and what is the weather?"),
                .image(Media(source: .base64(pngBase64), mediaType: "image/png", cacheControl: .ephemeral)),
                .image(Media(source: .base64("iVBORw0KGgo"), mediaType: "image/png")),
                .image(url: "https://example.com/cat.png", detail: "high"),
                .document(Media(source: .file(id: "file-abc123"), mediaType: "application/pdf", title: "Report", filename: "report.pdf")),
                .document(Media(source: .text("plain notes"), mediaType: "text/plain")),
            ], name: "ada"),
            .assistant([
                .reasoning(Reasoning(text: "The user wants the weather.", signature: "EqQBCgIYAhIM")),
                .reasoning(Reasoning(text: "", redactedData: "EmwKAhgBEgy3va")),
                .text("Let me look."),
                .toolCall(ToolCall(id: "toolu_01", name: "get_weather", arguments: #"{"city":"Paris","unit":"c"}"#, signature: "c2ln")),
                .opaque(OpaquePart(family: .anthropicMessages, type: "server_tool_use", json: ["type": "server_tool_use", "id": "srvtoolu_1", "input": ["query": "x"]])),
            ]),
            .toolResult(ToolResult(
                toolCallID: "toolu_01", name: "get_weather",
                content: [.text("18 °C"), .image(base64: pngBase64, mediaType: "image/png")],
                isError: false, cacheControl: .ephemeral
            )),
            ChatMessage(role: .user, parts: [.toolResult(ToolResult(toolCallID: "toolu_02", content: [], isError: true))]),
            ChatMessage(role: .assistant, parts: []),
            ChatMessage(role: .unknown("developer"), content: ""),
        ],
        temperature: 0.5, topP: 0.9, topK: 40, maxTokens: 1024, stopSequences: ["END", ""], stream: true,
        seed: -9_007_199_254_740_993, presencePenalty: -0.5, frequencyPenalty: 0, choiceCount: 1, logprobs: LogprobOptions(top: 5),
        tools: [
            Tool(name: "get_weather", description: "Current weather", parameters: weatherSchema, strict: true, cacheControl: .ephemeral),
            Tool(name: "noop"),
        ],
        toolChoice: .tool("get_weather"), parallelToolCalls: false,
        responseFormat: .jsonSchema(JSONSchemaFormat(name: "weather", description: "A report", schema: weatherSchema, strict: true)),
        reasoning: ReasoningOptions(effort: .high, budgetTokens: 4096, includeThoughts: true),
        user: "user-42", metadata: ["team": "ios", "trace": "✓"],
        extensions: [.anthropicMessages: ["service_tier": "auto", "container": ["id": "c1"]], .openAIChat: [:]]
    )

    /// An answer that sets every field of the domain response at least once.
    static let fullResponse = ChatResponse(
        id: "msg_01", provider: .anthropic, model: "claude-sonnet-4-5",
        parts: [
            .reasoning(Reasoning(text: "Think.", signature: "sig")),
            .text("It is sunny. "),
            .toolCall(ToolCall(id: "toolu_01", name: "get_weather", arguments: #"{"city":"Paris"}"#)),
            .text("More soon."),
            .opaque(OpaquePart(family: .geminiGenerateContent, type: "executableCode", json: ["executableCode": ["code": "print(1)"]])),
        ],
        finishReason: .stopSequence, stopSequence: "END",
        usage: Usage(inputTokens: 100, outputTokens: 50, totalTokens: 151, cachedInputTokens: 80, cacheWriteTokens: 10, reasoningTokens: 20),
        additionalChoices: [ChatChoice(parts: [.text("Or rainy.")], finishReason: .length), ChatChoice(parts: [], finishReason: nil)],
        route: .proxy, wireProtocol: .protobuf,
        droppedFields: ["seed", "metadata"],
        extensions: [.anthropicMessages: ["container": .null]]
    )
}
