import ChimeraCore
import Foundation
import Testing

@Suite("Domain types")
struct DomainCodableTests {
    private func roundTrip<Value: Codable & Equatable>(_ value: Value) throws -> Value {
        try JSONDecoder().decode(Value.self, from: JSONEncoder().encode(value))
    }

    @Test func chatRequestRoundTrips() throws {
        let request = ChatRequest(
            provider: .anthropic, model: "claude-sonnet-4-5",
            messages: [.system("Be terse."), .user("Hi 👋"), .assistant("Hello"), ChatMessage(role: .unknown("tool"), content: "{}")],
            temperature: 0.5, topP: 0.9, maxTokens: 100, stopSequences: ["END"], stream: true
        )
        #expect(try roundTrip(request) == request)
    }

    @Test func chatResponseRoundTrips() throws {
        let response = ChatResponse(
            id: "r1", provider: .gemini, model: "gemini-2.5-flash", text: "ok",
            finishReason: .unknown("RECITATION"), usage: Usage(inputTokens: 3, outputTokens: 1),
            route: .directFallback, wireProtocol: .protobuf
        )
        #expect(try roundTrip(response) == response)
        let json = String(decoding: try JSONEncoder().encode(response), as: UTF8.self)
        #expect(json.contains(#""route":"direct-fallback""#))
    }

    @Test(arguments: [ChatStreamEvent.delta("x"), .usage(Usage(inputTokens: 1, outputTokens: 2, totalTokens: 4)), .finish(.length), .finish(.unknown("pause_turn"))])
    func streamEventsRoundTrip(_ event: ChatStreamEvent) throws {
        #expect(try roundTrip(event) == event)
    }

    @Test func openEnumsKeepUnknownValues() throws {
        #expect(try JSONDecoder().decode(FinishReason.self, from: Data(#""insufficient_system_resource""#.utf8)) == .unknown("insufficient_system_resource"))
        #expect(try JSONDecoder().decode(ChatMessage.Role.self, from: Data(#""developer""#.utf8)) == .unknown("developer"))
        #expect(try JSONDecoder().decode(ChatMessage.Role.self, from: Data(#""assistant""#.utf8)) == .assistant)
    }

    @Test func modelInfoAndCapabilitiesRoundTrip() throws {
        #expect(try roundTrip(ModelInfo(id: "m", provider: .qwen, displayName: "M")) == ModelInfo(id: "m", provider: .qwen, displayName: "M"))
        #expect(try roundTrip(ProviderCapabilities.of(.anthropic)) == .of(.anthropic))
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
