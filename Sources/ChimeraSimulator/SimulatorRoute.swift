/// The routes the simulator answers, as counted in ``SimulatorStats``.
///
/// Gemini's routes also answer under `/v1/models/…` (the `v1` API of google-genai); those
/// requests count under the same `v1beta` route.
public enum SimulatorRoute: String, CaseIterable, Sendable, Hashable, Codable {
    /// `POST /v1/chat/completions`: OpenAI Chat Completions, also DeepSeek, Qwen and Cursor.
    case chatCompletions = "POST /v1/chat/completions"
    /// `POST /v1/messages`: Anthropic Messages.
    case messages = "POST /v1/messages"
    /// `POST /v1/messages/count_tokens`: Anthropic token counting.
    case countTokens = "POST /v1/messages/count_tokens"
    /// `POST /v1/responses`: the OpenAI Responses API.
    case responses = "POST /v1/responses"
    /// `POST /v1/embeddings`: OpenAI-compatible embeddings (OpenAI, Qwen).
    case embeddings = "POST /v1/embeddings"
    /// `POST /v1beta/models/{model}:generateContent`: Gemini, unary.
    case generateContent = "POST /v1beta/models/{model}:generateContent"
    /// `POST /v1beta/models/{model}:streamGenerateContent`: Gemini, streaming.
    case streamGenerateContent = "POST /v1beta/models/{model}:streamGenerateContent"
    /// `POST /v1beta/models/{model}:countTokens`: Gemini token counting.
    case geminiCountTokens = "POST /v1beta/models/{model}:countTokens"
    /// `POST /v1beta/models/{model}:embedContent`: one Gemini embedding.
    case embedContent = "POST /v1beta/models/{model}:embedContent"
    /// `POST /v1beta/models/{model}:batchEmbedContents`: several Gemini embeddings.
    case batchEmbedContents = "POST /v1beta/models/{model}:batchEmbedContents"
    /// `GET /v1/models`: the OpenAI model list, or Anthropic's when `anthropic-version` is sent.
    case models = "GET /v1/models"
    /// `GET /v1beta/models`: the Gemini model list.
    case geminiModels = "GET /v1beta/models"
}
