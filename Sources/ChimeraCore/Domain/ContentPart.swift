/// One piece of a message: text, an image, a document, a tool call, a tool result or reasoning.
///
/// The three protocol families put these in different places — OpenAI's `tool_calls` next to
/// `content`, Anthropic's blocks, Gemini's parts — and the codecs translate; the order of parts
/// within a message is kept, since Anthropic and Gemini interleave text, reasoning and calls.
///
/// ```swift
/// ChatMessage.user([.text("What is in this picture?"), .image(url: "https://example.com/cat.png")])
/// ```
public enum ContentPart: Sendable, Hashable {
    /// Text.
    case text(Text)
    /// An image, by URL, inline data or a provider file id.
    case image(Media)
    /// A document (a PDF, a text file), where the provider has one.
    case document(Media)
    /// A call of one of the request's tools, made by the model (assistant turns).
    case toolCall(ToolCall)
    /// The result of a tool call, sent back to the model.
    case toolResult(ToolResult)
    /// The model's reasoning (Anthropic thinking, Gemini thoughts, DeepSeek `reasoning_content`),
    /// kept verbatim with its signature so it can be sent back.
    case reasoning(Reasoning)
    /// A part of one protocol family that has no counterpart in the others (OpenAI
    /// `input_audio`, Anthropic `server_tool_use`, Gemini `executableCode`), kept as sent: that
    /// family's binding writes it back, every other refuses it by name.
    case opaque(OpaquePart)

    /// A text part.
    public static func text(_ text: String, cacheControl: CacheControl? = nil) -> ContentPart {
        .text(Text(text, cacheControl: cacheControl))
    }

    /// An image at a URL (`https://…` or a `data:` URL).
    public static func image(url: String, detail: String? = nil) -> ContentPart {
        .image(Media(source: .url(url), detail: detail))
    }

    /// An image given inline, as base64.
    public static func image(base64 data: String, mediaType: String) -> ContentPart {
        .image(Media(source: .base64(data), mediaType: mediaType))
    }

    /// The text of a text part, `nil` for any other part.
    public var text: String? {
        if case .text(let text) = self { text.text } else { nil }
    }

    /// Text.
    public struct Text: Sendable, Hashable {
        /// The text.
        public var text: String
        /// Anthropic's prompt-cache marker after this part.
        public var cacheControl: CacheControl?

        /// Creates a text part.
        public init(_ text: String, cacheControl: CacheControl? = nil) {
            self.text = text
            self.cacheControl = cacheControl
        }
    }
}

/// A part in one family's own JSON (see ``ContentPart/opaque(_:)``).
public struct OpaquePart: Sendable, Hashable {
    /// The family whose JSON this is.
    public var family: ProtocolFamily
    /// The part's type as the family names it (`input_audio`, `server_tool_use`), for messages.
    public var type: String
    /// The part as sent.
    public var json: JSONValue

    /// Creates an opaque part.
    public init(family: ProtocolFamily, type: String, json: JSONValue) {
        self.family = family
        self.type = type
        self.json = json
    }
}

/// An image or a document: where its bytes are, and what they are.
public struct Media: Sendable, Hashable {
    /// Where the bytes are.
    public enum Source: Sendable, Hashable {
        /// The bytes, base64-encoded (with ``Media/mediaType``).
        case base64(String)
        /// A URL: `https://…`, `gs://…`, or a provider's file URI.
        case url(String)
        /// A file uploaded to the provider beforehand (OpenAI `file_id`, Anthropic `file_id`).
        case file(id: String)
        /// Plain text (Anthropic's text documents).
        case text(String)
    }

    /// Where the bytes are.
    public var source: Source
    /// The media type (`image/png`, `application/pdf`), when known.
    public var mediaType: String?
    /// OpenAI's image `detail` (`low`, `high`, `auto`).
    public var detail: String?
    /// A document's title (Anthropic).
    public var title: String?
    /// A file name (OpenAI file parts).
    public var filename: String?
    /// Anthropic's prompt-cache marker after this part.
    public var cacheControl: CacheControl?

    /// Creates a media part.
    public init(
        source: Source, mediaType: String? = nil, detail: String? = nil, title: String? = nil,
        filename: String? = nil, cacheControl: CacheControl? = nil
    ) {
        self.source = source
        self.mediaType = mediaType
        self.detail = detail
        self.title = title
        self.filename = filename
        self.cacheControl = cacheControl
    }

    /// A `data:<media type>;base64,<data>` URL split into its media type and data, or `nil`
    /// for any other URL.
    public static func parseDataURL(_ url: String) -> (mediaType: String, data: String)? {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else { return nil }
        return (String(header.dropLast(7)), String(url[url.index(after: comma)...]))
    }

    /// The media types of the file extensions providers take for images and documents.
    public static let mediaTypesByExtension = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "heic": "image/heic", "heif": "image/heif", "pdf": "application/pdf", "txt": "text/plain",
    ]

    /// The media type a file name or URL path implies by its extension, or `nil` when it
    /// implies none (for protocols that need one, such as Gemini's `fileData.mimeType`).
    public static func mediaType(impliedBy path: String) -> String? {
        let name = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), !name[name.index(after: dot)...].contains("/") else { return nil }
        return mediaTypesByExtension[name[name.index(after: dot)...].lowercased()]
    }
}

/// Anthropic's prompt-cache breakpoint (`cache_control`): everything up to the part that carries
/// it may be cached.
public struct CacheControl: Sendable, Hashable {
    /// The cache type; Anthropic knows `ephemeral`.
    public var type: String
    /// How long the entry lives (`5m`, `1h`), when not the default.
    public var ttl: String?

    /// A breakpoint.
    public init(type: String = "ephemeral", ttl: String? = nil) {
        self.type = type
        self.ttl = ttl
    }

    /// The default breakpoint.
    public static let ephemeral = CacheControl()
}
