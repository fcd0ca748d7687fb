import ChimeraCore
import ChimeraWire
import Foundation
import Testing

@Suite("Gemini binding: requests")
struct GeminiRequestTests {
    /// What python-genai sends for `generate_content` with a system instruction, a function
    /// declaration (OpenAPI-subset schema), thinking and sampling settings, plus a safety
    /// setting and a Google Search tool the domain has no field for.
    static let pythonGenAIBody = """
        {
          "contents": [{"parts": [{"text": "What's the weather in Boston?"}], "role": "user"}],
          "systemInstruction": {"parts": [{"text": "Be terse."}], "role": "user"},
          "generationConfig": {
            "temperature": 0.2, "topP": 0.9, "topK": 40, "candidateCount": 1, "maxOutputTokens": 1024,
            "stopSequences": ["END"], "responseLogprobs": true, "logprobs": 3, "presencePenalty": 0.5,
            "frequencyPenalty": -0.5, "seed": 42, "responseModalities": ["TEXT"],
            "thinkingConfig": {"includeThoughts": true, "thinkingBudget": 2048}
          },
          "safetySettings": [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_ONLY_HIGH"}],
          "tools": [
            {"functionDeclarations": [{
              "description": "Get the current weather",
              "name": "get_weather",
              "parameters": {
                "properties": {"unit": {"enum": ["C", "F"], "nullable": true, "type": "STRING"}, "city": {"type": "STRING"}},
                "propertyOrdering": ["city", "unit"],
                "required": ["city"],
                "type": "OBJECT"
              }
            }]},
            {"googleSearch": {}}
          ],
          "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}},
          "cachedContent": "cachedContents/abc",
          "labels": {"team": "search"}
        }
        """

