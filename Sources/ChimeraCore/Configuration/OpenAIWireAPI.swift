/// Which of OpenAI's two chat APIs an OpenAI-compatible provider is called with
/// (`<P>_WIRE_API`, named after Codex's `wire_api`): Chat Completions, or the Responses API for
/// servers that speak only that (or when its built-in state is wanted upstream).
public enum OpenAIWireAPI: String, Sendable, Hashable, Codable, CaseIterable {
    /// `POST <base>/chat/completions`.
    case chat
    /// `POST <base>/responses`.
    case responses
}
