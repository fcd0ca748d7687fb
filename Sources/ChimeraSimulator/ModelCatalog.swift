/// The models the simulator lists. Chat routes accept any model name; these only fill the lists.
enum ModelCatalog {
    /// A model of an OpenAI-compatible provider.
    struct OpenAIModel {
        var id: String
        var created: Int
        var owner: String
    }

    /// A Claude model.
    struct AnthropicModel {
        var id: String
        var displayName: String
        var createdAt: String
    }

    /// A Gemini model.
    struct GeminiModel {
        var id: String
        var displayName: String
        var inputTokenLimit: Int
        var outputTokenLimit: Int
        var methods = ["generateContent", "countTokens"]
    }

    /// Listed by `GET /v1/models`: OpenAI's own and the DeepSeek, Qwen and Cursor flavours.
    static let openAIFamily = [
        OpenAIModel(id: "gpt-4.1", created: 1_744_316_542, owner: "system"),
        OpenAIModel(id: "gpt-4.1-mini", created: 1_744_318_173, owner: "system"),
        OpenAIModel(id: "gpt-4o", created: 1_715_367_049, owner: "system"),
        OpenAIModel(id: "text-embedding-3-small", created: 1_705_948_997, owner: "system"),
        OpenAIModel(id: "text-embedding-3-large", created: 1_705_953_180, owner: "system"),
        OpenAIModel(id: "deepseek-chat", created: 1_735_689_600, owner: "deepseek"),
        OpenAIModel(id: "deepseek-reasoner", created: 1_737_331_200, owner: "deepseek"),
        OpenAIModel(id: "qwen-plus", created: 1_735_689_600, owner: "system"),
        OpenAIModel(id: "qwen-max", created: 1_735_689_600, owner: "system"),
        OpenAIModel(id: "text-embedding-v3", created: 1_735_689_600, owner: "system"),
        OpenAIModel(id: "cursor-small", created: 1_735_689_600, owner: "cursor"),
    ]

    /// Listed by `GET /v1/models` with an `anthropic-version` header.
    static let anthropic = [
        AnthropicModel(id: "claude-sonnet-4-5", displayName: "Claude Sonnet 4.5", createdAt: "2025-09-29T00:00:00Z"),
        AnthropicModel(id: "claude-opus-4-1", displayName: "Claude Opus 4.1", createdAt: "2025-08-05T00:00:00Z"),
        AnthropicModel(id: "claude-haiku-4-5", displayName: "Claude Haiku 4.5", createdAt: "2025-10-15T00:00:00Z"),
    ]

    /// Listed by `GET /v1beta/models`.
    static let gemini = [
        GeminiModel(id: "gemini-2.5-flash", displayName: "Gemini 2.5 Flash", inputTokenLimit: 1_048_576, outputTokenLimit: 65_536),
        GeminiModel(id: "gemini-2.5-pro", displayName: "Gemini 2.5 Pro", inputTokenLimit: 1_048_576, outputTokenLimit: 65_536),
        GeminiModel(id: "gemini-3-pro-preview", displayName: "Gemini 3 Pro Preview", inputTokenLimit: 1_048_576, outputTokenLimit: 65_536),
        GeminiModel(id: "gemini-embedding-001", displayName: "Gemini Embedding 001", inputTokenLimit: 2048, outputTokenLimit: 1, methods: ["embedContent", "countTokens"]),
        GeminiModel(id: "text-embedding-004", displayName: "Text Embedding 004", inputTokenLimit: 2048, outputTokenLimit: 1, methods: ["embedContent"]),
    ]
}