    @Test func pythonGenAIRequestDecodesEveryField() throws {
        let request = try GeminiHarness.decode(Self.pythonGenAIBody, model: "models/gemini-2.5-flash", stream: true)
        #expect(request.model == "gemini-2.5-flash")
        #expect(request.stream)
        #expect(request.messages == [.system("Be terse."), .user("What's the weather in Boston?")])
        #expect(request.temperature == 0.2)
        #expect(request.topP == 0.9)
        #expect(request.topK == 40)
        #expect(request.choiceCount == 1)
        #expect(request.maxTokens == 1024)
        #expect(request.stopSequences == ["END"])
        #expect(request.logprobs == LogprobOptions(top: 3))
        #expect(request.presencePenalty == 0.5)
        #expect(request.frequencyPenalty == -0.5)
        #expect(request.seed == 42)
        #expect(request.reasoning == ReasoningOptions(budgetTokens: 2048, includeThoughts: true))
        #expect(request.toolChoice == .tool("get_weather"))
        #expect(request.tools.count == 1)
        #expect(request.tools.first?.name == "get_weather")
        #expect(request.tools.first?.description == "Get the current weather")
        // Lower-case types, nullable as a type array, properties in propertyOrdering's order.
        #expect(request.tools.first?.parameters == (try json("""
            {"properties":{"city":{"type":"string"},"unit":{"enum":["C","F"],"type":["string","null"]}},"required":["city"],"type":"object"}
            """)))
        let extensions = try #require(request.extensions[.geminiGenerateContent])
        #expect(extensions["tools"] == (try json(#"[{"googleSearch":{}}]"#)))
        #expect(extensions["generationConfig"] == (try json(#"{"responseModalities":["TEXT"]}"#)))
        #expect(extensions["cachedContent"] == "cachedContents/abc")
        #expect(extensions["labels"] == (try json(#"{"team":"search"}"#)))
        #expect(extensions["safetySettings"] != nil)
        #expect(extensions["systemInstruction"] == (try json(#"{"role":"user"}"#)))
    }

    @Test func decodeThenEncodeGivesBackTheSameBody() throws {
        let request = try GeminiHarness.decode(Self.pythonGenAIBody)
        let encoded = try GeminiHarness.encode(request)
        let original = try json(Self.pythonGenAIBody)
        #expect(semanticallyEqual(encoded, original), "\(encoded)")
    }

    /// A multi-turn function-calling conversation as google-genai's chat sends it back: the
    /// model turn with its thought, a signed call and a second call, the results in a user turn.
    static let toolConversation = """
        {"contents": [
          {"role": "user", "parts": [{"text": "Weather in Paris and Rome?"}]},
          {"role": "model", "parts": [
            {"text": "I should look both up.", "thought": true},
            {"functionCall": {"name": "get_weather", "args": {"city": "Paris", "days": 2}}, "thoughtSignature": "c2lnLTE="},
            {"functionCall": {"name": "get_weather", "args": {"city": "Rome"}}}
          ]},
          {"role": "user", "parts": [
            {"functionResponse": {"name": "get_weather", "response": {"temp": 21}}},
            {"functionResponse": {"name": "get_weather", "response": {"result": "sunny"}}}
          ]},
          {"role": "model", "parts": [{"text": "Paris 21°, Rome sunny.", "thoughtSignature": "c2lnLTI="}]},
          {"parts": [{"text": "Thanks"}]}
        ]}
        """

    @Test func functionCallsGetStableIDsAndResultsMapToThem() throws {
        let request = try GeminiHarness.decode(Self.toolConversation)
        let model = request.messages[1]
        #expect(model.role == .assistant)
        #expect(model.parts == [
            .reasoning(Reasoning(text: "I should look both up.")),
            .toolCall(ToolCall(id: "call_1_0", name: "get_weather", arguments: #"{"city":"Paris","days":2}"#, signature: "c2lnLTE=")),
            .toolCall(ToolCall(id: "call_1_1", name: "get_weather", arguments: #"{"city":"Rome"}"#)),
        ])
        #expect(request.messages[2].toolResults == [
            ToolResult(toolCallID: "call_1_0", name: "get_weather", text: #"{"temp":21}"#),
            ToolResult(toolCallID: "call_1_1", name: "get_weather", text: "sunny"),
        ])
        // A text part's signature becomes a signature-only reasoning part before it.
        #expect(request.messages[3].parts == [.reasoning(Reasoning(text: "", signature: "c2lnLTI=")), .text("Paris 21°, Rome sunny.")])
        #expect(request.messages[4] == .user("Thanks"))
        // Reading the same conversation again gives the same ids.
        #expect(try GeminiHarness.decode(Self.toolConversation) == request)
        // And writing it back gives the same body: no made-up ids, signatures where they were.
        #expect(semanticallyEqual(try GeminiHarness.encode(request), try json(Self.toolConversation).withDefaultRoles()))
    }

    @Test func functionResponsesMatchByIDWhenGeminiGaveOne() throws {
        let body = """
            {"contents": [
              {"role": "model", "parts": [{"functionCall": {"id": "fc-9", "name": "lookup", "args": {}}, "thoughtSignature": "c2ln"}]},
              {"role": "user", "parts": [{"functionResponse": {"id": "fc-9", "name": "lookup", "response": {"error": "not found"}}}]}
            ]}
            """
        let request = try GeminiHarness.decode(body)
        #expect(request.messages[0].toolCalls == [ToolCall(id: "fc-9", name: "lookup", arguments: "{}", signature: "c2ln")])
        #expect(request.messages[1].toolResults == [ToolResult(toolCallID: "fc-9", name: "lookup", text: "not found", isError: true)])
        #expect(semanticallyEqual(try GeminiHarness.encode(request), try json(body)))
    }

    @Test func mediaPartsAndOpaquePartsKeepTheirPlace() throws {
        let body = """
            {"contents": [{"role": "user", "parts": [
              {"text": "Compare"},
              {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
              {"fileData": {"mimeType": "application/pdf", "fileUri": "https://generativelanguage.googleapis.com/v1beta/files/abc"}},
              {"fileData": {"fileUri": "https://www.youtube.com/watch?v=x"}, "videoMetadata": {"startOffset": "10s"}},
              {"executableCode": {"language": "PYTHON", "code": "print(1)"}}
            ]}]}
            """
        let request = try GeminiHarness.decode(body)
        let parts = request.messages[0].parts
        #expect(parts.count == 5)
        #expect(parts[1] == .image(base64: "iVBORw0KGgo=", mediaType: "image/png"))
        #expect(parts[2] == .document(Media(source: .url("https://generativelanguage.googleapis.com/v1beta/files/abc"), mediaType: "application/pdf")))
        guard case .opaque(let video) = parts[3], case .opaque(let code) = parts[4] else {
            Issue.record("expected opaque parts, got \(parts)")
            return
        }
        #expect(video.family == .geminiGenerateContent && video.type == "fileData")
        #expect(code.type == "executableCode")
        #expect(semanticallyEqual(try GeminiHarness.encode(request), try json(body)))
    }

    @Test func responseSchemaBecomesJSONSchemaAndComesBackAsSent() throws {
        let body = """
            {"contents": [{"role": "user", "parts": [{"text": "List two cities"}]}],
             "generationConfig": {"responseMimeType": "application/json", "responseSchema": {
               "type": "ARRAY", "items": {"type": "OBJECT", "properties": {"name": {"type": "STRING"}, "pop": {"type": "INTEGER", "format": "int64", "nullable": true}},
               "propertyOrdering": ["pop", "name"], "required": ["name"]}, "minItems": "2"}}}
            """
        let request = try GeminiHarness.decode(body)
        guard case .jsonSchema(let format)? = request.responseFormat else {
            Issue.record("expected a JSON Schema, got \(String(describing: request.responseFormat))")
            return
        }
        #expect(format.name == "response")
        #expect(format.schema == (try json("""
            {"type":"array","items":{"type":"object","properties":{"pop":{"type":["integer","null"],"format":"int64"},"name":{"type":"string"}},"required":["name"]},"minItems":2}
            """)))
        #expect(semanticallyEqual(try GeminiHarness.encode(request), try json(body)))
    }

    @Test(arguments: [
        (#"{"responseMimeType":"application/json"}"#, ResponseFormat?.some(.jsonObject)),
        (#"{"responseMimeType":"text/plain"}"#, .some(.text)),
        (#"{"responseMimeType":"application/json","responseJsonSchema":{"type":"object"}}"#, .some(.jsonSchema(JSONSchemaFormat(name: "response", schema: ["type": "object"])))),
        (#"{"responseMimeType":"text/x.enum","responseSchema":{"type":"STRING","enum":["a","b"]}}"#, nil),
    ])
    func responseMimeTypesMapToResponseFormats(_ config: String, _ expected: ResponseFormat?) throws {
        let body = #"{"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":\#(config)}"#
        let request = try GeminiHarness.decode(body)
        #expect(request.responseFormat == expected)
        #expect(semanticallyEqual(try GeminiHarness.encode(request), try json(body)))
    }

    @Test(arguments: [
        (#"{"mode":"AUTO"}"#, ToolChoice?.some(.auto)),
        (#"{"mode":"NONE"}"#, .some(ToolChoice.none)),
        (#"{"mode":"ANY"}"#, .some(.required)),
        (#"{"mode":"ANY","allowedFunctionNames":["a","b"]}"#, .some(.required)),
        (#"{"mode":"VALIDATED"}"#, nil),
    ])
    func functionCallingModesMapToToolChoices(_ config: String, _ expected: ToolChoice?) throws {
        let body = """
            {"contents":[{"role":"user","parts":[{"text":"x"}]}],
             "tools":[{"functionDeclarations":[{"name":"a","parametersJsonSchema":{"type":"object"}},{"name":"b","behavior":"NON_BLOCKING"}]}],
             "toolConfig":{"functionCallingConfig":\(config),"retrievalConfig":{"languageCode":"en"}}}
            """
        let request = try GeminiHarness.decode(body)
        #expect(request.toolChoice == expected)
        #expect(request.tools.map(\.name) == ["a", "b"])
        #expect(request.tools.first?.parameters == ["type": "object"])
        #expect(semanticallyEqual(try GeminiHarness.encode(request), try json(body)))
    }

    @Test(arguments: [
        (#"{"thinkingLevel":"HIGH"}"#, ReasoningOptions(effort: .high, includeThoughts: false)),
        (#"{"thinkingBudget":0,"includeThoughts":false}"#, ReasoningOptions(budgetTokens: 0, includeThoughts: false)),
        (#"{"thinkingBudget":-1,"includeThoughts":true}"#, ReasoningOptions(includeThoughts: true)),
    ])
    func thinkingConfigsMapToReasoningOptionsAndBack(_ config: String, _ expected: ReasoningOptions) throws {
        let body = #"{"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"thinkingConfig":\#(config)}}"#
        let request = try GeminiHarness.decode(body)
        #expect(request.reasoning == expected)
        let encoded = try GeminiHarness.encode(request)
        let thinking = try #require(encoded["generationConfig"]?["thinkingConfig"]?.object)
        let sent = try #require(try json(config).object)
        for member in sent { #expect(thinking[member.key] == member.value, "\(member.key) in \(thinking)") }
    }

    @Test func snakeCaseNamesAreReadLikeCamelCase() throws {
        let body = """
            {"contents":[{"role":"user","parts":[{"text":"x"},{"inline_data":{"mime_type":"image/jpeg","data":"AA=="}}]}],
             "system_instruction":{"parts":[{"text":"sys"}]},
             "generation_config":{"max_output_tokens":5,"stop_sequences":["x"]}}
            """
        let request = try GeminiHarness.decode(body)
        #expect(request.messages.first == .system("sys"))
        #expect(request.messages[1].parts[1] == .image(base64: "AA==", mediaType: "image/jpeg"))
        #expect(request.maxTokens == 5)
        #expect(request.stopSequences == ["x"])
    }

    @Test func countTokensBodyWrappingAWholeRequestIsReadAsThatRequest() throws {
        let body = #"{"generateContentRequest":{"model":"models/gemini-2.0-flash","contents":[{"role":"user","parts":[{"text":"x"}]}],"systemInstruction":{"parts":[{"text":"s"}]}}}"#
        let request = try GeminiHarness.decode(body, model: nil)
        #expect(request.model == "gemini-2.0-flash")
        #expect(request.messages == [.system("s"), .user("x")])
    }

    @Test(arguments: [
        (#"{"contents":[{"role":"user","parts":[{"text":5}]}]}"#, "contents[0].parts[0].text: expected a string, found a number"),
        (#"{"contents":[{"role":"user"}]}"#, "contents[0].parts: required"),
        (#"{"contents":[{"role":"user","parts":[],"extra":1}]}"#, "contents[0]: unknown member \"extra\""),
        (#"{"contents":[{"role":"model","parts":[{"functionCall":{"name":"f","args":[1]}}]}]}"#, "contents[0].parts[0].functionCall.args: expected an object, found an array"),
        (#"{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"temperature":"hot"}}"#, "generationConfig.temperature: expected a number, found a string"),
        (#"[1]"#, "body: expected an object, found an array"),
    ])
    func malformedRequestsNameTheField(_ body: String, _ message: String) {
        let error = thrownError { try GeminiHarness.decode(body) }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test(arguments: [nil, "", "models/"] as [String?])
    func theModelMustComeFromTheURL(_ model: String?) {
        let error = thrownError { try GeminiHarness.decode(#"{"contents":[{"parts":[{"text":"x"}]}]}"#, model: model) }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message.hasPrefix("model:") == true, "\(String(describing: error))")
    }

    @Test func validationRunsOnDecodedRequests() {
        let error = thrownError { try GeminiHarness.decode(#"{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"temperature":3}}"#) }
        #expect(error?.message.contains("temperature: 3.0 is out of range for Gemini") == true, "\(String(describing: error))")
    }

    // MARK: Encoding requests from other families

    @Test func anOpenAIStyleToolLoopEncodesAsGeminiExpects() throws {
        let signed = ToolCall(id: "call_abc", name: "get_weather", arguments: #"{"city":"Paris"}"#, signature: "c2ln")
        var request = ChatRequest(
            provider: .gemini,
            model: "gemini-2.5-flash",
            messages: [
                .system("Be terse."),
                .user([.text("Weather?"), .image(url: "data:image/png;base64,iVBOR"), .image(url: "https://example.com/cat.jpg")]),
                // The OpenAI binding hands back the signature folded into the id.
                .assistant([.reasoning(Reasoning(text: "thinking", signature: "dGhpbms=")), .toolCall(ToolCall(id: signed.idCarryingSignature, name: "get_weather", arguments: signed.arguments)),
                            .toolCall(ToolCall(id: "call_2_ab12cd34", name: "get_time", arguments: ""))]),
                .toolResult(ToolResult(toolCallID: signed.idCarryingSignature, text: "21 C")),
                .toolResult(ToolResult(toolCallID: "call_2_ab12cd34", text: #"{"time":"noon"}"#, isError: false)),
            ],
            temperature: 0.5,
            maxTokens: 100,
            responseFormat: .jsonSchema(JSONSchemaFormat(name: "weather", schema: ["type": "object"], strict: true)),
            reasoning: ReasoningOptions(effort: .medium),
            user: "u-1",
            metadata: ["k": "v"]
        )
        request.tools = [Tool(name: "get_weather", description: "Weather", parameters: ["type": "object", "properties": ["city": ["type": "string"]]], strict: true)]
        request.toolChoice = .required
        request.extensions[.openAIChat] = ["store": true]

        let body = try GeminiHarness.encode(request)
        #expect(body == (try json("""
            {"contents":[
              {"role":"user","parts":[{"text":"Weather?"},{"inlineData":{"mimeType":"image/png","data":"iVBOR"}},{"fileData":{"mimeType":"image/jpeg","fileUri":"https://example.com/cat.jpg"}}]},
              {"role":"model","parts":[
                {"text":"thinking","thought":true,"thoughtSignature":"dGhpbms="},
                {"functionCall":{"name":"get_weather","args":{"city":"Paris"},"id":"call_abc"},"thoughtSignature":"c2ln"},
                {"functionCall":{"name":"get_time","args":{}}}]},
              {"role":"user","parts":[
                {"functionResponse":{"name":"get_weather","response":{"result":"21 C"},"id":"call_abc"}},
                {"functionResponse":{"name":"get_time","response":{"time":"noon"}}}]}],
             "systemInstruction":{"parts":[{"text":"Be terse."}]},
             "generationConfig":{"temperature":0.5,"maxOutputTokens":100,"responseMimeType":"application/json","responseJsonSchema":{"type":"object"},
               "thinkingConfig":{"thinkingBudget":8192,"includeThoughts":true}},
             "tools":[{"functionDeclarations":[{"name":"get_weather","description":"Weather","parametersJsonSchema":{"type":"object","properties":{"city":{"type":"string"}}}}]}],
             "toolConfig":{"functionCallingConfig":{"mode":"ANY"}}}
            """)), "\(body)")
    }

    @Test func aRequestWithoutOptionsHasNoGenerationConfigOrSystemInstruction() throws {
        let body = try GeminiHarness.encode(GeminiHarness.request())
        #expect(body["generationConfig"] == nil)
        #expect(body["systemInstruction"] == nil)
    }

    @Test func callsAnotherProviderMadeInTheCurrentTurnGetGooglesBypassSignature() throws {
        let call = { (id: String) in ContentPart.toolCall(ToolCall(id: id, name: "f", arguments: "{}")) }
        let result = { (id: String) in ChatMessage.toolResult(ToolResult(toolCallID: id, name: "f", text: "r")) }
        let request = GeminiHarness.request([
            .user("first"), .assistant([call("a")]), result("a"), .assistant([.text("done")]),
            .user("second"), .assistant([.text("Calling"), call("b"), call("c")]), result("b"), result("c"),
            .assistant([call("d")]), result("d"),
        ])
        let contents = try #require(try GeminiHarness.encode(request)["contents"]?.array)
        let signatures = contents.map { content in (content["parts"]?.array ?? []).map { $0["thoughtSignature"]?.string } }
        #expect(signatures == [
            [nil], [nil], [nil], [nil],  // an earlier turn: Gemini checks only the current one
            [nil], [nil, "skip_thought_signature_validator", nil], [nil, nil],
            ["skip_thought_signature_validator"], [nil],
        ])
    }

    @Test func aToolResultWithoutAKnownNameIsRefused() {
        let request = GeminiHarness.request([.user("x"), .toolResult(ToolResult(toolCallID: "call_9", text: "r"))])
        let error = thrownError { try GeminiHarness.binding.encodeRequest(request) }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message.contains("messages[1].content[0]: the result of tool call \"call_9\" needs the tool's name") == true, "\(String(describing: error))")
    }

    @Test func toolCallArgumentsThatAreNotAnObjectAreRefused() {
        let request = GeminiHarness.request([.user("x"), .assistant([.toolCall(ToolCall(id: "c", name: "f", arguments: "[1, 2"))])])
        let error = thrownError { try GeminiHarness.binding.encodeRequest(request) }
        #expect(error?.message.contains("messages[1].content[0]: the arguments of the call of \"f\" are not a JSON object") == true, "\(String(describing: error))")
    }

    @Test func anotherFamilysOpaquePartIsRefusedByName() {
        let audio = OpaquePart(family: .openAIChat, type: "input_audio", json: ["type": "input_audio"])
        let request = GeminiHarness.request([.user([.text("x"), .opaque(audio)])])
        let error = thrownError { try GeminiHarness.binding.encodeRequest(request) }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.provider == .gemini)
        #expect(error?.message.contains("messages[0].content[1]: a openai \"input_audio\" part has no Gemini form") == true, "\(String(describing: error))")
    }

    @Test func signaturesOnlyReasoningReattachesToTheNextPartAndRedactedReasoningIsLeftOut() throws {
        let request = GeminiHarness.request([
            .user("x"),
            .assistant([
                .reasoning(Reasoning(text: "", redactedData: "ENCRYPTED")),
                .reasoning(Reasoning(text: "", signature: "s1")),
                .text("answer"),
                .reasoning(Reasoning(text: "", signature: "s2")),
            ]),
        ])
        let body = try GeminiHarness.encode(request)
        #expect(body["contents"]?.array?.last == (try json(#"{"role":"model","parts":[{"text":"answer","thoughtSignature":"s1"},{"text":"","thoughtSignature":"s2"}]}"#)))
    }

    @Test func aDocumentOfTextIsSentInline() throws {
        let request = GeminiHarness.request([.user([.document(Media(source: .text("hello"), title: "note"))])])
        let body = try GeminiHarness.encode(request)
        #expect(body["contents"]?.array?.first?["parts"] == (try json(#"[{"inlineData":{"mimeType":"text/plain","data":"aGVsbG8="}}]"#)))
    }

    @Test func countTokensSendsContentsAloneOrTheWholeRequest() throws {
        let plain = try JSONValue(parsing: GeminiHarness.binding.encodeTokenCountRequest(GeminiHarness.request([.user("hi")])))
        #expect(plain == (try json(#"{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}"#)))
        let withSystem = try JSONValue(parsing: GeminiHarness.binding.encodeTokenCountRequest(GeminiHarness.request([.system("s"), .user("hi")])))
        #expect(withSystem == (try json("""
            {"generateContentRequest":{"model":"models/gemini-2.5-flash","contents":[{"role":"user","parts":[{"text":"hi"}]}],"systemInstruction":{"parts":[{"text":"s"}]}}}
            """)))
    }
}

extension JSONValue {
    /// The body with `"role": "user"` on contents that had no role, as the encoder writes them.
    fileprivate func withDefaultRoles() -> JSONValue {
        guard case .object(var body) = self, case .array(let contents)? = body["contents"] else { return self }
        body["contents"] = .array(contents.map { content in
            guard case .object(var object) = content, object["role"] == nil else { return content }
            object["role"] = "user"
            return .object(object)
        })
        return .object(body)
    }
}
