import ChimeraCore

/// How a request's ``ChatRequest/responseFormat`` travels to Anthropic — decided from the
/// request alone, so that the request encoder and the answer decoders (which get the same
/// request) agree.
///
/// - A JSON Schema goes as Anthropic's native structured output, `output_config.format`
///   (`{"type":"json_schema","schema":…}`, generally available in the current API and SDK): it
///   constrains the answer's text itself, works with thinking on (a forced tool does not:
///   Anthropic refuses thinking with a forced `tool_choice`), leaves the caller's own tools and
///   `tool_choice` alone, and an Anthropic request that used it comes back as it was. The
///   schema format's `description` goes into the schema (Anthropic's format has no slot for
///   it) when the schema has none; its `name` has no counterpart.
/// - Any JSON object (`json_object`) has no native form (Anthropic's format needs a schema that
///   closes every object), so it goes the classic way: a forced tool named `json_object`
///   whose `input_schema` is `{"type":"object"}`, with `tool_choice` naming it and parallel
///   calls off. The answer's call of that tool becomes the answer's text (its input as JSON)
///   and the finish `stop`, unary and streamed. The caller's own tools are still sent, but the
///   model can call only the forced one; a caller's `tool_choice` other than `auto`, thinking
///   on, or a caller's tool of the same name conflict with it and are refused.
enum AnthropicMessagesStructuredOutput: Sendable, Hashable {
    /// Free text.
    case none
    /// `output_config.format`.
    case native(format: JSONValue)
    /// A forced tool of this name.
    case forcedTool(name: String)

    /// The name of the tool that forces a JSON object.
    static let jsonObjectToolName = "json_object"

    /// The plan for `request`.
    init(for request: ChatRequest) {
        switch request.responseFormat {
        case nil, .text?:
            self = .none
        case .jsonObject?:
            self = .forcedTool(name: Self.jsonObjectToolName)
        case .jsonSchema(let format)?:
            var schema = format.schema
            if let description = format.description, case .object(var object) = schema, object["description"] == nil {
                object["description"] = .string(description)
                schema = .object(object)
            }
            self = .native(format: ["type": "json_schema", "schema": schema])
        }
    }

    /// The forced tool's name, when the plan has one.
    var forcedToolName: String? {
        if case .forcedTool(let name) = self { name } else { nil }
    }

    /// The forced tool's definition.
    var forcedToolDefinition: JSONValue? {
        forcedToolName.map { name in
            [
                "name": .string(name),
                "description": "Give the answer as a JSON object by calling this tool.",
                "input_schema": ["type": "object"],
            ]
        }
    }

    /// Checks that the forced tool fits the rest of the request.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the conflict.
    func check(_ request: ChatRequest) throws(ChimeraError) {
        guard let name = forcedToolName else { return }
        let provider = request.provider.displayName
        func refuse(_ message: String) -> ChimeraError {
            .invalidRequest("response_format: \(message)", provider: request.provider)
        }
        switch request.toolChoice {
        case nil, .auto?:
            break
        case .none?, .required?, .tool?:
            throw refuse("\(provider) gives a JSON object by forcing a tool, which conflicts with the request's tool_choice; leave tool_choice out or ask for a JSON Schema")
        }
        if let reasoning = request.reasoning, !reasoning.isDisabled {
            throw refuse("\(provider) gives a JSON object by forcing a tool, which it refuses while thinking is on; ask for a JSON Schema or switch reasoning off")
        }
        if request.tools.contains(where: { $0.name == name }) {
            throw refuse("\(provider) gives a JSON object through a tool named \(name), and the request already has a tool of that name")
        }
    }
}
