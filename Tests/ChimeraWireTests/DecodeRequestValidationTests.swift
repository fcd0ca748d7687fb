import ChimeraCore
import ChimeraWire
import Testing

/// An inbound body the proxy server must refuse, and the part of the message that names the field.
struct BadRequestCase: Sendable, CustomTestStringConvertible {
    var family: ProtocolFamily
    var body: String
    var message: String

    var testDescription: String { "\(family.rawValue): \(message)" }
}

@Suite("Inbound request validation")
struct DecodeRequestValidationTests {
    static let user = #"{"role":"user","content":"Hi"}"#

    static let cases: [BadRequestCase] = [
        // OpenAI
        BadRequestCase(family: .openAIChat, body: "[1,2]", message: "body: expected an object"),
        BadRequestCase(family: .openAIChat, body: #""hello""#, message: "body: expected an object"),
        BadRequestCase(family: .openAIChat, body: "model=gpt-4.1", message: "body: not valid JSON"),
        BadRequestCase(family: .openAIChat, body: "", message: "body: not valid JSON"),
        BadRequestCase(family: .openAIChat, body: "{}", message: "model: required"),
        // A null member is read as an absent one, as the providers' APIs read it.
        BadRequestCase(family: .openAIChat, body: #"{"model":null,"messages":[\#(user)]}"#, message: "model: required"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"","messages":[\#(user)]}"#, message: "model: must not be empty"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m"}"#, message: "messages: required"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m","messages":{}}"#, message: "messages: expected an array"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m","messages":[]}"#, message: "messages: need at least one user or assistant message"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m","messages":[{"role":"system","content":"x"}]}"#, message: "messages: need at least one user or assistant message"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m","messages":[\#(user),\#(user),{"role":5,"content":"c"}]}"#, message: "messages[2].role: expected a string"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m","messages":["Hi"]}"#, message: "messages[0]: expected an object"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m","messages":[{"role":"user","content":5}]}"#, message: "messages[0].content: expected a string or an array of content parts, found a number"),
        BadRequestCase(
            family: .openAIChat,
            body: #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"Look"},{"type":"image_url","image_url":{}}]}]}"#,
            message: "messages[0].content[1].image_url.url: required"
        ),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]}"#, message: "messages[0].content[0].text: required"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m","stop":5,"messages":[\#(user)]}"#, message: "stop: expected a string or an array of strings"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m","stop":["a",1],"messages":[\#(user)]}"#, message: "stop[1]: expected a string"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m","max_tokens":"ten","messages":[\#(user)]}"#, message: "max_tokens: expected an integer"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m","max_tokens":0,"messages":[\#(user)]}"#, message: "max_tokens: 0 is out of range"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m","temperature":5,"messages":[\#(user)]}"#, message: "temperature: 5.0 is out of range for OpenAI; accepted: 0 to 2"),
        BadRequestCase(family: .openAIChat, body: #"{"model":"m","stream":"yes","messages":[\#(user)]}"#, message: "stream: expected true or false"),
        // Anthropic
        BadRequestCase(family: .anthropicMessages, body: "42", message: "body: expected a JSON object"),
        BadRequestCase(family: .anthropicMessages, body: #"{"max_tokens":10,"messages":[\#(user)]}"#, message: "model: required"),
        BadRequestCase(family: .anthropicMessages, body: #"{"model":"c","messages":[\#(user)]}"#, message: "max_tokens: required"),
        BadRequestCase(family: .anthropicMessages, body: #"{"model":"c","max_tokens":10}"#, message: "messages: required"),
        BadRequestCase(family: .anthropicMessages, body: #"{"model":"c","max_tokens":10,"messages":[]}"#, message: "messages: need at least one"),
        BadRequestCase(family: .anthropicMessages, body: #"{"model":"c","max_tokens":10,"system":5,"messages":[\#(user)]}"#, message: "system: expected a string or an array of text blocks"),
        BadRequestCase(
            family: .anthropicMessages,
            body: #"{"model":"c","max_tokens":10,"system":[{"type":"image","source":{}}],"messages":[\#(user)]}"#,
            message: "system[0].source.type: required"
        ),
        BadRequestCase(
            family: .anthropicMessages,
            body: #"{"model":"c","max_tokens":10,"messages":[\#(user),{"role":"user","content":[{"type":"tool_result","content":"42"}]}]}"#,
            message: "messages[1].content[0].tool_use_id: required"
        ),
        BadRequestCase(family: .anthropicMessages, body: #"{"model":"c","max_tokens":10,"messages":[{"role":"user","content":[{"type":"text"}]}]}"#, message: "messages[0].content[0].text: required"),
        BadRequestCase(family: .anthropicMessages, body: #"{"model":"c","max_tokens":10,"messages":[{"role":"user","content":true}]}"#, message: "messages[0].content: expected a string or an array of content blocks"),
        BadRequestCase(family: .anthropicMessages, body: #"{"model":"c","max_tokens":10,"stop_sequences":"END","messages":[\#(user)]}"#, message: "stop_sequences: expected an array"),
        // Gemini (the model comes from the URL)
        BadRequestCase(family: .geminiGenerateContent, body: "[]", message: "body: expected an object"),
        // No contents is no conversation, which validation refuses.
        BadRequestCase(family: .geminiGenerateContent, body: "{}", message: "messages: need at least one user or assistant message"),
        BadRequestCase(family: .geminiGenerateContent, body: #"{"contents":[]}"#, message: "messages: need at least one user or assistant message"),
        BadRequestCase(family: .geminiGenerateContent, body: #"{"contents":[{"role":"user"}]}"#, message: "contents[0].parts: required"),
        BadRequestCase(family: .geminiGenerateContent, body: #"{"contents":[{"role":5,"parts":[{"text":"Hi"}]}]}"#, message: "contents[0].role: expected a string"),
        BadRequestCase(
            family: .geminiGenerateContent,
            body: #"{"contents":[{"role":"user","parts":[{"text":"Hi"}]},{"role":"model","parts":[{"functionCall":{"args":{}}}]}]}"#,
            message: "contents[1].parts[0].functionCall.name: required"
        ),
        BadRequestCase(
            family: .geminiGenerateContent,
            body: #"{"systemInstruction":{"parts":[{"inlineData":{}}]},"contents":[{"parts":[{"text":"Hi"}]}]}"#,
            message: "systemInstruction.parts[0].inlineData.data: required"
        ),
        BadRequestCase(
            family: .geminiGenerateContent,
            body: #"{"contents":[{"parts":[{"text":"Hi"}]}],"generationConfig":{"maxOutputTokens":"many"}}"#,
            message: "generationConfig.maxOutputTokens: expected an integer"
        ),
        BadRequestCase(
            family: .geminiGenerateContent,
            body: #"{"contents":[{"parts":[{"text":"Hi"}]}],"generationConfig":{"topP":3}}"#,
            message: "top_p: 3.0 is out of range"
        ),
    ]

    @Test(arguments: cases)
    func badBodyIsRefusedNamingTheField(_ example: BadRequestCase) throws {
        let binding = ProtocolBindings.binding(for: example.family)
        let model = example.family == .geminiGenerateContent ? "gemini-2.5-flash" : nil
        let error = try #require(thrownError {
            // As the relay does: range checks are validation's, made once on every decoded request.
            try binding.decodeRequest(Array(example.body.utf8), provider: example.family.sampleProvider, model: model, stream: nil).validate()
        })
        #expect(error.kind == .invalidRequest)
        #expect(error.status == 400)
        #expect(error.provider == example.family.sampleProvider)
        #expect(error.message.contains(example.message), "message was: \(error.message)")
        #expect(error.httpStatus == 400)
    }

    @Test func valueEchoedInAMessageIsCutShort() throws {
        let longType = String(repeating: "x", count: 5_000)
        let body = #"{"model":"m","max_tokens":1,"messages":[{"role":"\#(longType)","content":"x"}]}"#
        let error = try #require(thrownError { try AnthropicMessagesBinding().decodeRequest(Array(body.utf8), provider: .anthropic, model: nil, stream: nil) })
        #expect(error.message.count < 300)
    }
}
