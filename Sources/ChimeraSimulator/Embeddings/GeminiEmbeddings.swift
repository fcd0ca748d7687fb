import ChimeraCore
import NIOCore

/// Gemini's `:embedContent` (`{embedding: {values}}`) and `:batchEmbedContents`
/// (`{embeddings: [{values}]}`), under `/v1beta/models/…` and `/v1/models/…`.
///
/// A request embeds the text parts of `content`; `outputDimensionality` shortens the vector
/// (see ``EmbeddingVector``); `taskType` and `title` are accepted and only recorded.
enum GeminiEmbeddings {
    /// Reads an `embedContent` request into its answer.
    static func readSingle(_ body: ByteBuffer, model: String, dialect: GeminiDialect) throws(SimulatedFailure) -> JSONEndpoint<GeminiDialect>.Reading {
        let request = try dialect.parseBody(body)
        let vector = try embedding(request, model: model, context: "EmbedContentRequest")
        return JSONEndpoint.Reading(model: model) { _ in ["embedding": ["values": values(vector)]] }
    }

    /// Reads a `batchEmbedContents` request into its answer.
    static func readBatch(_ body: ByteBuffer, model: String, dialect: GeminiDialect) throws(SimulatedFailure) -> JSONEndpoint<GeminiDialect>.Reading {
        let request = try dialect.parseBody(body)
        guard let requests = try request["requests"].array(), !requests.isEmpty else {
            throw .invalidRequest(message: "* BatchEmbedContentsRequest.requests: requests is not specified", parameter: "requests")
        }
        var vectors: [[Float]] = []
        for item in requests {
            vectors.append(try embedding(item, model: model, context: "BatchEmbedContentsRequest.\(item.bracketed)"))
        }
        return JSONEndpoint.Reading(model: model) { _ in
            ["embeddings": .array(vectors.map { ["values": values($0)] })]
        }
    }

    private static func values(_ vector: [Float]) -> JSONValue {
        .array(vector.map { .float($0) })
    }

    private static func embedding(_ request: JSONField, model: String, context: String) throws(SimulatedFailure) -> [Float] {
        guard request["content"].isPresent else {
            throw .invalidRequest(message: "* \(context).content: content is not specified", parameter: "content")
        }
        var words: [Substring] = []
        for part in try request["content"]["parts"].array() ?? [] {
            words += (try part["text"].string() ?? "").split(whereSeparator: \.isWhitespace)
        }
        let size = EmbeddingModel.gemini(model)
        var dimensions = size.defaultDimensions
        if let asked = try request["outputDimensionality"].int() {
            guard (1...size.maximumDimensions).contains(asked) else {
                throw .invalidRequest(
                    message: "* \(context).output_dimensionality: must be between 1 and \(size.maximumDimensions)",
                    parameter: "outputDimensionality"
                )
            }
            dimensions = asked
        }
        _ = try request["taskType"].string()
        guard let vector = EmbeddingVector.make(words: words, dimensions: dimensions) else {
            throw .invalidRequest(message: "* \(context).content: text content is empty", parameter: "content")
        }
        return vector
    }
}
