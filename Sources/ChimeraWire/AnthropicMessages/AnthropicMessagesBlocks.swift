import ChimeraCore
import Foundation

/// Content blocks ↔ content parts, for requests (`messages[].content`, `system`, tool results)
/// and answers (`content`).
///
/// A block becomes the part it stands for when every member it has fits the part; a block with
/// members the domain has no place for (a text block with `citations`, a document with `context`
/// or a `content` source, a `tool_use` with `cache_control`), and every other block type
/// (`server_tool_use`, `web_search_tool_result`, `search_result`, `container_upload`,
/// `mcp_tool_use`, …), is kept whole as an ``OpaquePart`` of the Anthropic family: written back
/// as it came to Anthropic, refused by name by the other families.
enum AnthropicMessagesBlocks {
    /// The member of a `tool_use` input that carries arguments which are not a JSON object.
    ///
    /// Anthropic's `input` must be an object, but a model of another provider may write
    /// arguments that are not (invalid JSON, a bare string). An answer keeps them, as
    /// `{"chimera_raw_arguments":"<the text>"}` rather than an empty object, so the client's
    /// tool sees what the model wrote and can report the mistake; a request that sends such an
    /// input back turns it into the same text again.
    static let rawArgumentsKey = "chimera_raw_arguments"

    // MARK: Decoding

    /// A block of a request's `messages[].content` or `system`.
    static func requestPart(_ block: JSONField) throws(FieldError) -> ContentPart {
        let type = try block["type"].string()
        switch type {
        case "text": return try text(block)
        case "image": return try media(block, keys: ["type", "source", "cache_control"], document: false)
        case "document": return try media(block, keys: ["type", "source", "cache_control", "title"], document: true)
        case "tool_use": return try toolUse(block, answer: false)
        case "tool_result": return try toolResult(block)
        case "thinking", "redacted_thinking": return try reasoning(block, type: type)
        default: return opaque(block, type: type)
        }
    }

    /// A block of an answer's `content`.
    ///
    /// Unlike a request's, a text block keeps its text when it has `citations` (dropped: the
    /// domain has no place for them, and an answer's text must stay readable), and a `tool_use`
    /// stays a tool call whatever its `caller`.
    static func answerPart(_ block: JSONField) throws(FieldError) -> ContentPart {
        let type = try block["type"].string()
        switch type {
        case "text": return .text(try block["text"].string())
        case "tool_use": return try toolUse(block, answer: true)
        case "thinking", "redacted_thinking": return try reasoning(block, type: type)
        default: return opaque(block, type: type)
        }
    }

    private static func opaque(_ block: JSONField, type: String) -> ContentPart {
        .opaque(OpaquePart(family: .anthropicMessages, type: type, json: block.value ?? .null))
    }

    private static func text(_ block: JSONField) throws(FieldError) -> ContentPart {
        let text = try block["text"].string()
        let citations = try block["citations"].optionalElements()
        guard citations.isEmpty, AnthropicMessagesWire.hasOnly(block, ["type", "text", "cache_control", "citations"]) else {
            return opaque(block, type: "text")
        }
        return .text(ContentPart.Text(text, cacheControl: try AnthropicMessagesWire.cacheControl(block["cache_control"])))
    }

    private static func media(_ block: JSONField, keys: Set<String>, document: Bool) throws(FieldError) -> ContentPart {
        let type = document ? "document" : "image"
        let sourceField = block["source"]
        _ = try sourceField.object()
        guard AnthropicMessagesWire.hasOnly(block, keys), var media = try source(sourceField) else {
            return opaque(block, type: type)
        }
        media.title = try block["title"].optionalString()
        media.cacheControl = try AnthropicMessagesWire.cacheControl(block["cache_control"])
        return document ? .document(media) : .image(media)
    }

