import ChimeraCore
import ChimeraWire
import Testing

private typealias H = OpenAIChatHarness

@Suite("OpenAI Chat binding: requests")
struct OpenAIChatRequestTests {
    // MARK: Encoding

    @Test func aRequestToOpenAIUsesMaxCompletionTokensAndAsksForStreamUsage() throws {
        let request = ChatRequest(
            provider: .openai, model: "gpt-4.1",
            messages: [.system("You are terse."), .user("Hi")],
            temperature: 0.7, topP: 0.9, maxTokens: 512, stopSequences: ["\n\n"], stream: true
        )
        let body = try H.encode(request)
        #expect(body["model"] == "gpt-4.1")
        #expect(body["max_completion_tokens"]?.int == 512)
        #expect(body["max_tokens"] == nil)
        #expect(body["temperature"]?.double == 0.7)
        #expect(body["top_p"]?.double == 0.9)
        #expect(body["stop"] == ["\n\n"])
        #expect(body["stream"] == true)
        #expect(body["stream_options"]?["include_usage"] == true)
        let messages = try #require(body["messages"]?.array)
        #expect(messages.map { $0["role"] } == ["system", "user"])
        #expect(messages.map { $0["content"] } == ["You are terse.", "Hi"])
    }

    @Test(arguments: [ProviderID.deepseek, .qwen, .cursor])
    func aRequestToACompatibleServerUsesMaxTokens(_ provider: ProviderID) throws {
        let body = try H.encode(ChatRequest(provider: provider, model: "m", messages: [.user("Hi")], maxTokens: 64))
        #expect(body["max_tokens"]?.int == 64)
        #expect(body["max_completion_tokens"] == nil)
        #expect(body["stream_options"] == nil)
        #expect(body["stop"] == nil)
        #expect(body["temperature"] == nil)
    }

    @Test func aTemperatureThatIsNotANumberIsAnInvalidRequest() throws {
        let request = ChatRequest(provider: .openai, model: "m", messages: [.user("Hi")], temperature: .nan)
        let error = try #require(thrownError { try H.binding.encodeRequest(request) })
        #expect(error.kind == .invalidRequest)
        #expect(error.message.contains("temperature"))
    }

    // MARK: Decoding

    @Test func anInboundRequestReadsWhatOpenAIClientsSend() throws {
        let body = """
            {"model":"gpt-4.1","max_tokens":100,"stop":"END","stream":true,
             "messages":[
               {"role":"developer","content":"Be brief."},
               {"role":"user","content":[{"type":"text","text":"Part one."},{"type":"text","text":"Part two."}]},
               {"role":"assistant","content":null},
               {"role":"tool","content":"42","tool_call_id":"call_1"}
             ]}
            """
        let request = try H.decode(body, provider: .deepseek)
        #expect(request.provider == .deepseek)
        #expect(request.model == "gpt-4.1")
        #expect(request.maxTokens == 100)
        #expect(request.stopSequences == ["END"])
        #expect(request.stream)
        #expect(request.messages == [
            .system("Be brief."),
            ChatMessage(role: .user, parts: [.text("Part one."), .text("Part two.")]),
            ChatMessage(role: .assistant, parts: []),
            .toolResult(ToolResult(toolCallID: "call_1", text: "42")),
        ])
    }

    @Test func maxCompletionTokensWinsOverMaxTokens() throws {
        let request = try H.decode(#"{"model":"m","max_tokens":10,"max_completion_tokens":20,"stop":["a","b"],"messages":[{"role":"user","content":"x"}]}"#)
        #expect(request.maxTokens == 20)
        #expect(request.stopSequences == ["a", "b"])
        #expect(!request.stream)
    }
}
