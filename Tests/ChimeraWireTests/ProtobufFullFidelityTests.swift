import ChimeraCore
import ChimeraWire
import Foundation
import Testing

@Suite("Protobuf: every field of full-fidelity conversations, one at a time")
struct ProtobufFullFidelityTests {
    // MARK: Requests

    @Test func requestUsingEveryFieldSurvivesTheRoundTrip() throws {
        let request = ProtobufSamples.fullRequest
        // OpenAI ignores top_k and cache_control, and has no place for Anthropic's own members.
        #expect(try request.validate() == ["top_k", "cache_control", "service_tier", "container"])
        #expect(try ChatRequest(protobuf: try request.protobufData()) == request)
    }

    static let base = ChatRequest(provider: .gemini, model: "gemini-2.5-pro", messages: [.user("hi")])

    /// One request per field, each with only that field set, so a failure names the field.
    static let oneFieldEach: [(String, ChatRequest)] = {
        func with(_ change: (inout ChatRequest) -> Void) -> ChatRequest {
            var request = base
            change(&request)
            return request
        }
        func turn(_ parts: [ContentPart], role: ChatMessage.Role = .user) -> ChatRequest {
            with { $0.messages = [ChatMessage(role: role, parts: parts)] }
        }
        let schema = ProtobufSamples.weatherSchema
        return [
            ("top_k", with { $0.topK = 1 }),
            ("seed 0", with { $0.seed = 0 }),
            ("seed min", with { $0.seed = .min }),
            ("presence_penalty", with { $0.presencePenalty = 0 }),
            ("frequency_penalty", with { $0.frequencyPenalty = -2 }),
            ("choice_count", with { $0.choiceCount = 8 }),
            ("logprobs without top", with { $0.logprobs = LogprobOptions() }),
            ("logprobs with top 0", with { $0.logprobs = LogprobOptions(top: 0) }),
            ("tool, bare", with { $0.tools = [Tool(name: "f")] }),
            ("tool, full", with { $0.tools = [Tool(name: "f", description: "", parameters: schema, strict: false, cacheControl: .ephemeral)] }),
            ("tool parameters null", with { $0.tools = [Tool(name: "f", parameters: .null)] }),
            ("tool choice auto", with { $0.toolChoice = .auto }),
            ("tool choice none", with { $0.toolChoice = ToolChoice.none }),
            ("tool choice required", with { $0.toolChoice = .required }),
            ("tool choice named", with { $0.tools = [Tool(name: "f")]; $0.toolChoice = .tool("f") }),
            ("parallel_tool_calls", with { $0.parallelToolCalls = true }),
            ("response format text", with { $0.responseFormat = .text }),
            ("response format json_object", with { $0.responseFormat = .jsonObject }),
            ("response format json_schema", with { $0.responseFormat = .jsonSchema(JSONSchemaFormat(name: "", schema: schema)) }),
            ("reasoning, empty", with { $0.reasoning = ReasoningOptions() }),
            ("reasoning effort", with { $0.reasoning = ReasoningOptions(effort: .disabled) }),
            ("reasoning effort unknown", with { $0.reasoning = ReasoningOptions(effort: .unknown("xhigh")) }),
            ("reasoning budget 0", with { $0.reasoning = ReasoningOptions(budgetTokens: 0) }),
            ("reasoning include_thoughts", with { $0.reasoning = ReasoningOptions(includeThoughts: false) }),
            ("user, empty", with { $0.user = "" }),
            ("metadata", with { $0.metadata = ["": "", "k": "v"] }),
            ("extensions", with { $0.extensions = [.geminiGenerateContent: ["safetySettings": [["category": "HARM_CATEGORY_HATE_SPEECH"]]]] }),
            ("extension, empty object", with { $0.extensions = [.openAIChat: [:]] }),
            ("message name", with { $0.messages = [ChatMessage(role: .user, parts: [.text("hi")], name: "")] }),
            ("message without parts", with { $0.messages = [.user("hi"), ChatMessage(role: .assistant, parts: [])] }),
            ("message of one empty text", turn([.text("")])),
            ("message of text with a cache marker", turn([.text("hi", cacheControl: CacheControl(type: "ephemeral", ttl: "5m"))])),
            ("message of two texts", turn([.text("a"), .text("b")])),
            ("image, canonical base64", turn([.image(base64: ProtobufSamples.pngBase64, mediaType: "image/png")])),
            ("image, empty base64", turn([.image(base64: "", mediaType: "image/png")])),
            ("image, unpadded base64", turn([.image(base64: "iVBORw0KGgo", mediaType: "image/png")])),
            ("image, URL", turn([.image(url: "https://example.com/a.png", detail: "low")])),
            ("image, data URL", turn([.image(url: "data:image/png;base64,\(ProtobufSamples.pngBase64)")])),
            ("image, file", turn([.image(Media(source: .file(id: "file-1")))])),
            ("image, every detail", turn([.image(Media(source: .url(""), mediaType: "", detail: "", title: "", filename: "", cacheControl: CacheControl(type: "")))])),
            ("document, text", turn([.document(Media(source: .text(""), title: "Notes"))])),
            ("document, file", turn([.document(Media(source: .file(id: ""), mediaType: "application/pdf", filename: "a.pdf"))])),
            ("tool call", turn([.toolCall(ToolCall(id: "c", name: "f", arguments: "{}"))], role: .assistant)),
            ("tool call, invalid JSON arguments", turn([.toolCall(ToolCall(id: "", name: "", arguments: #"{"a": "#))], role: .assistant)),
            ("tool call, signature", turn([.toolCall(ToolCall(id: "c", name: "f", arguments: "", signature: ""))], role: .assistant)),
            ("tool result, tool role", with { $0.messages = [.user("x"), .toolResult(ToolResult(toolCallID: "c", text: "ok"))] }),
            ("tool result, nested parts", turn([.toolResult(ToolResult(toolCallID: "c", name: "f", content: [.text("a"), .image(url: "u"), .document(Media(source: .text("t")))], isError: true, cacheControl: .ephemeral))])),
            ("tool result, no content", turn([.toolResult(ToolResult(toolCallID: "c", content: []))])),
            ("tool result, empty text", turn([.toolResult(ToolResult(toolCallID: "c", text: ""))])),
            ("reasoning", turn([.reasoning(Reasoning(text: "hmm"))], role: .assistant)),
            ("reasoning, signed", turn([.reasoning(Reasoning(text: "hmm", signature: ""))], role: .assistant)),
            ("reasoning, redacted", turn([.reasoning(Reasoning(text: "", redactedData: "abc"))], role: .assistant)),
            ("opaque part", turn([.opaque(OpaquePart(family: .openAIChat, type: "input_audio", json: ["type": "input_audio", "input_audio": ["data": "AAA=", "format": "wav"]]))])),
            ("opaque part, not an object", turn([.opaque(OpaquePart(family: .geminiGenerateContent, type: "", json: [1, "two", nil, 1.5]))])),
            ("role tool with text", with { $0.messages = [ChatMessage(role: .tool, content: "{}")] }),
        ]
    }()

    @Test(arguments: oneFieldEach.map(\.0))
    func requestFieldSurvivesTheRoundTrip(_ name: String) throws {
        let request = try #require(Self.oneFieldEach.first { $0.0 == name }?.1)
        try request.validate()
        let decoded = try ChatRequest(protobuf: try request.protobufData())
        #expect(decoded == request, "\(name)")
    }

    @Test func jsonTravelsAsTextInTheOrderWritten() throws {
        let message = Chimera_Proxy_V1_ChatRequest(ProtobufSamples.fullRequest)
        let schemaText = #"{"type":"object","properties":{"unit":{"type":"string","enum":["c","f"]},"city":{"type":"string","description":"Ville 🌍"}},"required":["city"],"additionalProperties":false}"#
        #expect(message.tools[0].parameters == schemaText)
        #expect(!message.tools[1].hasParameters && !message.tools[1].hasDescription_p && !message.tools[1].hasStrict)
        #expect(message.responseFormat.type == "json_schema")
        #expect(message.responseFormat.jsonSchema.schema == schemaText)
        #expect(message.extensions["anthropic"] == #"{"service_tier":"auto","container":{"id":"c1"}}"#)
        #expect(message.extensions["openai"] == "{}")
        // Tool-call arguments are the model's text, byte for byte, not re-serialized.
        #expect(message.messages[2].parts[3].toolCall.arguments == #"{"city":"Paris","unit":"c"}"#)
        #expect(message.messages[2].parts[4].opaque.json == #"{"type":"server_tool_use","id":"srvtoolu_1","input":{"query":"x"}}"#)
    }

    @Test func numbersInJSONKeepTheirExactText() throws {
        let schema = try JSONValue(parsing: #"{"maximum": 12345678901234567890123, "minimum": 1e400, "multipleOf": 2.50}"#)
        var request = Self.base
        request.tools = [Tool(name: "f", parameters: schema)]
        let message = Chimera_Proxy_V1_ChatRequest(request)
        #expect(message.tools[0].parameters == #"{"maximum":12345678901234567890123,"minimum":1e400,"multipleOf":2.50}"#)
        #expect(try ChatRequest(message).tools[0].parameters == schema)
    }

    @Test func canonicalBase64TravelsAsBytesAndAnyOtherAsWritten() {
        let message = Chimera_Proxy_V1_ChatRequest(ProtobufSamples.fullRequest)
        let images = message.messages[1].parts
        #expect(images[1].image.data == Data(base64Encoded: ProtobufSamples.pngBase64))
        #expect(images[2].image.base64 == "iVBORw0KGgo")
        #expect(images[3].image.url == "https://example.com/cat.png" && images[3].image.detail == "high")
        #expect(images[4].document.fileID == "file-abc123" && images[4].document.title == "Report")
        #expect(images[5].document.text == "plain notes")
    }

    @Test func turnsAreWrittenAsContentOnlyWhenTheyArePlainText() {
        let message = Chimera_Proxy_V1_ChatRequest(ProtobufSamples.fullRequest)
        // System text with a cache marker, the user's parts, the assistant's parts.
        #expect(message.messages[0].parts.count == 1 && message.messages[0].content.isEmpty)
        #expect(message.messages[1].parts.count == 6 && message.messages[1].name == "ada")
        // The turn without parts, and the turn of one empty text (nothing on the wire but its role).
        #expect(message.messages[5].noParts && message.messages[5].parts.isEmpty)
        #expect(!message.messages[6].noParts && message.messages[6].parts.isEmpty && message.messages[6].content.isEmpty)
        let plain = Chimera_Proxy_V1_Message(.user("hi"))
        #expect(plain.content == "hi" && plain.parts.isEmpty && !plain.noParts && !plain.hasName)
    }

    @Test func optionsAreAbsentUnlessSet() {
        let bare = Chimera_Proxy_V1_ChatRequest(Self.base)
        #expect(!bare.hasTopK && !bare.hasSeed && !bare.hasPresencePenalty && !bare.hasFrequencyPenalty)
        #expect(!bare.hasChoiceCount && !bare.hasLogprobs && !bare.hasToolChoice && !bare.hasParallelToolCalls)
        #expect(!bare.hasResponseFormat && !bare.hasReasoning && !bare.hasUser)
        #expect(bare.tools.isEmpty && bare.metadata.isEmpty && bare.extensions.isEmpty)
        var zeros = Self.base
        zeros.seed = 0
        zeros.logprobs = LogprobOptions()
        zeros.reasoning = ReasoningOptions(budgetTokens: 0)
        let message = Chimera_Proxy_V1_ChatRequest(zeros)
        #expect(message.hasSeed && message.hasLogprobs && !message.logprobs.hasTop)
        #expect(message.hasReasoning && message.reasoning.hasBudgetTokens && !message.reasoning.hasEffort)
    }

    /// A way to spoil a valid full-fidelity request, and the start of the message that must refuse it.
    enum Spoiled: String, CaseIterable, Sendable {
        case toolParameters, emptyToolParameters, schema, missingSchema, responseFormatType, toolChoiceMode
        case extensionJSON, extensionNotAnObject, extensionFamily, opaqueJSON, opaqueFamily
        case unknownPartKind, unknownNestedPartKind, mediaSourceUnset, namedToolMissing

        func apply(to message: inout Chimera_Proxy_V1_ChatRequest) {
            switch self {
            case .toolParameters: message.tools[0].parameters = #"{"type": "object",}"#
            case .emptyToolParameters: message.tools[1].parameters = ""
            case .schema: message.responseFormat.jsonSchema.schema = "{"
            case .missingSchema: message.responseFormat.clearJsonSchema()
            case .responseFormatType: message.responseFormat.type = "yaml"
            case .toolChoiceMode: message.toolChoice.mode = "any"
            case .extensionJSON: message.extensions["gemini"] = "{'a': 1}"
            case .extensionNotAnObject: message.extensions["openai"] = "[1]"
            case .extensionFamily: message.extensions["openai-realtime"] = "{}"
            case .opaqueJSON: message.messages[2].parts[4].opaque.json = "nope"
            case .opaqueFamily: message.messages[2].parts[4].opaque.family = "cohere"
            case .unknownPartKind: message.messages[1].parts[2] = Chimera_Proxy_V1_Part()
            case .unknownNestedPartKind: message.messages[3].parts[0].toolResult.content[1] = Chimera_Proxy_V1_Part()
            case .mediaSourceUnset: message.messages[1].parts[1].image.source = nil
            case .namedToolMissing: message.toolChoice.toolName = "get_time"
            }
        }

        var refusal: String {
            switch self {
            case .toolParameters: "tools[0].parameters: not valid JSON at byte "
            case .emptyToolParameters: "tools[1].parameters: not valid JSON at byte 0"
            case .schema: "response_format.json_schema.schema: not valid JSON"
            case .missingSchema: "response_format.json_schema: must be set"
            case .responseFormatType: "response_format.type: \"yaml\" is not a response format"
            case .toolChoiceMode: "tool_choice.mode: \"any\" is not a tool choice"
            case .extensionJSON: "extensions[\"gemini\"]: not valid JSON"
            case .extensionNotAnObject: "extensions[\"openai\"]: expected a JSON object, got an array"
            case .extensionFamily: "extensions[\"openai-realtime\"]: unknown protocol family \"openai-realtime\"; accepted: openai, openai-responses, anthropic, gemini"
            case .opaqueJSON: "messages[2].parts[4].opaque.json: not valid JSON"
            case .opaqueFamily: "messages[2].parts[4].opaque.family: unknown protocol family \"cohere\""
            case .unknownPartKind: "messages[1].parts[2]: a part of a kind this version does not know"
            case .unknownNestedPartKind: "messages[3].parts[0].tool_result.content[1]: a part of a kind"
            case .mediaSourceUnset: "messages[1].parts[1].image.source: not set"
            case .namedToolMissing: "tool_choice: names the tool \"get_time\""
            }
        }
    }

    @Test(arguments: Spoiled.allCases)
    func badFieldIsRefusedNamingIt(_ spoiled: Spoiled) throws {
        var message = Chimera_Proxy_V1_ChatRequest(ProtobufSamples.fullRequest)
        spoiled.apply(to: &message)
        let error = try #require(throws: ChimeraError.self) { try ChatRequest(protobuf: try message.protobufData()) }
        #expect(error.kind == .invalidRequest)
        #expect(error.status == 400)
        #expect(error.provider == .openai)
        #expect(error.message.hasPrefix(spoiled.refusal), "\(error.message)")
    }

    @Test func rangeChecksOfTheNewOptionsAreTheDomainsOwn() throws {
        var message = Chimera_Proxy_V1_ChatRequest(Self.base)
        message.topK = 0
        var error = try #require(throws: ChimeraError.self) { try ChatRequest(message) }
        #expect(error.message.hasPrefix("top_k: 0 is out of range"), "\(error.message)")
        message = Chimera_Proxy_V1_ChatRequest(Self.base)
        message.logprobs.top = 21
        error = try #require(throws: ChimeraError.self) { try ChatRequest(message) }
        #expect(error.message.hasPrefix("top_logprobs: 21 is out of range"), "\(error.message)")
        message = Chimera_Proxy_V1_ChatRequest(Self.base)
        message.presencePenalty = 2.5
        error = try #require(throws: ChimeraError.self) { try ChatRequest(message) }
        #expect(error.message.hasPrefix("presence_penalty: 2.5 is out of range"), "\(error.message)")
    }

    // MARK: Responses

    @Test func responseUsingEveryFieldSurvivesTheRoundTrip() throws {
        let response = ProtobufSamples.fullResponse
        #expect(try ChatResponse(protobuf: try response.protobufData()) == response)
    }

    @Test func answerWithPartsAlsoCarriesItsTextForOlderClients() {
        let message = Chimera_Proxy_V1_ChatResponse(ProtobufSamples.fullResponse)
        #expect(message.text == "It is sunny. More soon.")
        #expect(message.parts.count == 5)
        #expect(message.stopSequence == "END")
        #expect(message.usage.cachedInputTokens == 80 && message.usage.cacheWriteTokens == 10 && message.usage.reasoningTokens == 20)
        #expect(message.additionalChoices.map(\.finishReason) == ["length", ""])
        #expect(message.droppedFields == ["seed", "metadata"])
        #expect(message.extensions == ["anthropic": #"{"container":null}"#])
    }

    static let responseShapes: [(String, [ContentPart])] = [
        ("no parts", []),
        ("one text", [.text("Hi")]),
        ("one empty text", [.text("")]),
        ("text with a cache marker", [.text("Hi", cacheControl: .ephemeral)]),
        ("reasoning only", [.reasoning(Reasoning(text: "r"))]),
        ("tool call only", [.toolCall(ToolCall(id: "c", name: "f", arguments: "{}"))]),
        ("two texts", [.text("a"), .text("b")]),
        ("an image", [.image(base64: ProtobufSamples.pngBase64, mediaType: "image/png")]),
    ]

    @Test(arguments: responseShapes.map(\.0))
    func answerOfEveryShapeSurvivesTheRoundTrip(_ name: String) throws {
        let parts = try #require(Self.responseShapes.first { $0.0 == name }?.1)
        let response = ChatResponse(
            id: "r", provider: .openai, model: "m", parts: parts, finishReason: nil, usage: nil, route: .proxy, wireProtocol: .protobuf
        )
        #expect(try ChatResponse(protobuf: try response.protobufData()) == response, "\(name)")
    }

    @Test func plainTextAnswerIsWrittenAsTextAlone() {
        let message = Chimera_Proxy_V1_ChatResponse(
            ChatResponse(id: "r", provider: .openai, model: "m", text: "Hi", finishReason: .stop, usage: nil)
        )
        #expect(message.text == "Hi" && message.parts.isEmpty && !message.hasStopSequence)
        #expect(message.additionalChoices.isEmpty && message.droppedFields.isEmpty && message.extensions.isEmpty)
    }

    @Test func answerFromANewerProxySkipsWhatThisVersionDoesNotKnow() throws {
        var message = Chimera_Proxy_V1_ChatResponse(ProtobufSamples.fullResponse)
        message.parts.insert(Chimera_Proxy_V1_Part(), at: 1)
        var newSource = Chimera_Proxy_V1_Part(.image(url: "u"))
        newSource.image.source = nil
        message.parts.append(newSource)
        message.parts[5].opaque.family = "openai-realtime"
        message.extensions["openai-realtime"] = #"{"a":1}"#
        message.additionalChoices[0].parts.append(Chimera_Proxy_V1_Part())
        let response = try ChatResponse(message)
        var expected = ProtobufSamples.fullResponse
        expected.parts.removeLast()
        #expect(response == expected)
    }

    /// A way to spoil the proxy's answer with JSON text no correct proxy writes.
    enum SpoiledAnswer: CaseIterable, Sendable {
        case opaqueJSON, extensionNotAnObject, choiceOpaqueJSON

        func apply(to message: inout Chimera_Proxy_V1_ChatResponse) {
            switch self {
            case .opaqueJSON: message.parts[4].opaque.json = "{"
            case .extensionNotAnObject: message.extensions["anthropic"] = #""x""#
            case .choiceOpaqueJSON:
                var part = Chimera_Proxy_V1_Part(.opaque(OpaquePart(family: .openAIChat, type: "t", json: nil)))
                part.opaque.json = ""
                message.additionalChoices[0].parts = [part]
            }
        }

        var refusal: String {
            switch self {
            case .opaqueJSON: "parts[4].opaque.json: not valid JSON"
            case .extensionNotAnObject: "extensions[\"anthropic\"]: expected a JSON object, got a string"
            case .choiceOpaqueJSON: "additional_choices[0].parts[0].opaque.json: not valid JSON"
            }
        }
    }

    @Test(arguments: SpoiledAnswer.allCases)
    func answerWithJSONThatDoesNotParseIsADecodingError(_ spoiled: SpoiledAnswer) throws {
        var message = Chimera_Proxy_V1_ChatResponse(ProtobufSamples.fullResponse)
        spoiled.apply(to: &message)
        let error = try #require(throws: ChimeraError.self) { try ChatResponse(message) }
        #expect(error.kind == .decoding)
        #expect(error.provider == .anthropic)
        #expect(error.message.hasPrefix(spoiled.refusal), "\(error.message)")
    }

    // MARK: Stream frames

    @Test func everyStreamEventHasItsOwnFrame() throws {
        var kinds: Set<String> = []
        for event in ProtobufSamples.streamEvents {
            let frame = Chimera_Proxy_V1_StreamFrame(event)
            let kind = try #require(frame.event, "\(event) has no frame")
            kinds.insert(String(describing: kind).prefix { $0 != "(" }.description)
        }
        #expect(kinds.count == 10, "\(kinds.sorted())")
    }

    @Test func stopSequenceTravelsBesideTheFinishReason() throws {
        let frame = Chimera_Proxy_V1_StreamFrame(.finish(.stopSequence, stopSequence: "END"))
        #expect(frame.finishReason == "stop_sequence" && frame.stopSequence == "END")
        #expect(!Chimera_Proxy_V1_StreamFrame(.finish(.stop)).hasStopSequence)
        // Beside any other event it means nothing, and is ignored.
        var delta = Chimera_Proxy_V1_StreamFrame(.delta("x"))
        delta.stopSequence = "END"
        #expect(try ChatStreamEvent(delta) == .delta("x"))
    }

    @Test func toolCallFramesCarryIndexIdNameAndSignature() {
        let start = Chimera_Proxy_V1_StreamFrame(.toolCallStart(ToolCallStart(index: 3, id: "call_9", name: "f", signature: "s")))
        #expect(start.toolCallStart.index == 3 && start.toolCallStart.id == "call_9" && start.toolCallStart.name == "f")
        #expect(start.toolCallStart.signature == "s")
        #expect(!Chimera_Proxy_V1_StreamFrame(.toolCallStart(ToolCallStart(index: 0, id: "", name: ""))).toolCallStart.hasSignature)
        let arguments = Chimera_Proxy_V1_StreamFrame(.toolCallArguments(index: 3, fragment: "{\"a\""))
        #expect(arguments.toolCallArguments.index == 3 && arguments.toolCallArguments.fragment == "{\"a\"")
        #expect(Chimera_Proxy_V1_StreamFrame(.toolCallEnd(index: 3)).toolCallEnd.index == 3)
    }

    @Test func streamedToolCallIsAssembledIntoTheAnswer() async throws {
        let events: [ChatStreamEvent] = [
            .start(id: "chatcmpl-1", model: "gpt-4.1"),
            .toolCallStart(ToolCallStart(index: 0, id: "call_1", name: "get_weather", signature: "c2ln")),
            .toolCallArguments(index: 0, fragment: #"{"city""#),
            .toolCallArguments(index: 0, fragment: #":"Paris"}"#),
            .toolCallEnd(index: 0),
            .finish(.toolCalls),
            .usage(Usage(inputTokens: 20, outputTokens: 9, cachedInputTokens: 16)),
        ]
        let body = try ProtobufSamples.streamBody(events)
        let result = ProtobufSamples.decodeStream([body], provider: .openai)
        #expect(result.error == nil)
        #expect(result.events == events)
    }

    // MARK: Capabilities

    @Test func capabilitiesListTheFullFidelityFeature() throws {
        let sent = Chimera_Proxy_V1_Capabilities(encodings: [.protobuf], providers: [.openai])
        let received = try Chimera_Proxy_V1_Capabilities(protobuf: try sent.protobufData())
        #expect(received.features == ["full_fidelity"])
        #expect(received.offersFullFidelity)
        #expect(!Chimera_Proxy_V1_Capabilities().offersFullFidelity)
    }
}
