extension ProtocolFamily {
    /// Why a top-level member of this family's requests (kept in ``ChatRequest/extensions``)
    /// cannot be left out when the request is sent in another protocol, or `nil` when leaving it
    /// out is harmless (it is then listed as dropped).
    ///
    /// Only the Responses API has such members: what OpenAI keeps for its callers
    /// (`previous_response_id`, `conversation`, a stored `prompt`) and the tools OpenAI runs
    /// itself (built-in `tools` and a `tool_choice` naming one, which the decoder keeps there).
    /// Chimera keeps no state and runs no tool, so without them the request would mean something
    /// else; they reach OpenAI's Responses API as sent.
    ///
    /// - Parameter target: The provider's name as a message shows it.
    func refusal(ofMember key: String, value: JSONValue, target: String) -> String? {
        guard self == .openAIResponses else { return nil }
        let elsewhere = "only OpenAI's Responses API has it (provider openai, or <P>_WIRE_API=responses)"
        switch key {
        case "previous_response_id", "conversation":
            return "\(key): \(target) cannot continue a stored response: Chimera keeps no state and \(elsewhere); send the whole conversation in input"
        case "prompt":
            return "prompt: \(target) has no stored prompts; \(elsewhere)"
        case "tools":
            let types = (value.array ?? []).compactMap { $0["type"]?.string }.map { String($0.prefix(64)) }
            return "tools: \(types.joined(separator: ", ")) \(types.count == 1 ? "is a built-in tool" : "are built-in tools") that OpenAI runs itself; \(elsewhere); accepted for \(target): function tools"
        case "tool_choice":
            return "tool_choice: \(String((value["type"]?.string ?? "this choice").prefix(64))) names a built-in tool; \(elsewhere); accepted for \(target): auto, none, required or a function"
        default:
            return nil
        }
    }
}
