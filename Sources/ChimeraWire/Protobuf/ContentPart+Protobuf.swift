import ChimeraCore
import Foundation

extension Chimera_Proxy_V1_Part {
    /// The message for one domain content part; every field is carried.
    public init(_ part: ContentPart) {
        self.init()
        switch part {
        case .text(let text): self.text = Chimera_Proxy_V1_TextPart(text)
        case .image(let media): image = Chimera_Proxy_V1_Media(media)
        case .document(let media): document = Chimera_Proxy_V1_Media(media)
        case .toolCall(let call): toolCall = Chimera_Proxy_V1_ToolCall(call)
        case .toolResult(let result): toolResult = Chimera_Proxy_V1_ToolResult(result)
        case .reasoning(let reasoning): self.reasoning = Chimera_Proxy_V1_Reasoning(reasoning)
        case .opaque(let opaque): self.opaque = Chimera_Proxy_V1_OpaquePart(opaque)
        }
    }
}

extension Chimera_Proxy_V1_TextPart {
    /// The message for a text part.
    public init(_ text: ContentPart.Text) {
        self.init()
        self.text = text.text
        if let cacheControl = text.cacheControl { self.cacheControl = Chimera_Proxy_V1_CacheControl(cacheControl) }
    }
}

extension Chimera_Proxy_V1_CacheControl {
    /// The message for a prompt-cache breakpoint.
    public init(_ cacheControl: CacheControl) {
        self.init()
        type = cacheControl.type
        if let ttl = cacheControl.ttl { self.ttl = ttl }
    }
}

extension Chimera_Proxy_V1_Media {
    /// The message for an image or a document.
    ///
    /// Base64 that is canonical (what `Data.base64EncodedString()` writes) travels as raw
    /// `data`, a quarter smaller, and is written back identically; any other base64 text travels
    /// as written, so the round trip is exact either way.
    public init(_ media: Media) {
        self.init()
        switch media.source {
        case .base64(let text):
            if let bytes = Data(base64Encoded: text), bytes.base64EncodedString() == text {
                data = bytes
            } else {
                base64 = text
            }
        case .url(let url): self.url = url
        case .file(let id): fileID = id
        case .text(let text): self.text = text
        }
        if let mediaType = media.mediaType { self.mediaType = mediaType }
        if let detail = media.detail { self.detail = detail }
        if let title = media.title { self.title = title }
        if let filename = media.filename { self.filename = filename }
        if let cacheControl = media.cacheControl { self.cacheControl = Chimera_Proxy_V1_CacheControl(cacheControl) }
    }
}

extension Chimera_Proxy_V1_ToolCall {
    /// The message for a tool call; the arguments go as the model wrote them.
    public init(_ call: ToolCall) {
        self.init()
        id = call.id
        name = call.name
        arguments = call.arguments
        if let signature = call.signature { self.signature = signature }
    }
}

extension Chimera_Proxy_V1_ToolResult {
    /// The message for a tool result, its content parts included.
    public init(_ result: ToolResult) {
        self.init()
        toolCallID = result.toolCallID
        if let name = result.name { self.name = name }
        content = result.content.map(Chimera_Proxy_V1_Part.init)
        isError = result.isError
        if let cacheControl = result.cacheControl { self.cacheControl = Chimera_Proxy_V1_CacheControl(cacheControl) }
    }
}

extension Chimera_Proxy_V1_Reasoning {
    /// The message for the model's reasoning, verbatim.
    public init(_ reasoning: Reasoning) {
        self.init()
        text = reasoning.text
        if let signature = reasoning.signature { self.signature = signature }
        if let redactedData = reasoning.redactedData { self.redactedData = redactedData }
    }
}

extension Chimera_Proxy_V1_OpaquePart {
    /// The message for a part in one family's own JSON; the JSON goes as text.
    public init(_ part: OpaquePart) {
        self.init()
        family = part.family.rawValue
        type = part.type
        json = part.json.serialized()
    }
}

