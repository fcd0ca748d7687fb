import ChimeraCore

/// Reads and writes the Responses API's `response` object, the body of a unary answer.
///
/// Reading: `output` items in order — `message` content (`output_text`, `refusal`) as text,
/// `function_call` as a ``ToolCall`` (`call_id`), `reasoning` as ``Reasoning`` (summary text,
/// `encrypted_content` as the signature), any other item (built-in tool calls) opaque; `usage`;
/// the finish from `status` and `incomplete_details` (see ``OpenAIResponsesWire/finishReason(status:incompleteReason:calledTools:)``).
/// A `failed` response, or one that carries an `error`, is that error. Members with no domain
/// field stay in `extensions[.openAIResponses]`.
///
/// Writing: see ``OpenAIResponsesWire/response(id:model:createdAt:status:incompleteDetails:error:output:usage:request:extensions:)``.
struct OpenAIResponsesResponseCodec {
    let provider: ProviderID

    /// The members read into domain fields.
    private static let read: Set<String> = ["id", "object", "created_at", "status", "model", "output", "usage", "error", "incomplete_details", "output_text"]

    func decode(_ body: [UInt8], for request: ChatRequest) throws(ChimeraError) -> ChatResponse {
        let root: JSONField
        do {
            root = try JSONField.parse(body)
        } catch {
            throw error.malformed("response", provider: provider, body: body)
        }
        if root["error"].isPresent || root["status"].value?.string == "failed" {
            throw UpstreamErrorReader.inBandError(root["error"].value ?? "the response failed", raw: body, provider: provider, location: "in a 200 response")
                ?? ChimeraError(kind: .upstream, message: "\(provider.displayName) answered a failed response", provider: provider)
        }
        do {
            return try response(root, for: request)
        } catch {
            throw error.malformed("response", provider: provider, body: body)
        }
    }

    /// A finished `response` object (the body of a unary answer, or of `response.completed`).
    func response(_ root: JSONField, for request: ChatRequest) throws(FieldError) -> ChatResponse {
        var parts: [ContentPart] = []
        for item in try root["output"].elements() { parts += try Self.parts(of: item) }
        var extensions = JSONObject()
        for member in try root.object() where !Self.read.contains(member.key) { extensions[member.key] = member.value }
        let calledTools = parts.contains { if case .toolCall = $0 { true } else { false } }
        return ChatResponse(
            id: try root["id"].optionalString() ?? "",
            provider: provider,
            model: try root["model"].optionalString() ?? request.model,
            parts: parts,
            finishReason: OpenAIResponsesWire.finishReason(
                status: try root["status"].optionalString(), incompleteReason: try root["incomplete_details"]["reason"].optionalString(), calledTools: calledTools
            ),
            usage: root["usage"].isPresent ? try OpenAIResponsesWire.usage(root["usage"]) : nil,
            extensions: extensions.isEmpty ? [:] : [.openAIResponses: extensions]
        )
    }

    /// The parts one output item holds.
    static func parts(of item: JSONField) throws(FieldError) -> [ContentPart] {
        switch try item["type"].string() {
        case "message":
            return try item["content"].optionalElements().map { (part) throws(FieldError) -> ContentPart in
                switch try part["type"].string() {
                case "refusal": .text(try part["refusal"].string())
                case "output_text": .text(try part["text"].string())
                case let other: .opaque(OpaquePart(family: .openAIResponses, type: other, json: part.value ?? .null))
                }
            }
        case "function_call":
            let (id, signature) = ToolCall.splitSignature(from: try item["call_id"].string())
            return [.toolCall(ToolCall(id: id, name: try item["name"].string(), arguments: try item["arguments"].optionalString() ?? "", signature: signature))]
        case "reasoning":
            return [.reasoning(try OpenAIResponsesRequestDecoder(provider: .openai).reasoning(item))]
        case let other:
            return [.opaque(OpaquePart(family: .openAIResponses, type: other, json: item.value ?? .null))]
        }
    }

    func encode(_ response: ChatResponse, for request: ChatRequest) -> [UInt8] {
        let (status, details) = OpenAIResponsesWire.status(response.finishReason)
        return OpenAIResponsesWire.response(
            id: response.id, model: response.model, createdAt: OpenAIResponsesWire.now(), status: status, incompleteDetails: details,
            output: OpenAIResponsesWire.outputItems(response.parts, ids: .init(responseID: response.id)),
            usage: response.usage ?? Usage(inputTokens: 0, outputTokens: 0), request: request,
            extensions: response.extensions[.openAIResponses] ?? [:]
        ).serializedBytes()
    }
}
