import ChimeraCore
import Foundation

/// Writes content parts as Gemini `Part`s, for requests and answers alike.
///
/// | content part | Gemini part |
/// |---|---|
/// | text | `{text}` |
/// | reasoning with text | `{text, thought: true, thoughtSignature?}` |
/// | reasoning with only a signature | no part: the signature goes on the next part that has none of its own (else on an empty `{text: "", thoughtSignature}`) |
/// | redacted reasoning (Anthropic's encrypted `redacted_thinking`) | left out: only Anthropic can read it, and Anthropic ignores it in earlier turns too |
/// | image / document, base64 or a `data:` URL | `{inlineData: {mimeType, data}}` |
/// | image / document by URL | `{fileData: {mimeType?, fileUri}}`, the media type implied by the URL's extension when the part has none |
/// | a text document | `{inlineData}` of its UTF-8, `text/plain` unless it says otherwise |
/// | tool call | `{functionCall: {name, args, id?}, thoughtSignature?}`: `args` parsed from the arguments (which must be a JSON object); the signature is the call's own or the one folded into its id (``ToolCall/splitSignature(from:)``); `id` only when it is not one Chimera made up (``GeminiToolCallID``) |
/// | tool result | `{functionResponse: {name, response, id?, parts?}}`: `response` from ``GeminiResultWriter``, images and documents as `parts` |
/// | Gemini opaque part | as it came |
///
/// Media `detail`, `title` and `filename` have no Gemini counterpart and are left out. What
/// cannot be written at all is reported as a ``Failure``; the request encoder refuses it, the
/// answer encoder handles it (see ``GeminiResponseCodec``).
struct GeminiPartWriter {
    /// A part that could not be written.
    struct Failure {
        /// Where, relative to the message: `content[2]`, `content[2].content[0]`.
        var path: String
        /// Why, in a sentence that follows the path.
        var reason: String
        /// The call whose arguments are not a JSON object, when that is the reason.
        var malformedCall: ToolCall?
    }

    /// The parts written so far.
    private(set) var parts: [JSONValue] = []
    /// What could not be written.
    private(set) var failures: [Failure] = []
    private var pendingSignature: String?

    /// Writes the parts of one message (or one answer).
    ///
    /// - Parameter toolName: The function name of a result that does not carry it.
    static func write(_ parts: [ContentPart], toolName: (ToolResult) -> String? = { _ in nil }) -> GeminiPartWriter {
        var writer = GeminiPartWriter()
        for (index, part) in parts.enumerated() {
            writer.add(part, path: "content[\(index)]", toolName: toolName)
        }
        writer.flushSignature()
        return writer
    }

