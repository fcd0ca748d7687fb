import Foundation

/// The JSON of Gemini generateContent, as ``LegacyGeminiCodec`` writes and reads it.
///
/// Names are lowerCamelCase, as Google's JSON mapping of protobuf writes them; inbound requests
/// may also use the protobuf field names (`system_instruction`, `max_output_tokens`), which
/// Google's own REST examples do and Google's servers accept. Unknown keys are ignored and enum
/// strings (roles, finish reasons) are read as plain strings.
enum LegacyGeminiWire {
    /// A generateContent request body (the model and the stream flag are in the URL).
    struct Request: Codable {
        var contents: [Content]
        var systemInstruction: Content?
        var generationConfig: GenerationConfig?

        init(contents: [Content], systemInstruction: Content?, generationConfig: GenerationConfig?) {
            self.contents = contents
            self.systemInstruction = systemInstruction
            self.generationConfig = generationConfig
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyCodingKey.self)
            contents = try container.decode([Content].self, forKey: "contents")
            systemInstruction = try container.decodeIfPresent(Content.self, forKey: "systemInstruction", or: "system_instruction")
            generationConfig = try container.decodeIfPresent(GenerationConfig.self, forKey: "generationConfig", or: "generation_config")
        }
    }

    /// Sampling parameters.
    struct GenerationConfig: Codable {
        var temperature: Double?
        var topP: Double?
        var maxOutputTokens: Int?
        var stopSequences: [String]?

        init(temperature: Double?, topP: Double?, maxOutputTokens: Int?, stopSequences: [String]?) {
            self.temperature = temperature
            self.topP = topP
            self.maxOutputTokens = maxOutputTokens
            self.stopSequences = stopSequences
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyCodingKey.self)
            temperature = try container.decodeIfPresent(Double.self, forKey: "temperature")
            topP = try container.decodeIfPresent(Double.self, forKey: "topP", or: "top_p")
            maxOutputTokens = try container.decodeIfPresent(Int.self, forKey: "maxOutputTokens", or: "max_output_tokens")
            stopSequences = try container.decodeIfPresent([String].self, forKey: "stopSequences", or: "stop_sequences")
        }
    }

    /// One turn: a role (`user`, `model`; absent means `user`) and its parts.
    struct Content: Codable {
        var role: String?
        var parts: [Part]?
    }

    /// One part. Only `text` is read; a part without it (`functionCall`, `inlineData`, …) has
    /// `text == nil`. `thought: true` marks reasoning, which is not answer text.
    struct Part: Codable {
        var text: String?
        var thought: Bool?
    }

    /// A `GenerateContentResponse`: a unary response or one stream chunk, or an error payload.
    struct Response: Codable {
        var candidates: [Candidate]?
        var promptFeedback: PromptFeedback?
        var usageMetadata: UsageMetadata?
        var modelVersion: String?
        var responseId: String?
        var error: AnyJSON?
    }

    /// One candidate answer.
    struct Candidate: Codable {
        var content: Content?
        var finishReason: String?
        var index: Int?
    }

    /// Why a prompt was blocked, when it was (then there are no candidates).
    struct PromptFeedback: Codable {
        var blockReason: String?
    }

    /// Token counts. `thoughtsTokenCount` is counted apart from `candidatesTokenCount`.
    struct UsageMetadata: Codable {
        var promptTokenCount: Int?
        var candidatesTokenCount: Int?
        var thoughtsTokenCount: Int?
        var totalTokenCount: Int?
    }

    /// An error body: `{"error":{code,message,status,details}}`.
    struct ErrorBody: Encodable {
        var error: Detail

        struct Detail: Encodable {
            var code: Int
            var message: String
            var status: String
            var details: [ErrorDetail]?
        }
    }

    /// One `google.rpc` detail: `ErrorInfo` (`reason`, `domain`) or `RetryInfo` (`retryDelay`).
    struct ErrorDetail: Encodable {
        var type: String
        var reason: String?
        var domain: String?
        var retryDelay: String?

        enum CodingKeys: String, CodingKey {
            case type = "@type"
            case reason, domain, retryDelay
        }
    }

    /// A model list page.
    struct ModelList: Codable {
        var models: [Model]
        var nextPageToken: String?
    }

    /// One model: `name` is `models/<id>`.
    struct Model: Codable {
        var name: String
        var displayName: String?
        var supportedGenerationMethods: [String]?
    }

    /// A key named by a string literal, for bodies whose fields go by two names.
    struct AnyCodingKey: CodingKey, ExpressibleByStringLiteral {
        var stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        init(stringLiteral value: String) { stringValue = value }
    }
}

extension KeyedDecodingContainer where Key == LegacyGeminiWire.AnyCodingKey {
    /// The value under `key`, or else under `alternative`, or `nil` when neither is present.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key, or alternative: Key) throws -> T? {
        try decodeIfPresent(type, forKey: contains(key) ? key : alternative)
    }
}
