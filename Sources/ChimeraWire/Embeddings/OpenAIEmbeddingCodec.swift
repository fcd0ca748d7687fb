import ChimeraCore
import Foundation

/// OpenAI's `POST /v1/embeddings`, as OpenAI, Qwen (DashScope's compatible mode) and any
/// OpenAI-compatible server speak it.
///
/// | domain | wire |
/// |---|---|
/// | ``EmbeddingRequest/inputs`` | `input`: a string or an array of strings (written as an array) |
/// | ``EmbeddingRequest/dimensions`` | `dimensions` |
/// | ``EmbeddingRequest/encoding`` | `encoding_format`: `float` (default) or `base64`; Qwen is always asked for `float`, the one format DashScope documents |
/// | ``EmbeddingRequest/user`` | `user` |
/// | ``EmbeddingResponse/embeddings`` | `data[].embedding` (numbers, or base64 little-endian float32) at `data[].index` |
/// | ``EmbeddingResponse/usage`` | `usage.prompt_tokens`, `usage.total_tokens` |
///
/// Inputs given as token ids (arrays of integers) are refused by name: the domain holds texts.
public struct OpenAIEmbeddingCodec: EmbeddingCodec {
    /// The provider whose dialect is written and whose name errors carry.
    public let provider: ProviderID

    /// Creates the codec of one OpenAI-compatible provider.
    public init(provider: ProviderID) {
        self.provider = provider
    }

    /// `<base>/embeddings`, as the openai SDKs append it to their `base_url`.
    public func url(base: URL, for request: EmbeddingRequest) -> URL {
        base.appending(path: "embeddings")
    }

    public func encodeRequest(_ request: EmbeddingRequest) -> [UInt8] {
        var members: [(String, JSONValue)] = [
            ("model", .string(request.model)),
            ("input", .array(request.inputs.map(JSONValue.string))),
            ("encoding_format", .string(request.provider == .qwen ? EmbeddingRequest.Encoding.float.rawValue : request.encoding.rawValue)),
        ]
        if let dimensions = request.dimensions { members.append(("dimensions", .int(dimensions))) }
        if let user = request.user { members.append(("user", .string(user))) }
        return JSONValue.object(JSONObject(members)).serializedBytes()
    }

    public func decodeResponse(_ body: [UInt8], for request: EmbeddingRequest) throws(ChimeraError) -> EmbeddingResponse {
        do {
            let root = try JSONField.parse(body)
            var embeddings: [EmbeddingResponse.Embedding] = []
            for item in try root["data"].elements() {
                embeddings.append(EmbeddingResponse.Embedding(index: try item["index"].int(), vector: try EmbeddingVectorCoding.read(item["embedding"])))
            }
            embeddings.sort { $0.index < $1.index }
            let usage = root["usage"]
            let prompt = try usage["prompt_tokens"].optionalInt()
            let total = try usage["total_tokens"].optionalInt()
            return try EmbeddingResponse(
                provider: request.provider,
                model: try root["model"].optionalString() ?? request.model,
                embeddings: embeddings,
                usage: prompt.map { Usage(inputTokens: $0, outputTokens: 0, totalTokens: total ?? $0) }
            ).checked(against: request, body: body)
        } catch let error as FieldError {
            throw error.malformed("embeddings answer", provider: request.provider, body: body)
        } catch let error as ChimeraError {
            throw error
        } catch {
            throw ChimeraError(wrapping: error)
        }
    }

    // MARK: As a server speaks it

    /// `application/json`.
    public var responseContentType: String { "application/json" }

    /// OpenAI's error shape.
    public var errors: any CallerBinding { OpenAIChatBinding(provider: provider) }

    /// Reads `model`, `input`, `encoding_format`, `dimensions` and `user`.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field and what it accepts.
    public func decodeRequest(_ body: [UInt8], provider: ProviderID, model: String?) throws(ChimeraError) -> EmbeddingRequest {
        do throws(FieldError) {
            let root = try JSONField.parse(body)
            _ = try root.object()
            let encoding = try root["encoding_format"].optionalString().map { (name) throws(FieldError) in
                guard let encoding = EmbeddingRequest.Encoding(rawValue: name) else {
                    throw root["encoding_format"].failure("\"\(name.prefix(32))\" is not an encoding; accepted: float, base64")
                }
                return encoding
            }
            return EmbeddingRequest(
                provider: provider,
                model: try root["model"].string(),
                inputs: try Self.inputs(root["input"]),
                dimensions: try root["dimensions"].optionalInt(),
                encoding: encoding ?? .float,
                user: try root["user"].optionalString()
            )
        } catch {
            throw error.invalidRequest(provider: provider)
        }
    }

    /// The texts of `input`: a string or an array of strings.
    private static func inputs(_ field: JSONField) throws(FieldError) -> [String] {
        if !field.isPresent { throw field.failure("required") }
        if let text = field.value?.string { return [text] }
        let tokenIDs = "token ids are not accepted, only texts; send the strings (LangChain: OpenAIEmbeddings(check_embedding_ctx_length=False))"
        return try field.elements().map { (element) throws(FieldError) in
            switch element.value {
            case .number?: throw field.failure(tokenIDs)
            case .array(let tokens)? where tokens.first.map(Self.isNumber) == true: throw element.failure(tokenIDs)
            default: return try element.string()
            }
        }
    }

    private static func isNumber(_ value: JSONValue) -> Bool {
        if case .number = value { true } else { false }
    }

    /// `{"object":"list","data":[{"object":"embedding","index":i,"embedding":…}],"model":…,"usage":…}`,
    /// each vector in the encoding the request asked for; `usage` only when the provider counted.
    ///
    /// - Throws: ``ChimeraError`` when a component is NaN or infinite and the encoding is `float`.
    public func encodeResponse(_ response: EmbeddingResponse, for request: EmbeddingRequest) throws(ChimeraError) -> [UInt8] {
        var output = Array(#"{"object":"list","data":["#.utf8)
        for (position, embedding) in response.embeddings.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            output += Array(#"{"object":"embedding","index":"#.utf8) + Array(String(embedding.index).utf8) + Array(#","embedding":"#.utf8)
            switch request.encoding {
            case .float: try EmbeddingVectorCoding.appendJSONArray(embedding.vector, field: "data[\(position)].embedding", to: &output)
            case .base64: JSONValue.write(string: EmbeddingVectorCoding.base64(embedding.vector), to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
        output += Array(#"],"model":"#.utf8)
        JSONValue.write(string: response.model, to: &output)
        if let usage = response.usage {
            output += Array(#","usage":"#.utf8)
            JSONValue.object(["prompt_tokens": .int(usage.inputTokens), "total_tokens": .int(usage.totalTokens)]).write(to: &output)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }
}
