import ChimeraCore

/// A function tool a request offers the model, whatever protocol defined it.
struct ToolDefinition: Sendable, Equatable {
    /// The function's name.
    var name: String
    /// What it does, if the request said.
    var description: String?
    /// The JSON Schema (or Gemini OpenAPI schema) of its arguments; `nil` for none.
    var parameters: JSONValue?

    /// The words the tool adds to the prompt: its name and description.
    var words: Int {
        1 + (description?.split(whereSeparator: \.isWhitespace).count ?? 0)
    }
}
