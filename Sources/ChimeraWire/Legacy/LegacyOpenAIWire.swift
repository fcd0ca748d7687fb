import Foundation

/// The JSON of OpenAI Chat Completions, as ``LegacyOpenAICodec`` writes and reads it.
///
/// Every struct ignores keys it does not name (tool calls, logprobs, `obfuscation`, …) and reads
/// enum-like strings (roles, finish reasons) as plain strings so unknown values survive.
enum LegacyOpenAIWire {
    /// A chat completion request: written by clients, read by the proxy server.
    struct Request: Codable {
        var model: String
        var messages: [Message]
        /// Sent to compatible servers (DeepSeek, Qwen, Cursor gateways); deprecated at OpenAI.
        var maxTokens: Int?
        /// Sent to OpenAI, whose reasoning models reject `max_tokens`.
        var maxCompletionTokens: Int?
        var temperature: Double?
        var topP: Double?
        var stop: Stop?
        var stream: Bool?
        var streamOptions: StreamOptions?

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature, stop, stream
            case maxTokens = "max_tokens"
            case maxCompletionTokens = "max_completion_tokens"
            case topP = "top_p"
            case streamOptions = "stream_options"
        }
    }

    /// Asks for the usage chunk at the end of a stream.
    struct StreamOptions: Codable {
        var includeUsage: Bool?

        enum CodingKeys: String, CodingKey {
            case includeUsage = "include_usage"
        }
    }

    /// One message of a request.
    struct Message: Codable {
        var role: String
        var content: Content
    }

    /// Message content: a string, an array of `{type:"text",text}` parts (joined as paragraphs),
    /// or `null` (an assistant turn that only called tools). Always written as a string.
    struct Content: Codable {
        var text: String

        init(_ text: String) { self.text = text }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                text = ""
                return
            }
            do {
                text = try container.decode(String.self)
            } catch DecodingError.typeMismatch {
                do {
                    text = try container.decode([TextPart].self).map(\.text).joined(separator: "\n\n")
                } catch DecodingError.typeMismatch(_, let context) where context.codingPath.count == decoder.codingPath.count {
                    throw LegacyWireJSON.invalid(at: decoder.codingPath, "expected a string or an array of text parts")
                }
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(text)
        }
    }

    /// One part of an array content; only text parts can be carried.
    struct TextPart: Decodable {
        var text: String

        enum CodingKeys: String, CodingKey {
            case type, text
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let type = try container.decode(String.self, forKey: .type)
            guard type == "text" else {
                throw LegacyWireJSON.invalid(at: decoder.codingPath + [CodingKeys.type], "\(LegacyWireJSON.quoted(type)) is not supported; accepted: text")
            }
            text = try container.decode(String.self, forKey: .text)
        }
    }

    /// `stop`: one string or several; always written as an array.
    struct Stop: Codable {
        var sequences: [String]

        init(_ sequences: [String]) { self.sequences = sequences }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            do {
                sequences = [try container.decode(String.self)]
            } catch DecodingError.typeMismatch {
                do {
                    sequences = try container.decode([String].self)
                } catch DecodingError.typeMismatch(_, let context) where context.codingPath.count == decoder.codingPath.count {
                    throw LegacyWireJSON.invalid(at: decoder.codingPath, "expected a string or an array of strings")
                }
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(sequences)
        }
    }

    /// A unary response (`object: chat.completion`) or a stream chunk (`chat.completion.chunk`).
    ///
    /// A payload with an `error` member is an error, whatever else it holds.
    struct Completion: Codable {
        var id: String?
        var object: String?
        var created: Int?
        var model: String?
        var choices: [Choice]?
        var usage: Usage?
        var error: AnyJSON?
    }

    /// One choice; `message` in responses, `delta` in stream chunks.
    struct Choice: Codable {
        var index: Int?
        var message: Output?
        var delta: Output?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case index, message, delta
            case finishReason = "finish_reason"
        }

        init(index: Int, message: Output? = nil, delta: Output? = nil, finishReason: String?) {
            self.index = index
            self.message = message
            self.delta = delta
            self.finishReason = finishReason
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(index, forKey: .index)
            try container.encodeIfPresent(message, forKey: .message)
            try container.encodeIfPresent(delta, forKey: .delta)
            // OpenAI writes an explicit null until the last chunk; strict clients expect the key.
            try container.encode(finishReason, forKey: .finishReason)
        }
    }

    /// A message or delta from the model. `reasoning_content` (DeepSeek, Qwen) is deliberately
    /// not read: reasoning must not be mixed into the answer's text.
    struct Output: Codable {
        var role: String?
        var content: String?
    }

    /// Token counts.
    struct Usage: Codable {
        var promptTokens: Int?
        var completionTokens: Int?
        var totalTokens: Int?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
        }
    }

    /// An error body: `{"error":{message,type,param,code}}`, and `hint` when Chimera knows what to
    /// do about the error (SDKs show the whole body, so the hint reaches the user).
    struct ErrorBody: Encodable {
        var error: Detail

        struct Detail: Encodable {
            var message: String
            var type: String
            var param: String?
            var code: String
            var hint: String?

            enum CodingKeys: String, CodingKey {
                case message, type, param, code, hint
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(message, forKey: .message)
                try container.encode(type, forKey: .type)
                try container.encode(param, forKey: .param)
                try container.encode(code, forKey: .code)
                try container.encodeIfPresent(hint, forKey: .hint)
            }
        }
    }

    /// A model list: `{"object":"list","data":[{id,object,created,owned_by}]}`.
    struct ModelList: Codable {
        var object: String?
        var data: [Model]
    }

    /// One model of a list.
    struct Model: Codable {
        var id: String
        var object: String?
        var created: Int?
        var ownedBy: String?

        enum CodingKeys: String, CodingKey {
            case id, object, created
            case ownedBy = "owned_by"
        }
    }
}
