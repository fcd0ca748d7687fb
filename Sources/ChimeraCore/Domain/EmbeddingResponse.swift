/// The vectors of an ``EmbeddingRequest``, one per input, whichever provider made them.
public struct EmbeddingResponse: Sendable, Hashable {
    /// The vector of one input.
    public struct Embedding: Sendable, Hashable {
        /// The input's position in ``EmbeddingRequest/inputs``.
        public var index: Int
        /// The components.
        public var vector: [Float]

        /// Creates an embedding.
        public init(index: Int, vector: [Float]) {
            self.index = index
            self.vector = vector
        }
    }

    /// The provider that answered.
    public var provider: ProviderID
    /// The model that answered, as the provider reports it (the request's when it does not say).
    public var model: String
    /// One embedding per input, in input order.
    public var embeddings: [Embedding]
    /// Token counts (input only); `nil` when the provider did not report them (Gemini).
    public var usage: Usage?
    /// How the request reached its provider.
    public var route: Route
    /// The encoding of Chimera's own hop.
    public var wireProtocol: WireProtocol
    /// Request fields left out on purpose because the provider has no use for them.
    public var droppedFields: [String]

    /// Creates a response.
    public init(
        provider: ProviderID,
        model: String,
        embeddings: [Embedding],
        usage: Usage? = nil,
        route: Route = .direct,
        wireProtocol: WireProtocol = .json,
        droppedFields: [String] = []
    ) {
        self.provider = provider
        self.model = model
        self.embeddings = embeddings
        self.usage = usage
        self.route = route
        self.wireProtocol = wireProtocol
        self.droppedFields = droppedFields
    }
}
