import ChimeraCore
import Foundation

extension Chimera_Proxy_V1_ChatResponse {
    /// The message for a domain response.
    ///
    /// ``ChatResponse/route`` and ``ChatResponse/wireProtocol`` are not sent: they describe the
    /// hop from the receiver's side, which the receiver knows.
    public init(_ response: ChatResponse) {
        self.init()
        id = response.id
        provider = response.provider.rawValue
        model = response.model
        text = response.text
        finishReason = response.finishReason?.rawValue ?? ""
        if let usage = response.usage { self.usage = Chimera_Proxy_V1_Usage(usage) }
    }
}

extension ChatResponse {
    /// Reads a response the proxy sent; it is marked as served through the proxy in protobuf.
    ///
    /// An empty finish reason is none, and an absent usage is none.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/decoding`` when the provider is
    ///   not one Chimera knows.
    public init(_ message: Chimera_Proxy_V1_ChatResponse) throws(ChimeraError) {
        let provider: ProviderID
        do {
            provider = try ProviderID(parsing: message.provider)
        } catch {
            throw ChimeraError.decoding("provider: \(error.message)")
        }
        self.init(
            id: message.id,
            provider: provider,
            model: message.model,
            text: message.text,
            finishReason: message.finishReason.isEmpty ? nil : FinishReason(rawValue: message.finishReason),
            usage: message.hasUsage ? Usage(message.usage) : nil,
            route: .proxy,
            wireProtocol: .protobuf
        )
    }

    /// Reads a serialized `chimera.proxy.v1.ChatResponse`, the body of a successful `Complete` call.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/decoding`` when the bytes are not
    ///   that message or name an unknown provider.
    public init(protobuf bytes: Data) throws(ChimeraError) {
        try self.init(Chimera_Proxy_V1_ChatResponse(protobuf: bytes))
    }

    /// The serialized `chimera.proxy.v1.ChatResponse` for this response.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/invalidRequest`` when the response
    ///   is over protobuf's 2 GiB message limit.
    public func protobufData() throws(ChimeraError) -> Data {
        try Chimera_Proxy_V1_ChatResponse(self).protobufData()
    }
}
