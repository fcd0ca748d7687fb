import ChimeraCore
import Foundation

extension Chimera_Proxy_V1_EmbedRequest {
    /// The message for a domain request. ``EmbeddingRequest/encoding`` is not sent: the vectors
    /// of an `Embed` call always travel as packed floats.
    public init(_ request: EmbeddingRequest) {
        self.init()
        provider = request.provider.rawValue
        model = request.model
        inputs = request.inputs
        if let dimensions = request.dimensions { self.dimensions = Int64(dimensions) }
        if let user = request.user { self.user = user }
        if let taskType = request.taskType { self.taskType = taskType }
    }
}

extension EmbeddingRequest {
    /// Reads an `Embed` request. Its upstream is asked for base64 where the provider offers it:
    /// the smallest JSON hop, and as exact as floats.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` for an unknown provider, or
    ///   `dimensions` beyond `Int`.
    public init(_ message: Chimera_Proxy_V1_EmbedRequest) throws(ChimeraError) {
        let provider: ProviderID
        do {
            provider = try ProviderID(parsing: message.provider)
        } catch {
            throw ChimeraError.invalidRequest("provider: \(error.message)")
        }
        self.init(
            provider: provider,
            model: message.model,
            inputs: message.inputs,
            // Int is 64 bits wide on every platform Chimera supports, so the conversion is exact.
            dimensions: message.hasDimensions ? Int(message.dimensions) : nil,
            encoding: .base64,
            user: message.hasUser ? message.user : nil,
            taskType: message.hasTaskType ? message.taskType : nil
        )
    }

    /// The serialized `chimera.proxy.v1.EmbedRequest`.
    ///
    /// - Throws: ``ChimeraError`` when the request is over protobuf's 2 GiB message limit.
    public func protobufData() throws(ChimeraError) -> Data {
        try Chimera_Proxy_V1_EmbedRequest(self).protobufData()
    }
}

extension Chimera_Proxy_V1_EmbedResponse {
    /// The message for a domain response; route and wire protocol describe the hop from the
    /// receiver's side and are not sent.
    public init(_ response: EmbeddingResponse) {
        self.init()
        provider = response.provider.rawValue
        model = response.model
        embeddings = response.embeddings.map { embedding in
            var message = Chimera_Proxy_V1_Embedding()
            message.index = Int64(embedding.index)
            message.values = embedding.vector
            return message
        }
        if let usage = response.usage { self.usage = Chimera_Proxy_V1_Usage(usage) }
        droppedFields = response.droppedFields
    }
}

extension EmbeddingResponse {
    /// Reads an `Embed` answer; it is marked as served through the proxy in protobuf.
    ///
    /// - Throws: ``ChimeraError`` of kind `decoding` for an unknown provider.
    public init(_ message: Chimera_Proxy_V1_EmbedResponse) throws(ChimeraError) {
        let provider: ProviderID
        do {
            provider = try ProviderID(parsing: message.provider)
        } catch {
            throw ChimeraError.decoding("provider: \(error.message)")
        }
        self.init(
            provider: provider,
            model: message.model,
            embeddings: message.embeddings.map { Embedding(index: Int($0.index), vector: $0.values) },
            usage: message.hasUsage ? Usage(message.usage) : nil,
            route: .proxy,
            wireProtocol: .protobuf,
            droppedFields: message.droppedFields
        )
    }

    /// Reads a serialized `chimera.proxy.v1.EmbedResponse`, the body of a successful `Embed` call.
    public init(protobuf bytes: Data) throws(ChimeraError) {
        try self.init(Chimera_Proxy_V1_EmbedResponse(protobuf: bytes))
    }

    /// The serialized `chimera.proxy.v1.EmbedResponse`.
    ///
    /// - Throws: ``ChimeraError`` when the response is over protobuf's 2 GiB message limit.
    public func protobufData() throws(ChimeraError) -> Data {
        try Chimera_Proxy_V1_EmbedResponse(self).protobufData()
    }
}
