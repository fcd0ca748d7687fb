import Chimera
import ChimeraProxyServer
import ChimeraSimulator
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import Testing

/// Providers spoken to over the Responses API (`<P>_WIRE_API=responses`, issue 17): the library
/// in direct mode, and Chat Completions callers of `chimera proxy` reaching a Responses-only
/// upstream, against the simulator's `/v1/responses` over loopback HTTP.
@Suite("Responses API upstreams")
struct ResponsesUpstreamTests {
    private static let weather = Tool(
        name: "get_weather", description: "Current weather",
        parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]]
    )

    private func responsesConfiguration(_ simulator: RunningSimulator) -> ChimeraConfiguration {
        var configuration = simulator.configuring(ChimeraConfiguration())
        configuration.providers[.openai]?.wireAPI = .responses
        configuration.direct.maxRetries = 0
        return configuration
    }

    @Test(arguments: [false, true])
    func theLibraryAsksOverTheResponsesAPIAndReadsTheAnswer(stream: Bool) async throws {
        try await withSimulator { simulator in
            try await withService(responsesConfiguration(simulator)) { service in
                let request = ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.system("Be brief."), .user("Hi")], maxTokens: 64, stream: stream)
                let response = try await collect(service.provider(.openai), request)
                #expect(response.text == "Simulated reply from gpt-4.1: Hi")
                #expect(response.finishReason == .stop)
                #expect(response.usage?.outputTokens == 5)
                let sent = try #require(simulator.recordedRequests().last)
                #expect(sent.path == "/v1/responses")
                let body = try JSONValue(parsing: Array(sent.body.utf8))
                #expect(body["max_output_tokens"]?.int == 64)
                #expect(body["store"] == false)
            }
        }
    }

    @Test(arguments: [false, true])
    func aToolCallAndItsResultTravelAsFunctionCallItems(stream: Bool) async throws {
        try await withSimulator { simulator in
            try await withService(responsesConfiguration(simulator)) { service in
                var request = ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.user("Weather in Paris?")], stream: stream, tools: [Self.weather])
                let first = try await collect(service.provider(.openai), request)
                let call = try #require(first.toolCalls.first)
                #expect(call.name == "get_weather")
                #expect(call.parsedArguments?["city"] != nil)
                #expect(first.finishReason == .toolCalls)
                request.messages += [first.message, .toolResult(ToolResult(toolCallID: call.id, text: #"{"temp":21}"#))]
                let second = try await collect(service.provider(.openai), request)
                #expect(second.text.contains(#"Tool get_weather returned: {"temp":21}"#))
            }
        }
    }

    @Test func anErrorInTheStreamIsThrown() async throws {
        try await withSimulator { simulator in
            try await withService(responsesConfiguration(simulator)) { service in
                let request = ChatRequest(provider: .openai, model: "gpt-4.1@inband-error", messages: [.user("Hi")], stream: true)
                await #expect(throws: ChimeraError.self) { try await collect(service.provider(.openai), request) }
            }
        }
    }

    @Test func aChatCompletionsCallerOfTheProxyReachesAResponsesOnlyUpstream() async throws {
        var configuration = ChimeraConfiguration()
        configuration.providers[.qwen]?.wireAPI = .responses
        let proxy = try await SimulatedProxy.start(configuration: configuration)
        do {
            try await withTransport { transport in
                for stream in [false, true] {
                    let client = proxyClient(proxy, speaking: .qwen, upstream: .qwen, transport: transport)
                    let response = try await collect(client, ChatRequest(provider: .qwen, model: "qwen-plus", messages: [.user("Hi")], stream: stream))
                    #expect(response.text == "Simulated reply from qwen-plus: Hi")
                    let sent = try #require(proxy.simulator.recordedRequests().last)
                    #expect(sent.path == "/v1/responses")
                }
            }
            try await proxy.shutdown()
        } catch {
            try await proxy.shutdown()
            throw error
        }
    }
}
