import ChimeraCore

/// Reads Gemini `Part`s into content parts, for requests, answers and streams alike.
///
/// | Gemini part | content part |
/// |---|---|
/// | `{text}` | ``ContentPart/text(_:)`` |
/// | `{text, thought: true, thoughtSignature?}` | ``ContentPart/reasoning(_:)`` with the signature |
/// | any other part with `thoughtSignature` | a signature-only reasoning part before it, so the encoder re-attaches the signature to the part that follows (a `functionCall` keeps it in ``ToolCall/signature`` instead) |
/// | `{inlineData: {mimeType, data}}` | `.image` for `image/*`, else `.document`, base64 |
/// | `{fileData: {mimeType?, fileUri}}` | the same, by URL |
/// | `{functionCall: {name, args?, id?}}` | ``ContentPart/toolCall(_:)``: `args` serialized in order, the part's `id` or one from ``GeminiToolCallID`` |
/// | `{functionResponse: {name, response, id?, parts?}}` | ``ContentPart/toolResult(_:)`` answering the call with that id, else the first unanswered call of that name in the last model turn |
/// | anything else (`executableCode`, `codeExecutionResult`, a part with `videoMetadata`, `mediaResolution`, `partMetadata` or a member Chimera does not know) | ``ContentPart/opaque(_:)``, as sent |
///
/// A `functionResponse` whose `response` is exactly `{"result": "<text>"}` (or `{"error":
/// "<text>"}`, then an error result) reads as that text, as the encoder writes a text result;
/// any other `response` reads as its JSON text.
struct GeminiPartReader {
    /// How calls without an id get one.
    enum IDStyle {
        /// From the turn and the call's index in it (requests).
        case request
        /// From the call's index in the answer and a hash of its name and arguments (answers, streams).
        case answer
    }

    let idStyle: IDStyle
    /// The calls read so far (across the whole answer or stream).
    private(set) var callCount = 0
    private var turn = 0
    private var callsInTurn = 0
    private var resultsInTurn = 0
    /// The calls of the last model turn that no result has answered yet, in order.
    private var unanswered: [(id: String, name: String)] = []

    init(idStyle: IDStyle) {
        self.idStyle = idStyle
    }

    /// Starts a request turn: calls of a model turn become the ones the next results answer.
    mutating func beginTurn(_ turn: Int, isModel: Bool) {
        self.turn = turn
        callsInTurn = 0
        resultsInTurn = 0
        if isModel { unanswered = [] }
    }

    /// The parts of a `parts` array, in order.
    mutating func read(parts field: JSONField) throws(FieldError) -> [ContentPart] {
        var parts: [ContentPart] = []
        for element in try field.elements() {
            parts += try read(part: element)
        }
        return parts
    }

    /// One part: usually one content part, two when a signature rides on a part that has no slot for it.
    mutating func read(part field: JSONField) throws(FieldError) -> [ContentPart] {
        let members = try GeminiMembers(field)
        let dataKeys = members.keys(notIn: ["thought", "thoughtSignature"])
        guard dataKeys.count == 1, let key = dataKeys.first else {
            return [opaque(field, type: dataKeys.first ?? "part")]
        }
        // Google's bytes in either alphabet, kept in the standard one: another family (Anthropic)
        // compares the exact text it issued.
        let signature = try members["thoughtSignature"].optionalString().map { Base64Text.standard($0) ?? $0 }
        let thought = try members["thought"].optionalBool()
        let data = members[key]
        let signed: (ContentPart) -> [ContentPart] = { part in
            signature.map { [.reasoning(Reasoning(text: "", signature: $0)), part] } ?? [part]
        }
        switch key {
        case "text":
            let text = try data.string()
            if thought == true { return [.reasoning(Reasoning(text: text, signature: signature))] }
            // Gemini ends some answers with an empty text part that only carries the signature.
            if text.isEmpty, let signature { return [.reasoning(Reasoning(text: "", signature: signature))] }
            return signed(.text(text))
        case "inlineData", "fileData":
            guard thought == nil, let media = try Self.media(key, data) else { return [opaque(field, type: key)] }
            return signed(media)
        case "functionCall":
            guard thought == nil, let call = try functionCall(data, signature: signature) else { return [opaque(field, type: key)] }
            return [.toolCall(call)]
        case "functionResponse":
            guard thought == nil, signature == nil, let result = try functionResponse(data) else { return [opaque(field, type: key)] }
            return [.toolResult(result)]
        default:
            return [opaque(field, type: key)]
        }
    }

