/// The result of an earlier tool call that the conversation's last turn hands back.
struct ToolResult: Sendable, Equatable {
    /// The tool's name, found through the call the result answers.
    var name: String
    /// The result as text: a string as sent, or the texts of its parts joined by spaces.
    var content: String
    /// Anthropic's `is_error`.
    var isError = false

    /// The line the simulator's answer quotes it with.
    var quotation: String {
        isError ? "Tool \(name) failed: \(content)" : "Tool \(name) returned: \(content)"
    }
}
