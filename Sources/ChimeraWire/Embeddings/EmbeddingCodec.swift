import ChimeraCore
import Foundation

/// One protocol family's embeddings API on bytes, used in both directions: a client encodes
/// requests and decodes answers, a server (as an ``EmbeddingCallerBinding``) decodes requests and
/// encodes answers. Errors are the family's own (its ``ProtocolBinding``'s error codec).
public protocol EmbeddingCodec: EmbeddingCallerBinding {
    /// The URL of `request`, from a base URL with the meaning the family's SDK gives it (the
    /// same base URL as chat).
    func url(base: URL, for request: EmbeddingRequest) -> URL

    /// The request body.
    ///
    /// Expects a request that passed ``EmbeddingRequest/validate()``; fields the provider has no
    /// use for are left out.
    func encodeRequest(_ request: EmbeddingRequest) -> [UInt8]

    /// Reads a successful answer to `request`; route and wire protocol are `.direct` / `.json`.
    ///
    /// - Throws: ``ChimeraError`` of kind `decoding` naming the field, or when the answer does
    ///   not hold one vector per input.
    func decodeResponse(_ body: [UInt8], for request: EmbeddingRequest) throws(ChimeraError) -> EmbeddingResponse
}

/// The embeddings codec of each provider that has an embeddings API.
public enum EmbeddingCodecs {
    /// The codec that carries `request` to its provider: OpenAI's for OpenAI-compatible
    /// providers, Gemini's `embedContent` for one text and `batchEmbedContents` for several.
    public static func codec(for request: EmbeddingRequest) -> any EmbeddingCodec {
        switch request.provider.family {
        case .geminiGenerateContent: GeminiEmbeddingCodec(form: request.inputs.count == 1 ? .single : .batch)
        case .openAIChat, .openAIResponses, .anthropicMessages: OpenAIEmbeddingCodec(provider: request.provider)
        }
    }
}

extension EmbeddingResponse {
    /// Checks that an upstream answer holds one vector per input, each at its input's index.
    func checked(against request: EmbeddingRequest, body: [UInt8]) throws(ChimeraError) -> EmbeddingResponse {
        let indices = embeddings.map(\.index)
        guard indices == Array(0..<request.inputs.count) else {
            throw ChimeraError.decoding(
                "the \(provider.displayName) embeddings answer holds vectors for inputs \(indices.prefix(8)) instead of one for each of the \(request.inputs.count) inputs",
                provider: provider, body: String(decoding: body.prefix(512), as: UTF8.self)
            )
        }
        return self
    }
}
