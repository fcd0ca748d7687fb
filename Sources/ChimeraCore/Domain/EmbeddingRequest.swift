/// A batch of texts to turn into vectors, the same for every provider that has embeddings.
///
/// ```swift
/// let answer = try await service.embed(EmbeddingRequest(provider: .openai, model: "text-embedding-3-small", inputs: ["a cat", "a dog"]))
/// let first: [Float] = answer.embeddings[0].vector
/// ```
public struct EmbeddingRequest: Sendable, Hashable {
    /// How vectors travel in an OpenAI-compatible JSON answer; the result is `[Float]` either way.
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        /// A JSON array of numbers per vector.
        case float
        /// Little-endian float32 bytes, base64 (`encoding_format: base64`): about a quarter of
        /// the bytes, and exact.
        case base64
    }

    /// The provider to ask: OpenAI (or any OpenAI-compatible base URL), Gemini or Qwen.
    public var provider: ProviderID
    /// The provider's embedding model, e.g. `text-embedding-3-small` or `gemini-embedding-001`.
    public var model: String
    /// The texts, each embedded on its own; the answer has one vector per text, in this order.
    public var inputs: [String]
    /// How many components each vector should have (OpenAI `dimensions`, Gemini
    /// `outputDimensionality`); `nil` for the model's default.
    public var dimensions: Int?
    /// How an OpenAI-compatible answer carries the vectors on the wire.
    public var encoding: Encoding
    /// An id of the end user, for the provider's abuse monitoring (OpenAI `user`).
    public var user: String?
    /// What the vectors are for (Gemini `taskType`: `RETRIEVAL_QUERY`, `RETRIEVAL_DOCUMENT`,
    /// `SEMANTIC_SIMILARITY`, …); providers without one leave it out and list it as dropped.
    public var taskType: String?

    /// Creates a request.
    public init(
        provider: ProviderID,
        model: String,
        inputs: [String],
        dimensions: Int? = nil,
        encoding: Encoding = .float,
        user: String? = nil,
        taskType: String? = nil
    ) {
        self.provider = provider
        self.model = model
        self.inputs = inputs
        self.dimensions = dimensions
        self.encoding = encoding
        self.user = user
        self.taskType = taskType
    }
}
