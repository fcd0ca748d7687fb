/// The routes the simulator answers, as counted in ``SimulatorStats``.
public enum SimulatorRoute: String, CaseIterable, Sendable, Hashable, Codable {
    /// `POST /v1/chat/completions`: OpenAI Chat Completions, also DeepSeek, Qwen and Cursor.
    case chatCompletions = "POST /v1/chat/completions"
    /// `POST /v1/messages`: Anthropic Messages.
    case messages = "POST /v1/messages"
    /// `POST /v1beta/models/{model}:generateContent`: Gemini, unary.
    case generateContent = "POST /v1beta/models/{model}:generateContent"
    /// `POST /v1beta/models/{model}:streamGenerateContent`: Gemini, streaming.
    case streamGenerateContent = "POST /v1beta/models/{model}:streamGenerateContent"
    /// `GET /v1/models`: the OpenAI model list, or Anthropic's when `anthropic-version` is sent.
    case models = "GET /v1/models"
    /// `GET /v1beta/models`: the Gemini model list.
    case geminiModels = "GET /v1beta/models"
}
