import ChimeraCore
import Foundation

/// The body of `POST /api/v1/generate`, read strictly: every field is checked for its type and
/// range, and an unknown field is refused (a misspelt `maxTokens` would otherwise be silently
/// ignored). Each error names the field and what it accepts.
///
/// ```json
/// {"provider": "anthropic", "model": "claude-sonnet-4-5",
///  "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
///  "temperature": 0.7, "top_p": 0.9, "max_tokens": 256, "stop": ["\n\n"], "stream": false}
/// ```
///
/// Instead of `messages`, `prompt` (one user message) with an optional `system` may be given.
struct GenerateRequest {
    /// The request to send.
    let chatRequest: ChatRequest

    /// The fields accepted.
    static let fields = ["provider", "model", "messages", "prompt", "system", "temperature", "top_p", "max_tokens", "stop", "stream"]

    /// Reads and checks a body.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field.
    init(body: Data) throws(ChimeraError) {
        let object: Fields
        do {
            object = try JSONDecoder().decode(Fields.self, from: body)
        } catch let error as ChimeraError {
            throw error
        } catch {
            throw ChimeraError.invalidRequest("body: expected a JSON object with the fields \(Self.fields.joined(separator: ", "))")
        }
        // The provider checks the values (``ChatRequest/validate()``), with the same messages on every path.
        chatRequest = try object.chatRequest()
    }

    /// The raw fields, each checked for its JSON type as it is read.
    private struct Fields: Decodable {
        var provider: ProviderID
        var model: String
        var messages: [ChatMessage]?
        var prompt: String?
        var system: String?
        var temperature: Double?
        var topP: Double?
        var maxTokens: Int?
        var stop: [String]
        var stream: Bool

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            if let unknown = container.allKeys.first(where: { !GenerateRequest.fields.contains($0.stringValue) }) {
                throw ChimeraError.invalidRequest("\(unknown.stringValue.prefix(64)): unknown field; accepted: \(GenerateRequest.fields.joined(separator: ", "))")
            }
            let accepted = ProviderID.allCases.map(\.rawValue).joined(separator: ", ")
            let providerName = try Self.required(String.self, "provider", accepted, in: container)
            guard let provider = ProviderID(rawValue: providerName.lowercased()) else {
                throw ChimeraError.invalidRequest("provider: \"\(providerName.prefix(64))\" is not a provider; accepted: \(accepted)")
            }
            self.provider = provider
            model = try Self.required(String.self, "model", "a model id such as gpt-4.1", in: container)
            messages = try Self.messages(in: container)
            prompt = try Self.optional(String.self, "prompt", "a string", in: container)
            system = try Self.optional(String.self, "system", "a string", in: container)
            temperature = try Self.optional(Double.self, "temperature", "a number", in: container)
            topP = try Self.optional(Double.self, "top_p", "a number", in: container)
            maxTokens = try Self.optional(Int.self, "max_tokens", "a whole number", in: container)
            stop = try Self.stop(in: container)
            stream = try Self.optional(Bool.self, "stream", "true or false", in: container) ?? false
        }

        func chatRequest() throws(ChimeraError) -> ChatRequest {
            var conversation: [ChatMessage]
            switch (messages, prompt) {
            case (.some, .some):
                throw ChimeraError.invalidRequest("messages, prompt: give one of them, not both")
            case (nil, nil):
                throw ChimeraError.invalidRequest("messages: required (or give prompt, a single user message)")
            case (let messages?, nil):
                conversation = messages
            case (nil, let prompt?):
                conversation = [.user(prompt)]
            }
            if let system { conversation.insert(.system(system), at: 0) }
            return ChatRequest(
                provider: provider, model: model, messages: conversation,
                temperature: temperature, topP: topP, maxTokens: maxTokens, stopSequences: stop, stream: stream
            )
        }

        /// The value of `key` (`field` by default); `field` names it in errors.
        private static func optional<Value: Decodable>(
            _ type: Value.Type, _ field: String, _ accepted: String, in container: KeyedDecodingContainer<Key>, key: String? = nil
        ) throws -> Value? {
            do {
                return try container.decodeIfPresent(type, forKey: Key(key ?? field))
            } catch {
                throw ChimeraError.invalidRequest("\(field): expected \(accepted)")
            }
        }

        private static func required<Value: Decodable>(
            _ type: Value.Type, _ field: String, _ accepted: String, in container: KeyedDecodingContainer<Key>, key: String? = nil
        ) throws -> Value {
            guard let value = try optional(type, field, accepted, in: container, key: key) else {
                throw ChimeraError.invalidRequest("\(field): required; accepted: \(accepted)")
            }
            return value
        }

        /// `stop`: one string or an array of strings.
        private static func stop(in container: KeyedDecodingContainer<Key>) throws -> [String] {
            // Probing for the single-string form: a mismatch only means "not a string", and the
            // array read below reports what is accepted.
            if let one = try? container.decodeIfPresent(String.self, forKey: Key("stop")) { return [one] }
            return try optional([String].self, "stop", "a string or an array of strings", in: container) ?? []
        }

        private static func messages(in container: KeyedDecodingContainer<Key>) throws -> [ChatMessage]? {
            guard container.contains(Key("messages")), try !container.decodeNil(forKey: Key("messages")) else { return nil }
            var list: any UnkeyedDecodingContainer
            do {
                list = try container.nestedUnkeyedContainer(forKey: Key("messages"))
            } catch {
                throw ChimeraError.invalidRequest("messages: expected an array of {\"role\", \"content\"} objects")
            }
            var messages: [ChatMessage] = []
            while !list.isAtEnd {
                let field = "messages[\(list.currentIndex)]"
                let message: KeyedDecodingContainer<Key>
                do {
                    message = try list.nestedContainer(keyedBy: Key.self)
                } catch {
                    throw ChimeraError.invalidRequest("\(field): expected an object with role and content")
                }
                let role = try required(String.self, "\(field).role", "system, user or assistant", in: message, key: "role")
                guard ["system", "user", "assistant"].contains(role) else {
                    throw ChimeraError.invalidRequest("\(field).role: \"\(role.prefix(32))\" is not accepted; accepted: system, user, assistant")
                }
                let content = try required(String.self, "\(field).content", "a string", in: message, key: "content")
                messages.append(ChatMessage(role: ChatMessage.Role(rawValue: role), content: content))
            }
            return messages
        }
    }

    /// Any JSON key, so unknown fields can be named.
    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
