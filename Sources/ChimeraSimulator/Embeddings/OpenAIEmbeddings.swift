import ChimeraCore
import NIOCore

/// `POST /v1/embeddings` in OpenAI's shape, also Qwen's (`text-embedding-v…` models, which add
/// an `id`); DeepSeek has no embeddings, so its models get a 404.
///
/// `input` is a string, an array of strings, an array of token ids or an array of such arrays
/// (a token id counts as the word `t<id>`); `dimensions` shortens the vector (see
/// ``EmbeddingVector``); `encoding_format` is `float` or `base64`. Usage counts words.
enum OpenAIEmbeddings {
    /// OpenAI's limit on one input.
    static let maximumInputWords = 8192

    /// Reads a request into its answer.
    static func read(_ body: ByteBuffer, dialect: OpenAIDialect) throws(SimulatedFailure) -> JSONEndpoint<OpenAIDialect>.Reading {
        let request = try dialect.parseBody(body)
        guard let model = try request["model"].string() else { throw OpenAIDialect.missing("model") }
        let provider = dialect.provider(forModel: model)
        guard provider != .deepseek else { throw .status(404, retryAfterSeconds: nil, retryAfterMilliseconds: nil) }
        let inputs = try self.inputs(request["input"])
        let size = EmbeddingModel.openAI(model)
        var dimensions = size.defaultDimensions
        if let asked = try request["dimensions"].int() {
            guard size.resizable else {
                throw .invalidRequest(message: "This model does not support specifying dimensions.", parameter: "dimensions")
            }
            guard (1...size.maximumDimensions).contains(asked) else { throw request["dimensions"].invalid("an integer from 1 to \(size.maximumDimensions)") }
            dimensions = asked
        }
        let format = try request["encoding_format"].string() ?? "float"
        guard format == "float" || format == "base64" else {
            throw .invalidRequest(message: "Invalid value: '\(format)'. Supported values are: 'float' and 'base64'.", parameter: "encoding_format", code: "invalid_value")
        }
        var vectors: [[Float]] = []
        for words in inputs {
            guard words.count <= maximumInputWords else {
                throw .invalidRequest(
                    message: "This model's maximum context length is \(maximumInputWords) tokens, however you requested \(words.count) tokens. Please reduce your prompt.",
                    parameter: "input"
                )
            }
            guard let vector = EmbeddingVector.make(words: words, dimensions: dimensions) else { throw invalidInput }
            vectors.append(vector)
        }
        let words = inputs.reduce(0) { $0 + $1.count }
        return JSONEndpoint.Reading(model: model) { exchange in
            let data = vectors.enumerated().map { index, vector -> JSONValue in
                let embedding: JSONValue = format == "base64" ? .string(EmbeddingVector.base64(vector)) : .array(vector.map { .float($0) })
                return ["object": "embedding", "index": .int(index), "embedding": embedding]
            }
            var members: [(String, JSONValue)] = [
                ("object", "list"),
                ("data", .array(data)),
                ("model", .string(exchange.model)),
                ("usage", ["prompt_tokens": .int(words), "total_tokens": .int(words)]),
            ]
            if exchange.provider == .qwen { members.append(("id", .string("sim-request-\(exchange.number)"))) }
            return .fields(members)
        }
    }

    private static var invalidInput: SimulatedFailure {
        .invalidRequest(message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", parameter: "input")
    }

    /// The words of each input.
    private static func inputs(_ field: JSONField) throws(SimulatedFailure) -> [[Substring]] {
        guard field.isPresent else { throw OpenAIDialect.missing("input") }
        if let text = field.value?.string { return [text.split(whereSeparator: \.isWhitespace)] }
        guard case .array(let elements)? = field.value, !elements.isEmpty else { throw invalidInput }
        switch elements[0] {
        case .string:
            return try elements.map { element throws(SimulatedFailure) in
                guard let text = element.string else { throw invalidInput }
                return text.split(whereSeparator: \.isWhitespace)
            }
        case .number:
            return [try tokens(elements)]
        case .array:
            return try elements.map { element throws(SimulatedFailure) in
                guard let tokens = element.array else { throw invalidInput }
                return try self.tokens(tokens)
            }
        default:
            throw invalidInput
        }
    }

    /// Token ids as words `t<id>`.
    private static func tokens(_ elements: [JSONValue]) throws(SimulatedFailure) -> [Substring] {
        try elements.map { element throws(SimulatedFailure) in
            guard let token = element.int, token >= 0 else { throw invalidInput }
            return Substring("t\(token)")
        }
    }
}