extension ProtobufReader {
    /// The domain parts of a repeated `Part` field, in order.
    ///
    /// - Parameter field: The field's path, e.g. `messages[2].parts`, for errors.
    /// - Throws: ``failure(_:_:)`` naming the bad part's field.
    func parts(_ parts: [Chimera_Proxy_V1_Part], at field: @autoclosure () -> String) throws(ChimeraError) -> [ContentPart] {
        var result: [ContentPart] = []
        result.reserveCapacity(parts.count)
        for (index, part) in parts.enumerated() {
            if let part = try self.part(part, at: "\(field())[\(index)]") { result.append(part) }
        }
        return result
    }

    /// One domain part, or `nil` for a part of an answer that this version cannot read.
    private func part(_ part: Chimera_Proxy_V1_Part, at field: @autoclosure () -> String) throws(ChimeraError) -> ContentPart? {
        switch part.kind {
        case .text(let text):
            return .text(ContentPart.Text(text.text, cacheControl: text.hasCacheControl ? CacheControl(text.cacheControl) : nil))
        case .image(let media):
            return try self.media(media, at: "\(field()).image").map(ContentPart.image)
        case .document(let media):
            return try self.media(media, at: "\(field()).document").map(ContentPart.document)
        case .toolCall(let call):
            return .toolCall(ToolCall(id: call.id, name: call.name, arguments: call.arguments, signature: call.hasSignature ? call.signature : nil))
        case .toolResult(let result):
            return .toolResult(ToolResult(
                toolCallID: result.toolCallID,
                name: result.hasName ? result.name : nil,
                content: try parts(result.content, at: "\(field()).tool_result.content"),
                isError: result.isError,
                cacheControl: result.hasCacheControl ? CacheControl(result.cacheControl) : nil
            ))
        case .reasoning(let reasoning):
            return .reasoning(Reasoning(
                text: reasoning.text,
                signature: reasoning.hasSignature ? reasoning.signature : nil,
                redactedData: reasoning.hasRedactedData ? reasoning.redactedData : nil
            ))
        case .opaque(let opaque):
            guard let family = try family(opaque.family, at: "\(field()).opaque.family") else { return nil }
            return .opaque(OpaquePart(family: family, type: opaque.type, json: try json(opaque.json, at: "\(field()).opaque.json")))
        case nil:
            try skipUnknown(field(), "a part of a kind this version does not know (none of text, image, document, tool_call, tool_result, reasoning, opaque is set)")
            return nil
        }
    }

    /// An image or a document, or `nil` for one of an answer whose source this version does
    /// not know.
    private func media(_ media: Chimera_Proxy_V1_Media, at field: @autoclosure () -> String) throws(ChimeraError) -> Media? {
        let source: Media.Source
        switch media.source {
        // Bytes always come back as canonical base64, which is what the writer turned into bytes.
        case .data(let bytes): source = .base64(bytes.base64EncodedString())
        case .base64(let text): source = .base64(text)
        case .url(let url): source = .url(url)
        case .fileID(let id): source = .file(id: id)
        case .text(let text): source = .text(text)
        case nil:
            try skipUnknown("\(field()).source", "not set, or of a kind this version does not know (none of data, base64, url, file_id, text is set)")
            return nil
        }
        return Media(
            source: source,
            mediaType: media.hasMediaType ? media.mediaType : nil,
            detail: media.hasDetail ? media.detail : nil,
            title: media.hasTitle ? media.title : nil,
            filename: media.hasFilename ? media.filename : nil,
            cacheControl: media.hasCacheControl ? CacheControl(media.cacheControl) : nil
        )
    }
}

extension CacheControl {
    /// The domain breakpoint of a message.
    public init(_ message: Chimera_Proxy_V1_CacheControl) {
        self.init(type: message.type, ttl: message.hasTtl ? message.ttl : nil)
    }
}
