import Chimera
import ChimeraTestSupport
import Testing

/// The README's tool-calling loop, as written there, against the simulator for every provider:
/// if it stops working, the README is wrong.
@Suite("The README's tool loop")
struct ReadmeToolLoopTests {
    @Test(arguments: [(ProviderID.openai, "gpt-4.1"), (.anthropic, "claude-sonnet-4-5"), (.gemini, "gemini-2.5-flash")])
    func theLoopCallsTheToolAndAnswersWithItsResult(provider: ProviderID, model: String) async throws {
        try await withSimulator { simulator in
            let service = LLMService(configuration: simulator.configuring(ChimeraConfiguration()))
            var calls: [String] = []
            // From the README:
            let weather = Tool(name: "get_weather", description: "The weather in a city",
                               parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]])
            var request = ChatRequest(provider: provider, model: model, messages: [.user("Weather in Paris?")], tools: [weather])
            var answer = try await service.complete(request)
            while !answer.toolCalls.isEmpty {
                request.messages.append(answer.message)             // the assistant turn: its calls, ids and signatures
                for call in answer.toolCalls {
                    calls.append("\(call.name) \(call.arguments)")
                    let result = #"{"temp":21}"#                   // run the tool with call.parsedArguments
                    request.messages.append(.toolResult(ToolResult(toolCallID: call.id, name: call.name, text: result)))
                }
                answer = try await service.complete(request)
            }
            // End of the README's code.
            try await service.shutdown()
            #expect(calls.count == 1 && calls.first?.hasPrefix("get_weather ") == true, "\(calls)")
            #expect(answer.text.contains(#"Tool get_weather returned: {"temp":21}"#), "\(answer.text)")
        }
    }
}
