extension EmbeddingRequest {
    /// The providers whose APIs embed, as messages list them.
    public static let providersWithEmbeddings = "openai, gemini, qwen, or any OpenAI-compatible base URL (OPENAI_BASE_URL)"

    /// The most inputs one request may hold for `provider`, or `nil` when it has no embeddings API.
    ///
    /// Each is the most any of the provider's models accepts (OpenAI 2048, Gemini's
    /// `batchEmbedContents` 100, DashScope's older `text-embedding-v1`/`v2` 25); a model that
    /// takes fewer (Qwen `text-embedding-v3`: 10) refuses the rest itself.
    public static func maximumInputs(of provider: ProviderID) -> Int? {
        switch provider {
        case .openai: 2048
        case .gemini: 100
        case .qwen: 25
        case .anthropic, .deepseek, .cursor: nil
        }
    }

    /// The refusal of an embedding request to a provider without an embeddings API.
    public static func noEmbeddings(_ provider: ProviderID) -> ChimeraError {
        .invalidRequest("\(provider) has no embeddings API; providers with embeddings: \(providersWithEmbeddings)", provider: provider)
    }

    /// Checks the request before anything is sent — the one policy of the library, `chimera
    /// serve` and `chimera proxy` — and lists the fields the provider has no use for.
    ///
    /// - Returns: The set fields the provider ignores (`user` for Gemini, `task_type` for the
    ///   OpenAI-compatible ones), which a server lists in `chimera-dropped-fields`.
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/invalidRequest`` naming the field and
    ///   what is accepted, or saying that the provider has no embeddings.
    @discardableResult
    public func validate() throws(ChimeraError) -> [String] {
        guard let maximumInputs = Self.maximumInputs(of: provider) else { throw Self.noEmbeddings(provider) }
        func refuse(_ message: String) -> ChimeraError { .invalidRequest(message, provider: provider) }
        if model.isEmpty {
            throw refuse("model: must not be empty")
        }
        if model.contains(where: { $0.isNewline || $0 == "\0" }) {
            throw refuse("model: must not contain line breaks or NUL characters")
        }
        if inputs.isEmpty {
            throw refuse("input: needs at least one text")
        }
        if inputs.count > maximumInputs {
            throw refuse("input: \(inputs.count) texts are more than \(provider.displayName) embeds in one request; accepted: 1 to \(maximumInputs)")
        }
        if let empty = inputs.firstIndex(where: \.isEmpty) {
            throw refuse("input[\(empty)]: must not be empty")
        }
        if let dimensions, dimensions < 1 {
            throw refuse("dimensions: \(dimensions) is out of range; accepted: 1 or more (the model's default when left out)")
        }
        var dropped: [String] = []
        if user != nil, provider == .gemini { dropped.append("user") }
        if taskType != nil, provider != .gemini { dropped.append("task_type") }
        return dropped
    }
}
