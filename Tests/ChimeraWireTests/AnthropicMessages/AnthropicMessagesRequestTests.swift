import ChimeraCore
import ChimeraWire
import Testing

private typealias H = AnthropicMessagesHarness

@Suite("Anthropic Messages binding: requests")
struct AnthropicMessagesRequestTests {
    /// A request as the anthropic SDK writes it, with every kind of block and option.
    static let fullRequest = #"""
        {
          "model": "claude-sonnet-4-5",
          "max_tokens": 2048,
          "system": [
            {"type": "text", "text": "You are careful."},
            {"type": "text", "text": "Reference: the manual.", "cache_control": {"type": "ephemeral", "ttl": "1h"}}
          ],
          "messages": [
            {"role": "user", "content": [
              {"type": "text", "text": "What is in these?"},
              {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
              {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}, "cache_control": {"type": "ephemeral"}},
              {"type": "image", "source": {"type": "file", "file_id": "file_011"}},
              {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0x"}, "title": "Report"},
              {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "plain notes"}},
              {"type": "document", "source": {"type": "url", "url": "https://example.com/a.pdf"}, "context": "Q3", "citations": {"enabled": true}},
              {"type": "search_result", "source": "https://example.com", "title": "Result", "content": [{"type": "text", "text": "found"}]}
            ]},
            {"role": "assistant", "content": [
              {"type": "thinking", "thinking": "Let me look.", "signature": "EqQBCgIYAhIM"},
              {"type": "redacted_thinking", "data": "EmwKAhgBEgy"},
              {"type": "text", "text": "Checking the weather."},
              {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"units": "c", "city": "Paris", "days": 1.50}},
              {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "paris"}},
              {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []}
            ]},
            {"role": "user", "content": [
              {"type": "tool_result", "tool_use_id": "toolu_01A", "content": [
                {"type": "text", "text": "18C"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQ"}}
              ], "is_error": true, "cache_control": {"type": "ephemeral"}},
              {"type": "text", "text": "And tomorrow?", "cache_control": {"type": "ephemeral"}}
            ]}
          ],
          "metadata": {"user_id": "user-42", "trace": "t-1"},
          "stop_sequences": ["END", "STOP"],
          "stream": true,
          "temperature": 0.5,
          "top_p": 0.9,
          "top_k": 40,
          "thinking": {"type": "enabled", "budget_tokens": 1024, "display": "omitted"},
          "tool_choice": {"type": "auto", "disable_parallel_tool_use": true},
          "tools": [
            {"name": "get_weather", "description": "The weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}, "cache_control": {"type": "ephemeral"}, "strict": true},
            {"type": "web_search_20250305", "name": "web_search", "max_uses": 3},
            {"name": "lookup", "input_schema": {"type": "object"}, "input_examples": [{"q": "x"}]}
          ],
          "output_config": {"effort": "high", "format": {"type": "json_schema", "schema": {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"], "additionalProperties": false}}},
          "service_tier": "auto",
          "container": "container_1",
          "cache_control": {"type": "ephemeral"},
          "context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]}
        }
        """#

    @Test func everyFieldDecodesIntoTheDomain() throws {
        let request = try H.binding.decodeRequest(Self.fullRequest.utf8.map { $0 }, provider: .anthropic, model: nil, stream: nil)
        #expect(request.model == "claude-sonnet-4-5")
        #expect(request.maxTokens == 2048)
        #expect(request.temperature == 0.5)
        #expect(request.topP == 0.9)
        #expect(request.topK == 40)
        #expect(request.stopSequences == ["END", "STOP"])
        #expect(request.stream)
        #expect(request.user == "user-42")
        #expect(request.reasoning == ReasoningOptions(budgetTokens: 1024, includeThoughts: false))
        #expect(request.toolChoice == .auto)
        #expect(request.parallelToolCalls == false)
        #expect(request.tools == [Tool(
            name: "get_weather", description: "The weather",
            parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]],
            strict: true, cacheControl: .ephemeral
        )])
        guard case .jsonSchema(let format)? = request.responseFormat else {
            Issue.record("no JSON Schema: \(String(describing: request.responseFormat))")
            return
        }
        #expect(format.schema["required"] == ["answer"])
        #expect(format.strict == true)

        let messages = request.messages
        try #require(messages.count == 5)
        #expect(messages[0] == ChatMessage(role: .system, parts: [.text("You are careful.")]))
        #expect(messages[1] == ChatMessage(role: .system, parts: [.text("Reference: the manual.", cacheControl: CacheControl(ttl: "1h"))]))

        let user = messages[2].parts
        try #require(user.count == 8)
        #expect(user[0] == .text("What is in these?"))
        #expect(user[1] == .image(base64: "iVBORw0KGgo=", mediaType: "image/png"))
        #expect(user[2] == .image(Media(source: .url("https://example.com/cat.jpg"), cacheControl: .ephemeral)))
        #expect(user[3] == .image(Media(source: .file(id: "file_011"))))
        #expect(user[4] == .document(Media(source: .base64("JVBERi0x"), mediaType: "application/pdf", title: "Report")))
        #expect(user[5] == .document(Media(source: .text("plain notes"), mediaType: "text/plain")))
        // Context and citations have no place in a domain document: kept whole.
        guard case .opaque(let cited) = user[6], case .opaque(let search) = user[7] else {
            Issue.record("expected opaque parts: \(user[6]), \(user[7])")
            return
        }
        #expect(cited.family == .anthropicMessages && cited.type == "document" && cited.json["context"] == "Q3")
        #expect(search.type == "search_result")

        let assistant = messages[3].parts
        try #require(assistant.count == 6)
        #expect(assistant[0] == .reasoning(Reasoning(text: "Let me look.", signature: "EqQBCgIYAhIM")))
        #expect(assistant[1] == .reasoning(Reasoning(text: "", redactedData: "EmwKAhgBEgy")))
        #expect(assistant[2] == .text("Checking the weather."))
        // The input's member order and number text are kept in the arguments.
        #expect(assistant[3] == .toolCall(ToolCall(id: "toolu_01A", name: "get_weather", arguments: #"{"units":"c","city":"Paris","days":1.50}"#)))
        #expect(assistant[4].opaqueType == "server_tool_use")
        #expect(assistant[5].opaqueType == "web_search_tool_result")

        #expect(messages[4].role == .user)
        #expect(messages[4].parts == [
            .toolResult(ToolResult(
                toolCallID: "toolu_01A",
                content: [.text("18C"), .image(base64: "/9j/4AAQ", mediaType: "image/jpeg")],
                isError: true, cacheControl: .ephemeral
            )),
            .text("And tomorrow?", cacheControl: .ephemeral),
        ])

        let extensions = try #require(request.extensions[.anthropicMessages])
        #expect(extensions.keys == ["metadata", "tools", "output_config", "service_tier", "container", "cache_control", "context_management"])
        #expect(extensions["metadata"] == ["trace": "t-1"])
        #expect(extensions["output_config"] == ["effort": "high"])
        // The server tool and the custom tool with a member the domain lacks, as sent.
        #expect(extensions["tools"]?.array?.count == 2)
    }

    @Test func decodingAndEncodingAgainGivesTheSameBody() throws {
        let original = try H.json(Self.fullRequest)
        H.expectSame(try H.roundTrip(Self.fullRequest), original)
    }

    @Test(arguments: [
        // Mid-conversation system message, adaptive thinking, the deprecated output_format
        // (re-encoded below), a tool choice naming a server tool.
        #"""
        {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"},{"role":"system","content":"Be brief now."},{"role":"assistant","content":"Hello"},{"role":"user","content":[{"type":"text","text":"x","citations":[{"type":"char_location","cited_text":"a","document_index":0,"start_char_index":0,"end_char_index":1}]}]}],"thinking":{"type":"adaptive"},"tools":[{"type":"bash_20250124","name":"bash"}],"tool_choice":{"type":"tool","name":"bash"}}
        """#,
        #"""
        {"model":"m","max_tokens":10,"system":"Be terse.","messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"},{"type":"container_upload","file_id":"f"}]},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_2","name":"f","input":{},"cache_control":{"type":"ephemeral"}}]}],"thinking":{"type":"disabled"},"tool_choice":{"type":"none"},"tools":[{"name":"f","input_schema":{"type":"object"}}],"mcp_servers":[{"type":"url","url":"https://mcp.example.com","name":"x"}],"inference_geo":"us"}
        """#,
    ])
    func otherShapesComeBackAsTheyWere(_ body: String) throws {
        H.expectSame(try H.roundTrip(body), try H.json(body))
    }

    @Test func shorthandsAndDefaultsComeBackInTheirCanonicalForm() throws {
        // One plain text block is the string shorthand; explicit defaults say nothing.
        let body = #"""
            {"model":"m","max_tokens":4000,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{},"caller":{"type":"direct"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"done"}],"is_error":false}]}],"stream":false,"thinking":{"type":"enabled","budget_tokens":2000,"display":"summarized"},"tools":[{"type":"custom","name":"f","input_schema":{"type":"object"}}],"output_format":{"type":"json_schema","schema":{"type":"object"}}}
            """#
        let expected = #"""
            {"model":"m","max_tokens":4000,"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"done"}]}],"thinking":{"type":"enabled","budget_tokens":2000},"tools":[{"name":"f","input_schema":{"type":"object"}}],"output_config":{"format":{"type":"json_schema","schema":{"type":"object"}}}}
            """#
        H.expectSame(try H.roundTrip(body), try H.json(expected))
    }

    // MARK: Encoding any family's request

    /// A conversation as the OpenAI and Gemini bindings give it to the domain.
    static let crossFamilyRequest = ChatRequest(
        provider: .anthropic,
        model: "claude-sonnet-4-5",
        messages: [
            .system("Be brief."),
            .user([.text("Look:"), .image(url: "data:image/png;base64,iVBORw0KGgo=", detail: "high"), .image(url: "https://example.com/a.png")]),
            .assistant([
                .text("Calling tools."),
                .reasoning(Reasoning(text: "", signature: "Z2VtaW5pLXNpZw==")),
                .toolCall(ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Paris"}"#)),
                .toolCall(ToolCall(id: "call_2", name: "get_time", arguments: "", signature: "c2lnbmF0dXJl")),
                .reasoning(Reasoning(text: "deepseek reasoning without a signature")),
            ]),
            .toolResult(ToolResult(toolCallID: "call_1", text: "18C")),
            .toolResult(ToolResult(toolCallID: "call_2", text: "noon")),
            .user("Thanks. And tomorrow?"),
        ],
        temperature: 0.7,
        topK: 5,
        stopSequences: ["END"],
        stream: true,
        seed: 7,
        presencePenalty: 0.5,
        tools: [Tool(name: "get_weather", parameters: ["type": "object", "properties": ["city": ["type": "string"]]]), Tool(name: "get_time")],
        toolChoice: .required,
        parallelToolCalls: false,
        responseFormat: .jsonSchema(JSONSchemaFormat(name: "weather", description: "A forecast", schema: ["type": "object", "properties": ["t": ["type": "number"]]])),
        reasoning: ReasoningOptions(effort: .medium),
        user: "u-1",
        metadata: ["k": "v"],
        extensions: [.openAIChat: ["store": true], .anthropicMessages: ["service_tier": "auto"]]
    )

    @Test func aRequestOfAnotherFamilyIsWrittenAsAnthropicExpects() throws {
        let body = try H.json(H.binding.encodeRequest(Self.crossFamilyRequest))
        let expected = try H.json(#"""
            {
              "model": "claude-sonnet-4-5",
              "max_tokens": 12288,
              "system": "Be brief.",
              "messages": [
                {"role": "user", "content": [
                  {"type": "text", "text": "Look:"},
                  {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                  {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}
                ]},
                {"role": "assistant", "content": [
                  {"type": "thinking", "thinking": "", "signature": "Z2VtaW5pLXNpZw=="},
                  {"type": "text", "text": "Calling tools."},
                  {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}},
                  {"type": "tool_use", "id": "call_2__sig_c2lnbmF0dXJl", "name": "get_time", "input": {}}
                ]},
                {"role": "user", "content": [
                  {"type": "tool_result", "tool_use_id": "call_1", "content": "18C"},
                  {"type": "tool_result", "tool_use_id": "call_2__sig_c2lnbmF0dXJl", "content": "noon"},
                  {"type": "text", "text": "Thanks. And tomorrow?"}
                ]}
              ],
              "metadata": {"user_id": "u-1"},
              "stop_sequences": ["END"],
              "stream": true,
              "temperature": 0.7,
              "top_k": 5,
              "thinking": {"type": "enabled", "budget_tokens": 8192},
              "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
              "tools": [
                {"name": "get_weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}},
                {"name": "get_time", "input_schema": {"type": "object", "properties": {}}}
              ],
              "output_config": {"format": {"type": "json_schema", "schema": {"type": "object", "properties": {"t": {"type": "number"}}, "description": "A forecast"}}},
              "service_tier": "auto"
            }
            """#)
        H.expectSame(body, expected)
    }

    @Test func systemBlocksAreWrittenWhenSeveralOrCached() throws {
        var request = H.request([.system("A"), .system("B"), .user("Hi")])
        #expect(try H.json(H.binding.encodeRequest(request))["system"] == [["type": "text", "text": "A"], ["type": "text", "text": "B"]])
        request.messages = [ChatMessage(role: .system, parts: [.text("A", cacheControl: .ephemeral)]), .user("Hi")]
        #expect(try H.json(H.binding.encodeRequest(request))["system"] == [["type": "text", "text": "A", "cache_control": ["type": "ephemeral"]]])
    }

    @Test(arguments: [
        (ReasoningOptions(budgetTokens: 500), nil as Int?, #"{"type":"enabled","budget_tokens":1024}"#, 5120),
        (ReasoningOptions(effort: .high), 2000, #"{"type":"enabled","budget_tokens":1999}"#, 2000),
        (ReasoningOptions(effort: .disabled), nil, #"{"type":"disabled"}"#, 4096),
        (ReasoningOptions(includeThoughts: false), nil, #"{"type":"adaptive","display":"omitted"}"#, 4096),
        (ReasoningOptions(effort: .unknown("xhigh")), 100, #"{"type":"adaptive"}"#, 100),
    ])
    func reasoningBecomesThinking(_ reasoning: ReasoningOptions, _ maxTokens: Int?, _ thinking: String, _ expectedMaxTokens: Int) throws {
        var request = H.request()
        request.reasoning = reasoning
        request.maxTokens = maxTokens
        let body = try H.json(H.binding.encodeRequest(request))
        #expect(body["thinking"] == (try H.json(thinking)))
        #expect(body["max_tokens"]?.int == expectedMaxTokens)
    }

    @Test func aTemperatureIsSentAsGivenAndValidationRefusesOneOutsideAnthropicsRange() throws {
        var request = H.request()
        request.temperature = 0.4
        #expect(try H.json(H.binding.encodeRequest(request))["temperature"]?.double == 0.4)
        request.temperature = 1.7
        let error = try #require(H.error { () throws(ChimeraError) in try request.validate() })
        #expect(error.kind == .invalidRequest)
        #expect(error.message.contains("temperature"), "\(error.message)")
    }

    @Test func aJSONObjectIsAskedForWithAForcedTool() throws {
        var request = H.request()
        request.responseFormat = .jsonObject
        request.tools = [Tool(name: "search")]
        let body = try H.json(H.binding.encodeRequest(request))
        #expect(body["tool_choice"] == ["type": "tool", "name": "json_object", "disable_parallel_tool_use": true])
        #expect(body["tools"]?.array?.map { $0["name"] } == ["search", "json_object"])
        #expect(body["tools"]?.array?.last?["input_schema"] == ["type": "object"])
        #expect(body["output_config"] == nil)
    }

    /// What may stand in the way of the forced JSON tool.
    enum JSONObjectConflict: String, CaseIterable, Sendable {
        case toolChoice = "tool_choice"
        case thinking = "thinking"
        case sameName = "a tool of that name"

        func apply(to request: inout ChatRequest) {
            switch self {
            case .toolChoice: request.toolChoice = .required
            case .thinking: request.reasoning = ReasoningOptions(effort: .low)
            case .sameName: request.tools = [Tool(name: "json_object")]
            }
        }
    }

    @Test(arguments: JSONObjectConflict.allCases)
    func aJSONObjectThatConflictsWithTheRequestIsRefused(_ conflict: JSONObjectConflict) throws {
        var request = H.request()
        request.responseFormat = .jsonObject
        conflict.apply(to: &request)
        let error = try #require(H.error { () throws(ChimeraError) in try H.binding.encodeRequest(request) })
        #expect(error.kind == .invalidRequest)
        #expect(error.message.hasPrefix("response_format:"))
        #expect(error.message.contains(conflict.rawValue))
    }

    @Test func whatAnthropicCannotExpressIsRefusedByName() throws {
        func refusal(_ messages: [ChatMessage]) throws -> String {
            try #require(H.error { () throws(ChimeraError) in try H.binding.encodeRequest(H.request(messages)) }).message
        }
        let audio = OpaquePart(family: .openAIChat, type: "input_audio", json: ["type": "input_audio"])
        #expect(try refusal([.user([.text("x"), .opaque(audio)])]) == "messages[0].content[1]: openai's input_audio part cannot be sent to Anthropic")
        #expect(try refusal([.user("x"), .assistant([.toolCall(ToolCall(id: "c", name: "f", arguments: "[1]"))])])
            == "messages[1].content[0]: Anthropic needs a tool call's arguments as a JSON object; found an array")
        #expect(try refusal([.user("x"), .assistant([.toolCall(ToolCall(id: "c", name: "f", arguments: "{oops"))])])
            .hasSuffix("found text that is not JSON"))
        #expect(try refusal([ChatMessage(role: .unknown("function"), content: "x")]).hasPrefix("messages[0].role:"))
        #expect(try refusal([.user([.image(Media(source: .base64("AAAA"))) ])]).hasPrefix("messages[0].content[0]: an inline image needs a media type"))
        #expect(try refusal([.user([.document(Media(source: .base64("AAAA"), mediaType: "application/msword"))])])
            == "messages[0].content[0]: Anthropic takes PDF and plain-text documents; found application/msword")
    }

    @Test func aPlainTextDocumentGivenAsBase64IsSentAsText() throws {
        let request = H.request([.user([.document(Media(source: .base64("aGVsbG8="), mediaType: "text/plain", filename: "a.txt"))])])
        let block = try H.json(H.binding.encodeRequest(request))["messages"]?.array?.first?["content"]?.array?.first
        #expect(block == ["type": "document", "source": ["type": "text", "media_type": "text/plain", "data": "hello"], "title": "a.txt"])
    }

    // MARK: Inbound refusals

    @Test(arguments: [
        (#"{"max_tokens":1,"messages":[]}"#, "model: required"),
        (#"{"model":"m","messages":[]}"#, "max_tokens: required"),
        (#"{"model":"m","max_tokens":1}"#, "messages: required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"tool","content":"x"}]}"#, #"messages[0].role: "tool" is not a role of Anthropic Messages; accepted: user, assistant, system"#),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"text":"x"}]}]}"#, "messages[0].content[0].type: required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_use","id":"t","name":"f","input":[1]}]}]}"#, "messages[0].content[0].input: expected an object, found an array"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x","name":"bob"}]}"#, "messages[0].name: not a member of a message; a message has role and content"),
        (#"{"model":"m","max_tokens":1,"messages":[],"tools":[{"name":"f"}]}"#, "tools[0].input_schema: required"),
        (#"[1]"#, "body: expected a JSON object"),
    ])
    func aMalformedRequestIsRefusedNamingTheField(_ body: String, _ message: String) throws {
        let error = try #require(H.error { () throws(ChimeraError) in
            try H.binding.decodeRequest(Array(body.utf8), provider: .anthropic, model: nil, stream: nil)
        })
        #expect(error.kind == .invalidRequest)
        #expect(error.message == message)
        #expect(error.provider == .anthropic)
    }

    @Test func aToolUseInputWithRawArgumentsComesBackAsTheirText() throws {
        let body = #"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{"chimera_raw_arguments":"{oops"}}]}]}"#
        let request = try H.binding.decodeRequest(Array(body.utf8), provider: .anthropic, model: nil, stream: nil)
        #expect(request.messages.first?.toolCalls.first?.arguments == "{oops")
    }
}

extension ContentPart {
    /// The type of an opaque part, `nil` for any other.
    fileprivate var opaqueType: String? {
        if case .opaque(let part) = self { part.type } else { nil }
    }
}
