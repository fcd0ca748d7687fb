/// The vector sizes of the embedding models the simulator knows; any other model name works
/// too, with the family's default.
///
/// | model | default | most |
/// |---|---|---|
/// | `text-embedding-3-small`, `text-embedding-ada-002`, other OpenAI | 1536 | 1536 |
/// | `text-embedding-3-large` | 3072 | 3072 |
/// | Qwen `text-embedding-v3`, `text-embedding-v4` | 1024 | 1024 (v4: 2048) |
/// | Gemini `gemini-embedding-001` | 3072 | 3072 |
/// | Gemini `text-embedding-004`, `embedding-001`, other Gemini | 768 | 768 (other: 3072) |
///
/// `gemini-embedding-001` answers 3072 values by default, as Google documents; pass
/// `outputDimensionality: 768` for the smaller size.
struct EmbeddingModel: Sendable, Equatable {
    /// The size when the request names none.
    var defaultDimensions: Int
    /// The largest size a request may ask for.
    var maximumDimensions: Int
    /// Whether the request may ask for a size at all (`text-embedding-ada-002` may not).
    var resizable = true

    /// An OpenAI-compatible embedding model (OpenAI, Qwen).
    static func openAI(_ model: String) -> EmbeddingModel {
        switch SimulatorOptions.baseModel(model).lowercased() {
        case "text-embedding-3-large": EmbeddingModel(defaultDimensions: 3072, maximumDimensions: 3072)
        case "text-embedding-ada-002": EmbeddingModel(defaultDimensions: 1536, maximumDimensions: 1536, resizable: false)
        case "text-embedding-v4": EmbeddingModel(defaultDimensions: 1024, maximumDimensions: 2048)
        case let name where name.hasPrefix("text-embedding-v"): EmbeddingModel(defaultDimensions: 1024, maximumDimensions: 1024)
        default: EmbeddingModel(defaultDimensions: 1536, maximumDimensions: 1536)
        }
    }

    /// A Gemini embedding model.
    static func gemini(_ model: String) -> EmbeddingModel {
        switch SimulatorOptions.baseModel(model).lowercased() {
        case "gemini-embedding-001": EmbeddingModel(defaultDimensions: 3072, maximumDimensions: 3072)
        case "text-embedding-004", "embedding-001": EmbeddingModel(defaultDimensions: 768, maximumDimensions: 768)
        default: EmbeddingModel(defaultDimensions: 768, maximumDimensions: 3072)
        }
    }
}