    private mutating func add(_ part: ContentPart, path: String, toolName: (ToolResult) -> String?) {
        switch part {
        case .text(let text):
            emit(["text": .string(text.text)], signature: nil)
        case .reasoning(let reasoning):
            if reasoning.text.isEmpty, reasoning.redactedData != nil { return }
            if reasoning.text.isEmpty, let signature = reasoning.signature {
                flushSignature()
                pendingSignature = signature
                return
            }
            emit(["text": .string(reasoning.text), "thought": true], signature: reasoning.signature)
        case .image(let media), .document(let media):
            switch Self.media(media) {
            case .success(let part): emit(part, signature: nil)
            case .failure(let failure): failures.append(Failure(path: path, reason: failure.reason))
            }
        case .toolCall(let call):
            let split = ToolCall.splitSignature(from: call.id)
            guard let arguments = GeminiWire.argumentsObject(call.arguments) else {
                failures.append(Failure(path: path, reason: "the arguments of the call of \"\(call.name.prefix(64))\" are not a JSON object", malformedCall: call))
                return
            }
            var functionCall: JSONObject = ["name": .string(call.name), "args": arguments]
            if !GeminiToolCallID.isSynthesized(split.id) { functionCall["id"] = .string(split.id) }
            emit(["functionCall": .object(functionCall)], signature: call.signature ?? split.signature)
        case .toolResult(let result):
            guard let name = result.name ?? toolName(result) else {
                failures.append(Failure(
                    path: path,
                    reason: "the result of tool call \"\(result.toolCallID.prefix(64))\" needs the tool's name (Gemini answers calls by name): set the result's name or keep the call in the conversation"
                ))
                return
            }
            var nested: [JSONValue] = []
            for (index, part) in result.content.enumerated() {
                switch part {
                case .text:
                    continue
                case .image(let media), .document(let media):
                    switch Self.media(media) {
                    case .success(let part): nested.append(.object(part))
                    case .failure(let failure): failures.append(Failure(path: "\(path).content[\(index)]", reason: failure.reason))
                    }
                case .opaque(let opaque) where opaque.family == GeminiWire.family:
                    nested.append(opaque.json)
                default:
                    failures.append(Failure(path: "\(path).content[\(index)]", reason: "a tool result can hold text, images and documents for Gemini"))
                }
            }
            var response: JSONObject = ["name": .string(name), "response": GeminiResultWriter.response(text: result.text, isError: result.isError)]
            let id = ToolCall.splitSignature(from: result.toolCallID).id
            if !GeminiToolCallID.isSynthesized(id) { response["id"] = .string(id) }
            if !nested.isEmpty { response["parts"] = .array(nested) }
            emit(["functionResponse": .object(response)], signature: nil)
        case .opaque(let opaque):
            guard opaque.family == GeminiWire.family, case .object(let object) = opaque.json else {
                failures.append(Failure(path: path, reason: "a \(opaque.family.rawValue) \"\(opaque.type.prefix(64))\" part has no Gemini form"))
                return
            }
            emit(object, signature: object["thoughtSignature"]?.string)
        }
    }

    /// Appends a part, giving it its own signature or the one waiting for a part.
    private mutating func emit(_ part: JSONObject, signature: String?) {
        var part = part
        if let signature {
            flushSignature()
            part["thoughtSignature"] = .string(signature)
        } else if let pending = pendingSignature {
            part["thoughtSignature"] = .string(pending)
            pendingSignature = nil
        }
        parts.append(.object(part))
    }

    /// Writes a signature that found no part to ride on as an empty text part, as Gemini itself
    /// ends some answers.
    private mutating func flushSignature() {
        guard let pending = pendingSignature else { return }
        pendingSignature = nil
        parts.append(["text": "", "thoughtSignature": .string(pending)])
    }

    private struct MediaFailure: Error {
        var reason: String
    }

    /// An image or document as `inlineData` or `fileData`.
    private static func media(_ media: Media) -> Result<JSONObject, MediaFailure> {
        switch media.source {
        case .base64(let data):
            guard let mediaType = media.mediaType else {
                return .failure(MediaFailure(reason: "inline data needs its media type for Gemini"))
            }
            return .success(inline(mediaType: mediaType, data: data))
        case .url(let url):
            if let (mediaType, data) = Media.parseDataURL(url) { return .success(inline(mediaType: mediaType, data: data)) }
            if url.hasPrefix("data:") {
                return .failure(MediaFailure(reason: "only base64 data: URLs can be sent to Gemini"))
            }
            var file = JSONObject()
            // Gemini reads a file by its mimeType: an image URL without one would be a document.
            if let mediaType = media.mediaType ?? Media.mediaType(impliedBy: url) { file["mimeType"] = .string(mediaType) }
            file["fileUri"] = .string(url)
            return .success(["fileData": .object(file)])
        case .file(let id):
            return .failure(MediaFailure(reason: "file \"\(id.prefix(64))\" was uploaded to another provider; send Gemini its bytes or a URL"))
        case .text(let text):
            return .success(inline(mediaType: media.mediaType ?? "text/plain", data: Data(text.utf8).base64EncodedString()))
        }
    }

    private static func inline(mediaType: String, data: String) -> JSONObject {
        ["inlineData": ["mimeType": .string(mediaType), "data": .string(data)]]
    }
}
