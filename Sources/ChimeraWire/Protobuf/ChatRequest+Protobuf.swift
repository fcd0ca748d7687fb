import ChimeraCore
import Foundation
import SwiftProtobuf

extension Chimera_Proxy_V1_ChatRequest {
    /// The message for a domain request; every field is carried, absent options stay absent.
    public init(_ request: ChatRequest) {
        self.init()
        provider = request.provider.rawValue
        model = request.model
        messages = request.messages.map(Chimera_Proxy_V1_Message.init)
        if let temperature = request.temperature { self.temperature = temperature }
        if let topP = request.topP { self.topP = topP }
        if let maxTokens = request.maxTokens { self.maxTokens = Int64(maxTokens) }
        stopSequences = request.stopSequences
        stream = request.stream
    }
}

extension Chimera_Proxy_V1_Message {
    /// The message for one domain turn.
    public init(_ message: ChatMessage) {
        self.init()
        role = message.role.rawValue
        content = message.text
    }
}

extension ChatRequest {
    /// Reads a request a client sent, checking it as every provider needs.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/invalidRequest`` whose message
    ///   starts with the bad field: `provider` (empty or unknown), `model` (empty),
    ///   `messages[i].role` (empty), `messages` (none but system instructions), or an out-of-range
    ///   `temperature`, `top_p` or `max_tokens` (see ``ChatRequest/validate()``).
    public init(_ message: Chimera_Proxy_V1_ChatRequest) throws(ChimeraError) {
        let provider: ProviderID
        do {
            provider = try ProviderID(parsing: message.provider)
        } catch {
            throw ChimeraError.invalidRequest("provider: \(error.message)")
        }
        var messages: [ChatMessage] = []
        messages.reserveCapacity(message.messages.count)
        for (index, turn) in message.messages.enumerated() {
            guard !turn.role.isEmpty else {
                throw ChimeraError.invalidRequest("messages[\(index)].role: must not be empty", provider: provider)
            }
            messages.append(ChatMessage(role: ChatMessage.Role(rawValue: turn.role), content: turn.content))
        }
        self.init(
            provider: provider,
            model: message.model,
            messages: messages,
            temperature: message.hasTemperature ? message.temperature : nil,
            topP: message.hasTopP ? message.topP : nil,
            // Int is 64 bits wide on every platform Chimera supports, so this conversion is exact.
            maxTokens: message.hasMaxTokens ? Int(message.maxTokens) : nil,
            stopSequences: message.stopSequences,
            stream: message.stream
        )
        do {
            try validate()
        } catch {
            var named = error
            named.provider = provider
            throw named
        }
    }

    /// Reads a serialized `chimera.proxy.v1.ChatRequest`, as the body of a unary call or the
    /// payload of a streaming call's envelope.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/decoding`` when the bytes are not
    ///   that message, or of kind ``ChimeraError/Kind/invalidRequest`` naming the bad field.
    public init(protobuf bytes: Data) throws(ChimeraError) {
        try self.init(Chimera_Proxy_V1_ChatRequest(protobuf: bytes))
    }

    /// The serialized `chimera.proxy.v1.ChatRequest` for this request.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/invalidRequest`` when the request
    ///   is over protobuf's 2 GiB message limit.
    public func protobufData() throws(ChimeraError) -> Data {
        try Chimera_Proxy_V1_ChatRequest(self).protobufData()
    }
}