    /// An image's or document's `source`, or `nil` for a kind the domain has no place for
    /// (a document's `content` source).
    private static func source(_ field: JSONField) throws(FieldError) -> Media? {
        switch try field["type"].string() {
        case "base64" where AnthropicMessagesWire.hasOnly(field, ["type", "data", "media_type"]):
            return Media(source: .base64(try field["data"].string()), mediaType: try field["media_type"].string())
        case "url" where AnthropicMessagesWire.hasOnly(field, ["type", "url"]):
            return Media(source: .url(try field["url"].string()))
        case "file" where AnthropicMessagesWire.hasOnly(field, ["type", "file_id"]):
            return Media(source: .file(id: try field["file_id"].string()))
        case "text" where AnthropicMessagesWire.hasOnly(field, ["type", "data", "media_type"]):
            return Media(source: .text(try field["data"].string()), mediaType: try field["media_type"].optionalString())
        default:
            return nil
        }
    }

    private static func toolUse(_ block: JSONField, answer: Bool) throws(FieldError) -> ContentPart {
        let wireID = try block["id"].string()
        let name = try block["name"].string()
        let input = try block["input"].object()
        // `caller: {"type":"direct"}` is the default (the model called the tool itself), which
        // newer answers spell out; any other caller, or a cache marker, has no place in a call.
        let caller = block["caller"]
        let directCall = !caller.isPresent || caller.value == ["type": "direct"]
        if !answer, !(directCall && AnthropicMessagesWire.hasOnly(block, ["type", "id", "name", "input", "caller"])) {
            return opaque(block, type: "tool_use")
        }
        let arguments: String
        if input.count == 1, let raw = input[rawArgumentsKey]?.string {
            arguments = raw
        } else {
            arguments = JSONValue.object(input).serialized()
        }
        let (id, signature) = ToolCall.splitSignature(from: wireID)
        return .toolCall(ToolCall(id: id, name: name, arguments: arguments, signature: signature))
    }

    private static func toolResult(_ block: JSONField) throws(FieldError) -> ContentPart {
        guard AnthropicMessagesWire.hasOnly(block, ["type", "tool_use_id", "content", "is_error", "cache_control"]) else {
            return opaque(block, type: "tool_result")
        }
        let wireID = try block["tool_use_id"].string()
        let contentField = block["content"]
        var content: [ContentPart] = []
        if let text = contentField.value?.string {
            content = [.text(text)]
        } else {
            for nested in try contentField.optionalElements() {
                let type = try nested["type"].string()
                switch type {
                case "text", "image", "document": content.append(try requestPart(nested))
                default: content.append(opaque(nested, type: type))
                }
            }
        }
        return .toolResult(ToolResult(
            toolCallID: ToolCall.splitSignature(from: wireID).id,
            content: content,
            isError: try block["is_error"].optionalBool() ?? false,
            cacheControl: try AnthropicMessagesWire.cacheControl(block["cache_control"])
        ))
    }

    private static func reasoning(_ block: JSONField, type: String) throws(FieldError) -> ContentPart {
        if type == "redacted_thinking" {
            guard AnthropicMessagesWire.hasOnly(block, ["type", "data"]) else { return opaque(block, type: type) }
            return .reasoning(Reasoning(text: "", redactedData: try block["data"].string()))
        }
        guard AnthropicMessagesWire.hasOnly(block, ["type", "thinking", "signature"]) else { return opaque(block, type: type) }
        return .reasoning(Reasoning(text: try block["thinking"].string(), signature: try block["signature"].optionalString()))
    }

    // MARK: Encoding requests

    /// Where a part sits in the request, for messages that name it, and who it is for.
    struct Location {
        /// `messages[2].content[1]`, `messages[0].content[3].content[0]`.
        var field: String
        var provider: ProviderID

        func refuse(_ message: String) -> ChimeraError {
            .invalidRequest("\(field): \(message)", provider: provider)
        }

        func nested(_ index: Int) -> Location {
            Location(field: "\(field).content[\(index)]", provider: provider)
        }
    }

