import ChimeraCore
import ChimeraWire
import Testing

/// Every Anthropic `tool_choice` becomes the domain's choice, so another family's upstream gets
/// it too (an extension member would be dropped on the way there).
@Suite("Anthropic Messages: tool_choice")
struct AnthropicToolChoiceTests {
    @Test(arguments: [
        (#"{"type":"auto"}"#, ToolChoice.auto),
        (#"{"type":"any"}"#, .required),
        (#"{"type":"none"}"#, ToolChoice.none),
        (#"{"type":"tool","name":"f"}"#, .tool("f")),
    ])
    func eachChoiceIsTheDomains(choice: String, expected: ToolChoice) throws {
        let body = #"{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"}],"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":\#(choice)}"#
        let request = try AnthropicMessagesHarness.binding.decodeRequest(Array(body.utf8), provider: .anthropic, model: nil, stream: nil)
        #expect(request.toolChoice == expected)
        #expect(request.extensions[.anthropicMessages]?["tool_choice"] == nil)
    }
}