    private func opaque(_ field: JSONField, type: String) -> ContentPart {
        .opaque(OpaquePart(family: GeminiWire.family, type: type, json: field.value ?? .null))
    }

    /// An image or document, or `nil` when the blob has members the domain has no place for.
    private static func media(_ key: String, _ field: JSONField) throws(FieldError) -> ContentPart? {
        let members = try GeminiMembers(field)
        let media: Media
        if key == "inlineData" {
            guard members.keys(notIn: ["mimeType", "data"]).isEmpty else { return nil }
            media = Media(source: .base64(try members["data"].string()), mediaType: try members["mimeType"].string())
        } else {
            guard members.keys(notIn: ["mimeType", "fileUri"]).isEmpty else { return nil }
            media = Media(source: .url(try members["fileUri"].string()), mediaType: try members["mimeType"].optionalString())
        }
        return media.mediaType?.lowercased().hasPrefix("image/") == true ? .image(media) : .document(media)
    }

    private mutating func functionCall(_ field: JSONField, signature: String?) throws(FieldError) -> ToolCall? {
        let members = try GeminiMembers(field)
        guard members.keys(notIn: ["name", "args", "id"]).isEmpty else { return nil }
        let name = try members["name"].string()
        let arguments = try members["args"].optionalObject().map { JSONValue.object($0).serialized() } ?? "{}"
        let id: String
        if let given = try members["id"].optionalString() {
            id = given
        } else {
            switch idStyle {
            case .request: id = GeminiToolCallID.request(turn: turn, index: callsInTurn)
            case .answer: id = GeminiToolCallID.answer(index: callCount, name: name, arguments: arguments)
            }
        }
        callsInTurn += 1
        callCount += 1
        unanswered.append((id, name))
        return ToolCall(id: id, name: name, arguments: arguments, signature: signature)
    }

    private mutating func functionResponse(_ field: JSONField) throws(FieldError) -> ToolResult? {
        let members = try GeminiMembers(field)
        guard members.keys(notIn: ["name", "response", "id", "parts"]).isEmpty else { return nil }
        let name = try members["name"].string()
        let response = try members["response"].optionalObject()
        let id: String
        if let given = try members["id"].optionalString() {
            id = given
            unanswered.removeAll { $0.id == given }
        } else if let index = unanswered.firstIndex(where: { $0.name == name }) {
            id = unanswered.remove(at: index).id
        } else {
            // A result for no call Chimera saw: Gemini will judge it; the id only has to be stable.
            id = GeminiToolCallID.request(turn: turn, index: resultsInTurn)
        }
        resultsInTurn += 1
        let (text, isError) = Self.resultText(response ?? JSONObject())
        var content: [ContentPart] = [.text(text)]
        for element in try members["parts"].optionalElements() {
            content += try read(part: element)
        }
        return ToolResult(toolCallID: id, name: name, content: content, isError: isError)
    }

    /// The text of a `response` object (see the type's discussion).
    static func resultText(_ response: JSONObject) -> (text: String, isError: Bool) {
        if response.count == 1, let member = response.members.first, member.key == "result" || member.key == "error",
           let text = member.value.string, !GeminiResultWriter.isObjectText(text) {
            return (text, member.key == "error")
        }
        return (JSONValue.object(response).serialized(), false)
    }
}

/// Writes a tool result's text as a `functionResponse.response` object: the text itself when it
/// is a JSON object, else `{"result": text}`, as python-genai wraps a non-object result; a failed
/// tool's text (or object) goes under `error`, the key Gemini's documentation gives errors.
enum GeminiResultWriter {
    /// The `response` object for a result text; a failed tool's JSON object goes under `error`.
    static func response(text: String, isError: Bool) -> JSONValue {
        if isObjectText(text), let object = GeminiWire.argumentsObject(text) {
            return isError ? .object(JSONObject([("error", object)])) : object
        }
        return .object(JSONObject([(isError ? "error" : "result", .string(text))]))
    }

    /// Whether `text` is a JSON object (an empty text is not).
    static func isObjectText(_ text: String) -> Bool {
        !text.allSatisfy(\.isWhitespace) && GeminiWire.argumentsObject(text) != nil
    }
}