    /// The block of a request part, or `nil` for reasoning Anthropic cannot take back: reasoning
    /// without a signature (another provider's `reasoning_content`). Anthropic checks the
    /// signature of every thinking block it receives and leaves earlier turns' thinking out of
    /// the model's context anyway, so leaving it out changes nothing the model sees.
    ///
    /// - Parameter toolUseIDs: The wire id of each tool call of the conversation by its domain
    ///   id, so that a tool result refers to its call by the id the `tool_use` block carries
    ///   (one with a Gemini signature folded in).
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the part: another family's
    ///   opaque part, tool-call arguments that are not a JSON object, media Anthropic has no
    ///   source for.
    static func requestBlock(_ part: ContentPart, at location: Location, toolUseIDs: [String: String]) throws(ChimeraError) -> JSONValue? {
        switch part {
        case .text(let text):
            return textBlock(text)
        case .image(let media):
            return try mediaBlock(media, document: false, at: location)
        case .document(let media):
            return try mediaBlock(media, document: true, at: location)
        case .toolCall(let call):
            guard let input = input(of: call) else {
                let found = call.parsedArguments.map { $0.typeName } ?? "text that is not JSON"
                throw location.refuse("Anthropic needs a tool call's arguments as a JSON object; found \(found)")
            }
            return ["type": "tool_use", "id": .string(call.idCarryingSignature), "name": .string(call.name), "input": input]
        case .toolResult(let result):
            var block: JSONObject = ["type": "tool_result", "tool_use_id": .string(toolUseIDs[result.toolCallID] ?? result.toolCallID)]
            if case .text(let text)? = result.content.first, result.content.count == 1, text.cacheControl == nil {
                block["content"] = .string(text.text)
            } else if !result.content.isEmpty {
                var nested: [JSONValue] = []
                for (index, part) in result.content.enumerated() {
                    nested.append(try toolResultContent(part, at: location.nested(index)))
                }
                block["content"] = .array(nested)
            }
            if result.isError { block["is_error"] = true }
            if let cacheControl = result.cacheControl { block["cache_control"] = AnthropicMessagesWire.json(cacheControl) }
            return .object(block)
        case .reasoning(let reasoning):
            return reasoningBlock(reasoning, unsigned: .omit)
        case .opaque(let opaque):
            guard opaque.family == .anthropicMessages else {
                throw location.refuse("\(opaque.family.rawValue)'s \(opaque.type) part cannot be sent to \(location.provider.displayName)")
            }
            return opaque.json
        }
    }

    private static func toolResultContent(_ part: ContentPart, at location: Location) throws(ChimeraError) -> JSONValue {
        switch part {
        case .text(let text): return textBlock(text)
        case .image(let media): return try mediaBlock(media, document: false, at: location)
        case .document(let media): return try mediaBlock(media, document: true, at: location)
        case .opaque(let opaque) where opaque.family == .anthropicMessages: return opaque.json
        case .opaque(let opaque):
            throw location.refuse("\(opaque.family.rawValue)'s \(opaque.type) part cannot be sent to \(location.provider.displayName)")
        case .toolCall, .toolResult, .reasoning:
            throw location.refuse("a tool result holds text, images and documents only")
        }
    }

    private static func textBlock(_ text: ContentPart.Text) -> JSONValue {
        var block: JSONObject = ["type": "text", "text": .string(text.text)]
        if let cacheControl = text.cacheControl { block["cache_control"] = AnthropicMessagesWire.json(cacheControl) }
        return .object(block)
    }

    /// An `image` or `document` block. OpenAI's image `detail` has no counterpart and is left
    /// out (a hint); a file's `filename` becomes the document's `title` when it has none.
    private static func mediaBlock(_ media: Media, document: Bool, at location: Location) throws(ChimeraError) -> JSONValue {
        var block: JSONObject = ["type": .string(document ? "document" : "image"), "source": try source(of: media, document: document, at: location)]
        if document, let title = media.title ?? media.filename { block["title"] = .string(title) }
        if let cacheControl = media.cacheControl { block["cache_control"] = AnthropicMessagesWire.json(cacheControl) }
        return .object(block)
    }

