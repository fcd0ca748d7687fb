import ChimeraCore
import Foundation

/// Writes domain parts as OpenAI Chat content parts and assistant messages. Shared by the
/// request encoder (every turn) and the answer encoder (`choices[].message`).
enum OpenAIChatPartWriter {
    /// Why a part cannot be written; the request encoder turns it into a refusal naming the
    /// field, the answer encoder leaves the part out.
    struct Unwritable: Error {
        let reason: String
    }

    // MARK: Content parts

    /// One content part of a user, system or tool message.
    ///
    /// - Parameter breakpoints: Whether cache markers become `prompt_cache_breakpoint`s (OpenAI
    ///   models that have them); otherwise markers are left out.
    static func contentPart(_ part: ContentPart, provider: ProviderID, breakpoints: Bool) throws(Unwritable) -> JSONObject {
        var object: JSONObject
        var marker: CacheControl?
        switch part {
        case .text(let text):
            object = ["type": "text", "text": .string(text.text)]
            marker = text.cacheControl
        case .image(let media):
            var image: JSONObject = ["url": .string(try imageURL(media, provider: provider))]
            if let detail = media.detail { image["detail"] = .string(detail) }
            object = ["type": "image_url", "image_url": .object(image)]
            marker = media.cacheControl
        case .document(let media):
            if case .text(let text) = media.source {
                // OpenAI's file parts hold PDFs; a plain-text document (Anthropic's) is text.
                object = ["type": "text", "text": .string(text)]
            } else {
                object = ["type": "file", "file": .object(try file(media, provider: provider))]
            }
            marker = media.cacheControl
        case .opaque(let opaque):
            guard case .contentPart(let sent)? = OpenAIChatOpaque(opaque) else { throw foreign(opaque, provider: provider) }
            return sent
        case .toolCall:
            throw Unwritable(reason: "a tool call belongs in an assistant turn")
        case .toolResult:
            throw Unwritable(reason: "a tool result cannot be nested here")
        case .reasoning:
            throw Unwritable(reason: "reasoning belongs in an assistant turn")
        }
        if breakpoints, marker != nil { object["prompt_cache_breakpoint"] = ["mode": "explicit"] }
        return object
    }

    /// `content`: a string when it is one text part without a marker to write, else an array.
    static func content(_ parts: [ContentPart], provider: ProviderID, breakpoints: Bool) throws(IndexedUnwritable) -> JSONValue {
        if parts.count == 1, case .text(let text) = parts[0], !(breakpoints && text.cacheControl != nil) {
            return .string(text.text)
        }
        var array: [JSONValue] = []
        for (index, part) in parts.enumerated() {
            do {
                array.append(.object(try contentPart(part, provider: provider, breakpoints: breakpoints)))
            } catch {
                throw IndexedUnwritable(index: index, reason: error.reason)
            }
        }
        return .array(array)
    }

    /// An ``Unwritable`` part and its position among the parts given.
    struct IndexedUnwritable: Error {
        let index: Int
        let reason: String
    }

    private static func imageURL(_ media: Media, provider: ProviderID) throws(Unwritable) -> String {
        switch media.source {
        case .url(let url):
            return url
        case .base64(let data):
            guard let type = media.mediaType else { throw Unwritable(reason: "an inline image needs its media type for \(provider.displayName)") }
            return "data:\(type);base64,\(data)"
        case .file:
            throw Unwritable(reason: "\(provider.displayName) takes images by URL or data URL, not by file id")
        case .text:
            throw Unwritable(reason: "an image cannot be text")
        }
    }

    private static func file(_ media: Media, provider: ProviderID) throws(Unwritable) -> JSONObject {
        var file = JSONObject()
        switch media.source {
        case .base64(let data):
            file["file_data"] = .string(media.mediaType.map { "data:\($0);base64,\(data)" } ?? data)
            // OpenAI requires a file name with inline data; a title (Anthropic) serves.
            file["filename"] = .string(media.filename ?? media.title ?? "document\(fileExtension(media.mediaType))")
            return file
        case .file(let id):
            file["file_id"] = .string(id)
        case .url:
            throw Unwritable(reason: "\(provider.displayName) takes documents inline or by file id, not by URL")
        case .text:
            preconditionFailure("text documents are written as text parts")
        }
        if let filename = media.filename { file["filename"] = .string(filename) }
        return file
    }

    private static func fileExtension(_ mediaType: String?) -> String {
        switch mediaType {
        case "application/pdf"?: ".pdf"
        case "text/plain"?: ".txt"
        default: ""
        }
    }

    static func foreign(_ part: OpaquePart, provider: ProviderID) -> Unwritable {
        Unwritable(reason: "the \(familyName(part.family)) part `\(part.type.prefix(64))` cannot be sent to \(provider.displayName)")
    }

