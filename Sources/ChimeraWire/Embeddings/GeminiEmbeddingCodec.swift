import ChimeraCore
import Foundation

/// Gemini's `models/{model}:embedContent` (one text) and `:batchEmbedContents` (several), under
/// `v1beta` and `v1`.
///
/// | domain | wire |
/// |---|---|
/// | ``EmbeddingRequest/inputs`` | `content.parts[0].text` (single), `requests[i].content.parts[0].text` (batch) |
/// | ``EmbeddingRequest/dimensions`` | `outputDimensionality` |
/// | ``EmbeddingRequest/taskType`` | `taskType` |
/// | ``EmbeddingResponse/embeddings`` | `embedding.values` (single), `embeddings[i].values` (batch) |
///
/// The model travels in the URL (and, in a batch, in each request as `models/{model}`, which
/// must be the URL's). A content is one text part: several parts, non-text parts and `title`
/// have no place in the domain and are refused by name. Gemini reports no usage.
public struct GeminiEmbeddingCodec: EmbeddingCodec {
    /// Which of the two methods is spoken.
    public enum Form: Sendable, Hashable, CaseIterable {
        /// `embedContent`: one text.
        case single
        /// `batchEmbedContents`: several.
        case batch

        /// The method's name in the URL.
        public var method: String {
            switch self {
            case .single: "embedContent"
            case .batch: "batchEmbedContents"
            }
        }
    }

    /// The method spoken.
    public let form: Form

    /// Creates the codec of one method.
    public init(form: Form) {
        self.form = form
    }

    /// `{base}/models/{model}:embedContent` or `:batchEmbedContents`, the base URL read as for chat.
    public func url(base: URL, for request: EmbeddingRequest) -> URL {
        GeminiBinding.modelURL(base: base, model: request.model, method: form.method)
    }

    public func encodeRequest(_ request: EmbeddingRequest) -> [UInt8] {
        let model = Self.resourceName(request.model)
        func item(_ text: String) -> JSONValue {
            var members: [(String, JSONValue)] = [("model", .string(model)), ("content", ["parts": [["text": .string(text)]]])]
            if let taskType = request.taskType { members.append(("taskType", .string(taskType))) }
            if let dimensions = request.dimensions { members.append(("outputDimensionality", .int(dimensions))) }
            return .object(JSONObject(members))
        }
        switch form {
        case .single: return item(request.inputs[0]).serializedBytes()
        case .batch: return JSONValue.object(["requests": .array(request.inputs.map(item))]).serializedBytes()
        }
    }

    public func decodeResponse(_ body: [UInt8], for request: EmbeddingRequest) throws(ChimeraError) -> EmbeddingResponse {
        do {
            let root = try JSONField.parse(body)
            let vectors: [[Float]] = switch form {
            case .single: [try EmbeddingVectorCoding.read(root["embedding"]["values"])]
            case .batch: try root["embeddings"].elements().map { (embedding) throws(FieldError) in try EmbeddingVectorCoding.read(embedding["values"]) }
            }
            return try EmbeddingResponse(
                provider: request.provider,
                model: request.model,
                embeddings: vectors.enumerated().map { EmbeddingResponse.Embedding(index: $0, vector: $1) }
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

    /// Gemini's error shape.
    public var errors: any CallerBinding { GeminiBinding() }

    /// Reads an `EmbedContentRequest`, or a `BatchEmbedContentsRequest` whose requests agree on
    /// the model (the URL's), `outputDimensionality` and `taskType`.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field and what it accepts.
    public func decodeRequest(_ body: [UInt8], provider: ProviderID, model: String?) throws(ChimeraError) -> EmbeddingRequest {
        let model = (model ?? "").hasPrefix("models/") ? String(model!.dropFirst("models/".count)) : model ?? ""
        do throws(FieldError) {
            let root = try JSONField.parse(body)
            _ = try root.object()
            let items: [JSONField] = switch form {
            case .single: [root]
            case .batch: try root["requests"].elements()
            }
            var request = EmbeddingRequest(provider: provider, model: model, inputs: [])
            for (position, item) in items.enumerated() {
                let (text, dimensions, taskType) = try Self.read(item, model: model)
                request.inputs.append(text)
                if position == 0 {
                    (request.dimensions, request.taskType) = (dimensions, taskType)
                } else if dimensions != request.dimensions {
                    throw item["outputDimensionality"].failure("must be the same in every request of a batch (\(request.dimensions.map(String.init) ?? "unset") in the first)")
                } else if taskType != request.taskType {
                    throw item["taskType"].failure("must be the same in every request of a batch (\(request.taskType ?? "unset") in the first)")
                }
            }
            return request
        } catch {
            throw error.invalidRequest(provider: provider)
        }
    }

    /// One `EmbedContentRequest`: its text, `outputDimensionality` and `taskType`.
    private static func read(_ item: JSONField, model: String) throws(FieldError) -> (String, Int?, String?) {
        if let named = try item["model"].optionalString(), named != resourceName(model), named != model {
            throw item["model"].failure("\"\(named.prefix(64))\" is not the URL's model \(resourceName(model))")
        }
        if item["title"].isPresent {
            throw item["title"].failure("not supported by Chimera's embeddings; leave it out")
        }
        let parts = try item["content"]["parts"].elements()
        guard parts.count == 1 else {
            throw item["content"]["parts"].failure("expected one text part, found \(parts.count); send each text as its own request of a batchEmbedContents")
        }
        let text = try parts[0]["text"].string()
        let dimensions = try item["outputDimensionality"].optionalInt()
        if let dimensions, dimensions < 1 {
            throw item["outputDimensionality"].failure("\(dimensions) is out of range; accepted: 1 or more")
        }
        return (text, dimensions, try item["taskType"].optionalString())
    }

    /// `{"embedding":{"values":[…]}}` or `{"embeddings":[{"values":[…]}]}`.
    ///
    /// - Throws: ``ChimeraError`` when a component is NaN or infinite.
    public func encodeResponse(_ response: EmbeddingResponse, for request: EmbeddingRequest) throws(ChimeraError) -> [UInt8] {
        var output: [UInt8] = []
        switch form {
        case .single:
            output += Array(#"{"embedding":{"values":"#.utf8)
            try EmbeddingVectorCoding.appendJSONArray(response.embeddings.first?.vector ?? [], field: "embedding.values", to: &output)
            output += Array("}}".utf8)
        case .batch:
            output += Array(#"{"embeddings":["#.utf8)
            for (position, embedding) in response.embeddings.enumerated() {
                output += Array((position > 0 ? #",{"values":"# : #"{"values":"#).utf8)
                try EmbeddingVectorCoding.appendJSONArray(embedding.vector, field: "embeddings[\(position)].values", to: &output)
                output.append(UInt8(ascii: "}"))
            }
            output += Array("]}".utf8)
        }
        return output
    }

    /// `models/{model}`, the resource name Gemini's bodies use.
    private static func resourceName(_ model: String) -> String {
        model.hasPrefix("models/") ? model : "models/\(model)"
    }
}
