import Foundation

/// The JSON of Anthropic Messages, as ``LegacyAnthropicCodec`` writes and reads it.
///
/// Every struct ignores keys it does not name and reads enum-like strings (roles, stop reasons,
/// event and block types) as plain strings so unknown values survive.
enum LegacyAnthropicWire {
    /// A messages request: written by clients, read by the proxy server.
    struct Request: Codable {
        var model: String
        /// Required by Anthropic; an inbound request without it is rejected, as Anthropic would.
        var maxTokens: Int
        var system: System?
        var messages: [Message]
        var temperature: Double?
        var topP: Double?
        var stopSequences: [String]?
        var stream: Bool?

        enum CodingKeys: String, CodingKey {
            case model, system, messages, temperature, stream
            case maxTokens = "max_tokens"
            case topP = "top_p"
            case stopSequences = "stop_sequences"
        }
    }

    /// `system`: a string or an array of text blocks, one entry per block. Written as one string.
    struct System: Codable {
        var blocks: [String]

        init(_ text: String) { blocks = [text] }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            do {
                blocks = [try container.decode(String.self)]
            } catch DecodingError.typeMismatch {
                do {
                    blocks = try container.decode([InputBlock].self).compactMap(\.text)
                } catch DecodingError.typeMismatch(_, let context) where context.codingPath.count == decoder.codingPath.count {
                    throw LegacyWireJSON.invalid(at: decoder.codingPath, "expected a string or an array of text blocks")
                }
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(blocks.joined(separator: "\n\n"))
        }
    }

    /// One message of a request.
    struct Message: Codable {
        var role: String
        var content: Content
    }

    /// Message content: a string or an array of blocks whose text blocks are joined as
    /// paragraphs. Always written as a string.
    struct Content: Codable {
        var text: String

        init(_ text: String) { self.text = text }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            do {
                text = try container.decode(String.self)
            } catch DecodingError.typeMismatch {
                do {
                    text = try container.decode([InputBlock].self).compactMap(\.text).joined(separator: "\n\n")
                } catch DecodingError.typeMismatch(_, let context) where context.codingPath.count == decoder.codingPath.count {
                    throw LegacyWireJSON.invalid(at: decoder.codingPath, "expected a string or an array of content blocks")
                }
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(text)
        }
    }

    /// A block of an inbound request.
    ///
    /// Text blocks are kept. `thinking` and `redacted_thinking` blocks (earlier reasoning that
    /// clients send back) are dropped: they are not part of the conversation's text. Every other
    /// type (`image`, `tool_use`, `tool_result`, `document`, …) is rejected, because dropping it
    /// would silently change what the model is asked.
    struct InputBlock: Decodable {
        /// The block's text; `nil` for a dropped reasoning block.
        var text: String?

        enum CodingKeys: String, CodingKey {
            case type, text
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let type = try container.decode(String.self, forKey: .type)
            switch type {
            case "text":
                text = try container.decode(String.self, forKey: .text)
            case "thinking", "redacted_thinking":
                text = nil
            default:
                throw LegacyWireJSON.invalid(
                    at: decoder.codingPath + [CodingKeys.type],
                    "\(LegacyWireJSON.quoted(type)) blocks are not supported; accepted: text (thinking blocks are dropped)"
                )
            }
        }
    }

    /// A message from the model: a unary response, or the `message` of `message_start`.
    struct MessageObject: Codable {
        var id: String?
        var type: String?
        var role: String?
        var model: String?
        var content: [OutputBlock]?
        var stopReason: String?
        var stopSequence: String?
        var usage: Usage?

        enum CodingKeys: String, CodingKey {
            case id, type, role, model, content, usage
            case stopReason = "stop_reason"
            case stopSequence = "stop_sequence"
        }

        init(id: String, model: String, content: [OutputBlock], stopReason: String?, usage: Usage) {
            self.id = id
            self.type = "message"
            self.role = "assistant"
            self.model = model
            self.content = content
            self.stopReason = stopReason
            self.stopSequence = nil
            self.usage = usage
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(id, forKey: .id)
            try container.encodeIfPresent(type, forKey: .type)
            try container.encodeIfPresent(role, forKey: .role)
            try container.encodeIfPresent(model, forKey: .model)
            try container.encodeIfPresent(content, forKey: .content)
            // Anthropic always writes both, null until the message ends.
            try container.encode(stopReason, forKey: .stopReason)
            try container.encode(stopSequence, forKey: .stopSequence)
            try container.encodeIfPresent(usage, forKey: .usage)
        }
    }

    /// A block of the model's output; only `text` blocks carry answer text.
    struct OutputBlock: Codable {
        var type: String?
        var text: String?
    }

    /// A unary response body: a message, or `{"type":"error","error":{…}}`.
    struct Response: Decodable {
        var message: MessageObject
        var error: AnyJSON?

        enum CodingKeys: String, CodingKey {
            case error
        }

        init(from decoder: any Decoder) throws {
            message = try MessageObject(from: decoder)
            error = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(AnyJSON.self, forKey: .error)
        }
    }

    /// Token counts. Input is split in three: plain, written to the cache, read from the cache.
    struct Usage: Codable {
        var inputTokens: Int?
        var outputTokens: Int?
        var cacheCreationInputTokens: Int?
        var cacheReadInputTokens: Int?

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens"
            case outputTokens = "output_tokens"
            case cacheCreationInputTokens = "cache_creation_input_tokens"
            case cacheReadInputTokens = "cache_read_input_tokens"
        }
    }

    /// One stream event; `type` says which members it has.
    struct Event: Codable {
        var type: String?
        var message: MessageObject?
        var index: Int?
        var contentBlock: OutputBlock?
        var delta: Delta?
        var usage: Usage?
        var error: AnyJSON?

        enum CodingKeys: String, CodingKey {
            case type, message, index, delta, usage, error
            case contentBlock = "content_block"
        }
    }

    /// The `delta` of `content_block_delta` (`type`, `text`) or of `message_delta`
    /// (`stop_reason`).
    struct Delta: Codable {
        var type: String?
        var text: String?
        var stopReason: String?

        enum CodingKeys: String, CodingKey {
            case type, text
            case stopReason = "stop_reason"
        }
    }

    /// An error body: `{"type":"error","error":{type,message}}`.
    struct ErrorBody: Encodable {
        var type = "error"
        var error: Detail

        struct Detail: Encodable {
            var type: String
            var message: String
        }
    }

    /// A model list page.
    struct ModelList: Codable {
        var data: [Model]
        var hasMore: Bool?
        var firstId: String?
        var lastId: String?

        enum CodingKeys: String, CodingKey {
            case data
            case hasMore = "has_more"
            case firstId = "first_id"
            case lastId = "last_id"
        }
    }

    /// One model of a list.
    struct Model: Codable {
        var type: String?
        var id: String
        var displayName: String?
        var createdAt: String?

        enum CodingKeys: String, CodingKey {
            case type, id
            case displayName = "display_name"
            case createdAt = "created_at"
        }
    }
}
