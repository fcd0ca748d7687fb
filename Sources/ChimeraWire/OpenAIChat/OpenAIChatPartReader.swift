import ChimeraCore

/// Reads the parts of OpenAI Chat messages: content (a string or an array of parts), an
/// assistant's tool calls and reasoning. Shared by inbound requests (their assistant turns) and
/// upstream answers (`choices[].message`), which have the same shape.
///
/// A part or call the domain cannot hold exactly — an unknown type, or a known type with a
/// member Chimera does not know — becomes an ``OpenAIChatOpaque`` part at its position, so
/// nothing is lost.
enum OpenAIChatPartReader {
    // MARK: Content

    /// `content`: a string (one text part), an array of parts, or absent / `null` (none).
    static func content(_ field: JSONField) throws(FieldError) -> [ContentPart] {
        switch field.value {
        case nil, .null?: return []
        case .string(let text)?: return [.text(text)]
        case .array?: return try field.elements().map { (element) throws(FieldError) in try part(element) }
        case let value?: throw field.failure("expected a string or an array of content parts, found \(value.typeName)")
        }
    }

    /// One content part: `text`, `image_url` (a URL or a `data:` URL) and `file` (`file_data`
    /// or `file_id`) become domain parts; `prompt_cache_breakpoint` becomes a cache marker;
    /// everything else (`input_audio`, `refusal`, new types) stays opaque.
    static func part(_ field: JSONField) throws(FieldError) -> ContentPart {
        let object = try field.object()
        let type = try field["type"].string()
        let marker: CacheControl?
        switch object["prompt_cache_breakpoint"] {
        case nil: marker = nil
        case ["mode": "explicit"]?: marker = .ephemeral
        default: return OpenAIChatOpaque.contentPart(object).part
        }
        switch type {
        case "text" where only(object, ["type", "text", "prompt_cache_breakpoint"]):
            return .text(ContentPart.Text(try field["text"].string(), cacheControl: marker))
        case "image_url" where only(object, ["type", "image_url", "prompt_cache_breakpoint"]):
            let image = field["image_url"]
            // Some clients send the URL itself rather than `{"url": …}`.
            if case .string(let url)? = image.value {
                return .image(media(url: url, detail: nil, cacheControl: marker))
            }
            guard only(try image.object(), ["url", "detail"]) else { return OpenAIChatOpaque.contentPart(object).part }
            return .image(media(url: try image["url"].string(), detail: try image["detail"].optionalString(), cacheControl: marker))
        case "file" where only(object, ["type", "file", "prompt_cache_breakpoint"]):
            let file = field["file"]
            guard only(try file.object(), ["file_data", "file_id", "filename"]), file["file_data"].isPresent != file["file_id"].isPresent else {
                return OpenAIChatOpaque.contentPart(object).part
            }
            let filename = try file["filename"].optionalString()
            if let id = try file["file_id"].optionalString() {
                return .document(Media(source: .file(id: id), filename: filename, cacheControl: marker))
            }
            let data = try file["file_data"].string()
            if let inline = Media.parseDataURL(data) {
                return .document(Media(source: .base64(inline.data), mediaType: inline.mediaType, filename: filename, cacheControl: marker))
            }
            return .document(Media(source: .base64(data), filename: filename, cacheControl: marker))
        default:
            return OpenAIChatOpaque.contentPart(object).part
        }
    }

    private static func media(url: String, detail: String?, cacheControl: CacheControl?) -> Media {
        if let inline = Media.parseDataURL(url) {
            return Media(source: .base64(inline.data), mediaType: inline.mediaType, detail: detail, cacheControl: cacheControl)
        }
        return Media(source: .url(url), detail: detail, cacheControl: cacheControl)
    }

    /// Whether every member of `object` is one of `keys`.
    static func only(_ object: JSONObject, _ keys: Set<String>) -> Bool {
        object.keys.allSatisfy(keys.contains)
    }

    // MARK: Assistant messages

    /// What an assistant message (a request's assistant turn, or an answer's `message`) holds,
    /// as parts in the domain's order: reasoning first (`thinking_blocks`, with signatures and
    /// redacted data, else `reasoning_content`), then the content, the tool calls, and the
    /// members the domain has no field for (``OpenAIChatOpaque/messageMember(key:value:)``).
    ///
    /// - Parameters:
    ///   - known: Members read elsewhere (`role`, `name`), skipped here.
    ///   - keepsEmptyAnnotations: Whether an empty `annotations` array is kept (answers, which
    ///     OpenAI writes with one) or dropped (requests, where the SDKs echo it back with a
    ///     message and where another family would have to refuse it).
    static func assistantParts(_ message: JSONField, known: Set<String>, keepsEmptyAnnotations: Bool) throws(FieldError) -> [ContentPart] {
        var reasoning: [ContentPart] = []
        var reasoningText: String?
        var content: [ContentPart] = []
        var calls: [ContentPart] = []
        var members: [ContentPart] = []
        for (key, field) in try message.members() where !known.contains(key) {
            switch key {
            case "content": content = try self.content(field)
            case "tool_calls": calls = try toolCalls(field)
            case "reasoning_content": reasoningText = try field.optionalString()
            case "thinking_blocks": reasoning = try thinkingBlocks(field)
            default:
                // `null` says nothing, like an absent member.
                guard let value = field.value, !value.isNull, keepsEmptyAnnotations || !(key == "annotations" && value == []) else { continue }
                members.append(OpenAIChatOpaque.messageMember(key: key, value: value).part)
            }
        }
        // LiteLLM's `reasoning_content` repeats the text of its `thinking_blocks`, which also
        // carry the signatures: the blocks win.
        if reasoning.isEmpty, let reasoningText, !reasoningText.isEmpty {
            reasoning = [.reasoning(Reasoning(text: reasoningText))]
        }
        return reasoning + content + calls + members
    }

    /// `thinking_blocks`: `{"type":"thinking","thinking","signature"}` and
    /// `{"type":"redacted_thinking","data"}`, the convention LiteLLM established for
    /// OpenAI-format clients of Anthropic.
    static func thinkingBlocks(_ field: JSONField) throws(FieldError) -> [ContentPart] {
        try field.optionalElements().map { (block) throws(FieldError) in
            switch try block["type"].string() {
            case "thinking":
                .reasoning(Reasoning(text: try block["thinking"].optionalString() ?? "", signature: try block["signature"].optionalString()))
            case "redacted_thinking":
                .reasoning(Reasoning(text: "", redactedData: try block["data"].string()))
            case let other:
                throw block["type"].failure("\"\(other.prefix(64))\" is not a thinking block; accepted: thinking, redacted_thinking")
            }
        }
    }

    /// `tool_calls`: function calls become ``ToolCall``s (their ids split from a signature
    /// Chimera folded in, see ``ToolCall/splitSignature(from:)``); other calls (`custom`) and
    /// calls with members Chimera does not know stay opaque.
    static func toolCalls(_ field: JSONField) throws(FieldError) -> [ContentPart] {
        try field.optionalElements().map { (call) throws(FieldError) in
            let object = try call.object()
            let function = call["function"]
            let type = try call["type"].optionalString() ?? (function.isPresent ? "function" : nil)
            guard type == "function", only(object, ["id", "type", "function"]), only(try function.object(), ["name", "arguments"]) else {
                return OpenAIChatOpaque.toolCall(object).part
            }
            let (id, signature) = ToolCall.splitSignature(from: try call["id"].string())
            return .toolCall(ToolCall(id: id, name: try function["name"].string(), arguments: try function["arguments"].optionalString() ?? "", signature: signature))
        }
    }
}