    /// A family's name for messages: `OpenAI Chat`, `Anthropic`, `Gemini`.
    static func familyName(_ family: ProtocolFamily) -> String {
        switch family {
        case .openAIChat: "OpenAI Chat"
        case .openAIResponses: "OpenAI Responses"
        case .anthropicMessages: "Anthropic"
        case .geminiGenerateContent: "Gemini"
        }
    }

    // MARK: Assistant messages

    /// How an assistant message carries reasoning.
    enum ReasoningStyle {
        /// Left out (OpenAI, Qwen and Cursor do not take reasoning back).
        case omitted
        /// `reasoning_content`, the text only (DeepSeek wants it back in thinking mode with tools).
        case text
        /// `reasoning_content` and, when any block is signed or redacted, `thinking_blocks`
        /// (answers to OpenAI-format clients, who may send Anthropic's thinking back).
        case textAndBlocks
    }

    /// An assistant message: `role`, `content` (the text parts joined, or the parts when
    /// opaque content parts are among them; `null` when the message only calls tools, refuses
    /// or carries other members), reasoning as `style` says, `tool_calls` (ids carrying Gemini signatures, see
    /// ``ToolCall/idCarryingSignature``), then the opaque message members as sent.
    ///
    /// - Returns: The message and the parts that could not be written, with their positions.
    static func assistantMessage(_ parts: [ContentPart], name: String?, provider: ProviderID, reasoning style: ReasoningStyle) -> (JSONObject, [IndexedUnwritable]) {
        var texts: [String] = []
        var contentParts: [JSONValue] = []
        var hasOpaqueContent = false
        var calls: [JSONValue] = []
        var members = JSONObject()
        var reasoning: [Reasoning] = []
        var unwritable: [IndexedUnwritable] = []
        for (index, part) in parts.enumerated() {
            switch part {
            case .text(let text):
                texts.append(text.text)
                contentParts.append(["type": "text", "text": .string(text.text)])
            case .reasoning(let block):
                reasoning.append(block)
            case .toolCall(let call):
                calls.append(toolCall(call))
            case .opaque(let opaque):
                switch OpenAIChatOpaque(opaque) {
                case .contentPart(let sent)?:
                    contentParts.append(.object(sent))
                    hasOpaqueContent = true
                case .toolCall(let sent)?: calls.append(.object(sent))
                case .messageMember(let key, let value)?: members[key] = value
                case nil: unwritable.append(IndexedUnwritable(index: index, reason: foreign(opaque, provider: provider).reason))
                }
            case .image, .document:
                unwritable.append(IndexedUnwritable(index: index, reason: "\(provider.displayName) takes images and files only in user turns"))
            case .toolResult:
                unwritable.append(IndexedUnwritable(index: index, reason: "a tool result belongs in a user or tool turn"))
            }
        }
        var message: JSONObject = ["role": "assistant"]
        if hasOpaqueContent {
            message["content"] = .array(contentParts)
        } else if texts.isEmpty {
            message["content"] = calls.isEmpty && members.isEmpty ? "" : JSONValue.null
        } else {
            message["content"] = .string(texts.joined())
        }
        if let name { message["name"] = .string(name) }
        if style != .omitted {
            let text = reasoning.map(\.text).joined()
            if !text.isEmpty { message["reasoning_content"] = .string(text) }
            if style == .textAndBlocks, reasoning.contains(where: { $0.signature != nil || $0.redactedData != nil }) {
                message["thinking_blocks"] = .array(reasoning.map(thinkingBlock))
            }
        }
        if !calls.isEmpty { message["tool_calls"] = .array(calls) }
        return (OpenAIChatWire.merging(members, into: message), unwritable)
    }

    /// `{"type":"thinking","thinking","signature"}` or `{"type":"redacted_thinking","data"}`.
    static func thinkingBlock(_ reasoning: Reasoning) -> JSONValue {
        if let data = reasoning.redactedData {
            return ["type": "redacted_thinking", "data": .string(data)]
        }
        var block: JSONObject = ["type": "thinking", "thinking": .string(reasoning.text)]
        if let signature = reasoning.signature { block["signature"] = .string(signature) }
        return .object(block)
    }

    /// `{"id","type":"function","function":{"name","arguments"}}`; empty arguments (a call
    /// streamed without any) are written `{}`, since OpenAI refuses a call whose arguments are
    /// not JSON when it is sent back.
    static func toolCall(_ call: ToolCall) -> JSONValue {
        [
            "id": .string(call.idCarryingSignature),
            "type": "function",
            "function": ["name": .string(call.name), "arguments": .string(call.arguments.isEmpty ? "{}" : call.arguments)],
        ]
    }
}
