/// Whether and which tool the request lets or makes the model call.
enum ToolChoice: Sendable, Equatable {
    /// The model may call a tool (OpenAI `auto`, Anthropic `auto`, Gemini `AUTO`/`VALIDATED`); the simulator does.
    case auto
    /// No tool call (OpenAI `none`, Anthropic `none`, Gemini `NONE`).
    case none
    /// Some tool must be called (OpenAI `required`, Anthropic `any`, Gemini `ANY`).
    case required
    /// One of these tools must be called (Gemini `ANY` with `allowedFunctionNames`).
    case oneOf([String])
    /// This tool must be called (OpenAI `{type:function}`, Anthropic `{type:tool}`).
    case named(String)
}
