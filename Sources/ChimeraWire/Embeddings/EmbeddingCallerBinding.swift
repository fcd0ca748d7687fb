import ChimeraCore

/// How a caller of a Chimera server asks for embeddings: how its request is read and how the
/// answer and errors are written back. The JSON families' ``EmbeddingCodec``s and Connect's
/// ``ConnectEmbeddingBinding`` provide it.
public protocol EmbeddingCallerBinding: Sendable {
    /// Reads an inbound request body.
    ///
    /// - Parameters:
    ///   - provider: The provider the request will go to.
    ///   - model: The model from the URL, for families that put it there (Gemini).
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field.
    func decodeRequest(_ body: [UInt8], provider: ProviderID, model: String?) throws(ChimeraError) -> EmbeddingRequest

    /// The `Content-Type` of a successful answer.
    var responseContentType: String { get }

    /// The body of a successful answer to `request`, in the caller's encoding.
    ///
    /// - Throws: ``ChimeraError`` when the vectors cannot be written (NaN in JSON).
    func encodeResponse(_ response: EmbeddingResponse, for request: EmbeddingRequest) throws(ChimeraError) -> [UInt8]

    /// The binding whose error answers the caller understands (the family's chat binding, Connect's).
    var errors: any CallerBinding { get }
}

/// One embeddings route of a server: its path (a Hummingbird route template without a leading
/// slash, a `{model}` capture naming the model) and how its caller speaks.
public struct EmbeddingRoute: Sendable {
    /// The path, e.g. `v1/embeddings` or `v1beta/models/{model}:embedContent`.
    public var path: String
    /// How the route's caller speaks.
    public var caller: any EmbeddingCallerBinding
    /// The family the caller speaks, which picks the provider when the request names none.
    public var family: ProtocolFamily

    /// Creates a route.
    public init(path: String, caller: any EmbeddingCallerBinding, family: ProtocolFamily) {
        self.path = path
        self.caller = caller
        self.family = family
    }

    /// The embeddings routes of the JSON families: OpenAI's `POST v1/embeddings`, Gemini's
    /// `:embedContent` and `:batchEmbedContents` under `v1beta` and `v1` (google-genai calls
    /// `v1` by default).
    public static let jsonRoutes: [EmbeddingRoute] =
        [EmbeddingRoute(path: "v1/embeddings", caller: OpenAIEmbeddingCodec(provider: .openai), family: .openAIChat)]
        + ["v1beta", "v1"].flatMap { version in
            GeminiEmbeddingCodec.Form.allCases.map { form in
                EmbeddingRoute(path: "\(version)/models/{model}:\(form.method)", caller: GeminiEmbeddingCodec(form: form), family: .geminiGenerateContent)
            }
        }
}
