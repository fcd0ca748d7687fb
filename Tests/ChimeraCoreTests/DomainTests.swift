import ChimeraCore
import Foundation
import Testing

@Suite("Domain types")
struct DomainTests {
    @Test func openEnumsKeepUnknownValues() {
        #expect(FinishReason(rawValue: "insufficient_system_resource") == .unknown("insufficient_system_resource"))
        #expect(ChatMessage.Role(rawValue: "developer") == .unknown("developer"))
        #expect(ChatMessage.Role(rawValue: "tool") == .tool)
        #expect(ReasoningEffort(rawValue: "none") == .disabled)
        #expect(ReasoningEffort(rawValue: "extreme") == .unknown("extreme"))
    }

    @Test func textConveniencesReadTheTextParts() {
        let message = ChatMessage.user([.text("a"), .image(url: "https://example.com/x.png"), .text("b")])
        #expect(message.text == "ab")
        let response = ChatResponse(id: "r", provider: .openai, model: "m", text: "", finishReason: nil, usage: nil)
        #expect(response.parts.isEmpty)
    }

    @Test func theAssemblerBuildsPartsInStreamOrder() {
        var assembler = ChatResponseAssembler()
        let events: [ChatStreamEvent] = [
            .start(id: "msg_1", model: "claude"),
            .reasoning("thinking "), .reasoning("hard"), .reasoningSignature("sig"),
            .delta("Hello "), .delta("there"),
            .toolCallStart(ToolCallStart(index: 0, id: "call_a", name: "look")),
            .toolCallStart(ToolCallStart(index: 1, id: "call_b", name: "find")),
            .toolCallArguments(index: 0, fragment: "{\"q\":"), .toolCallArguments(index: 1, fragment: "{}"),
            .toolCallArguments(index: 0, fragment: "1}"), .toolCallEnd(index: 0), .toolCallEnd(index: 1),
            .finish(.toolCalls), .usage(Usage(inputTokens: 3, outputTokens: 4)),
        ]
        for event in events { assembler.add(event) }
        #expect(assembler.id == "msg_1")
        #expect(assembler.parts == [
            .reasoning(Reasoning(text: "thinking hard", signature: "sig")),
            .text("Hello there"),
            .toolCall(ToolCall(id: "call_a", name: "look", arguments: "{\"q\":1}")),
            .toolCall(ToolCall(id: "call_b", name: "find", arguments: "{}")),
        ])
        #expect(assembler.finishReason == .toolCalls)
        #expect(assembler.usage?.totalTokens == 7)
    }

    @Test func requestValidationNamesTheField() {
        let base = ChatRequest(provider: .openai, model: "gpt", messages: [.user("hi")])
        var noModel = base
        noModel.model = ""
        var onlySystem = base
        onlySystem.messages = [.system("s")]
        var hot = base
        hot.temperature = 3
        var injected = base
        injected.model = "gpt\r\nX-Evil: 1"
        for (request, field) in [(noModel, "model"), (onlySystem, "messages"), (hot, "temperature"), (injected, "model")] {
            #expect(performing: { try request.validate() }, throws: { ($0 as? ChimeraError)?.message.hasPrefix(field) == true })
        }
        #expect(throws: Never.self) { try base.validate() }
    }

    @Test func providerParsingListsAcceptedValues() throws {
        #expect(try ProviderID(parsing: "OpenAI") == .openai)
        #expect(performing: { try ProviderID(parsing: "mistral") }, throws: {
            ($0 as? ChimeraError)?.message.contains("openai, anthropic, gemini, deepseek, qwen, cursor") == true
        })
    }
}

@Suite("Tool-call signatures folded into ids")
struct ToolCallSignatureTests {
    @Test(arguments: ["CiQBjz1rX+/Zq9==", "abc", "a+b/c=="])
    func aSignatureSurvivesTheTripThroughTheID(_ signature: String) {
        let call = ToolCall(id: "call_1", name: "f", arguments: "{}", signature: Data(signature.utf8).base64EncodedString())
        let folded = call.idCarryingSignature
        #expect(folded.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        let split = ToolCall.splitSignature(from: folded)
        #expect(split.id == "call_1")
        #expect(split.signature == call.signature)
    }

    @Test func idsWithoutASignatureComeBackWhole() {
        #expect(ToolCall(id: "toolu_1", name: "f", arguments: "{}").idCarryingSignature == "toolu_1")
        #expect(ToolCall.splitSignature(from: "call_abc").id == "call_abc")
        #expect(ToolCall.splitSignature(from: "call_abc").signature == nil)
    }
}