    private static func source(of media: Media, document: Bool, at location: Location) throws(ChimeraError) -> JSONValue {
        switch media.source {
        case .base64(let data):
            return try base64Source(data: data, mediaType: media.mediaType, document: document, at: location)
        case .url(let url):
            if let (mediaType, data) = Media.parseDataURL(url) {
                return try base64Source(data: data, mediaType: mediaType, document: document, at: location)
            }
            return ["type": "url", "url": .string(url)]
        case .file(let id):
            return ["type": "file", "file_id": .string(id)]
        case .text(let text):
            guard document else { throw location.refuse("an image cannot be given as text") }
            return ["type": "text", "media_type": .string(media.mediaType ?? "text/plain"), "data": .string(text)]
        }
    }

    /// A base64 source. Anthropic takes base64 images with their media type and base64
    /// documents as PDF; a base64 plain-text document (an OpenAI file part) is sent as a text
    /// source, since Anthropic has no base64 form for text.
    private static func base64Source(data: String, mediaType: String?, document: Bool, at location: Location) throws(ChimeraError) -> JSONValue {
        guard document else {
            guard let mediaType else { throw location.refuse("an inline image needs a media type (image/png, image/jpeg, image/gif, image/webp)") }
            return ["type": "base64", "media_type": .string(mediaType), "data": .string(data)]
        }
        switch mediaType ?? "application/pdf" {
        case "application/pdf":
            return ["type": "base64", "media_type": "application/pdf", "data": .string(data)]
        case "text/plain":
            guard let bytes = Data(base64Encoded: data), let text = String(bytes: bytes, encoding: .utf8) else {
                throw location.refuse("a text/plain document's data is not base64 of UTF-8 text")
            }
            return ["type": "text", "media_type": "text/plain", "data": .string(text)]
        case let other:
            throw location.refuse("\(location.provider.displayName) takes PDF and plain-text documents; found \(other.prefix(64))")
        }
    }

    /// The `input` object of a call: its arguments parsed, an empty object for empty arguments
    /// (a call without parameters), `nil` when they are not a JSON object.
    static func input(of call: ToolCall) -> JSONValue? {
        if call.arguments.allSatisfy(\.isWhitespace) { return .object([:]) }
        guard case .object? = call.parsedArguments else { return nil }
        return call.parsedArguments
    }

    /// What to do with reasoning that has no signature.
    enum Unsigned {
        /// Leave it out (requests: Anthropic would refuse it).
        case omit
        /// Write it with an empty signature (answers: the SDK's thinking block needs one).
        case emptySignature
    }

    /// A `thinking` or `redacted_thinking` block. A reasoning part with a signature and empty
    /// text is written too: Anthropic itself answers so when thinking is `omitted`, and Gemini's
    /// thought signatures travel that way; either must come back unchanged.
    static func reasoningBlock(_ reasoning: Reasoning, unsigned: Unsigned) -> JSONValue? {
        if let data = reasoning.redactedData { return ["type": "redacted_thinking", "data": .string(data)] }
        guard let signature = reasoning.signature ?? (unsigned == .emptySignature ? "" : nil) else { return nil }
        return ["type": "thinking", "thinking": .string(reasoning.text), "signature": .string(signature)]
    }

    // MARK: Encoding answers

    /// The block of an answer part, or `nil` for a part an Anthropic answer cannot hold (an
    /// image or document the model made, another family's opaque part, a tool result): the
    /// Anthropic SDK refuses block types it does not know, and encoding an answer cannot fail.
    static func answerBlock(_ part: ContentPart) -> JSONValue? {
        switch part {
        case .text(let text):
            return ["type": "text", "text": .string(text.text)]
        case .reasoning(let reasoning):
            return reasoningBlock(reasoning, unsigned: .emptySignature)
        case .toolCall(let call):
            let input = input(of: call) ?? [rawArgumentsKey: .string(call.arguments)]
            return ["type": "tool_use", "id": .string(call.idCarryingSignature), "name": .string(call.name), "input": input]
        case .opaque(let opaque) where opaque.family == .anthropicMessages:
            return opaque.json
        case .opaque, .image, .document, .toolResult:
            return nil
        }
    }
}
