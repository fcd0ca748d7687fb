import ChimeraCore
import Foundation

extension Chimera_Proxy_V1_ChatResponse {
    /// The message for a domain response.
    ///
    /// An answer that is one non-empty piece of text without a cache marker is written as `text` alone,
    /// as before content parts existed. Any other answer is written as `parts`, and its text
    /// parts joined go in `text` as well, so that a client older than `parts` still shows the
    /// text of an answer that also holds reasoning or tool calls.
    ///
    /// ``ChatResponse/route`` and ``ChatResponse/wireProtocol`` are not sent: they describe the
    /// hop from the receiver's side, which the receiver knows.
    public init(_ response: ChatResponse) {
        self.init()
        id = response.id
        provider = response.provider.rawValue
        model = response.model
        // An empty text part goes in `parts`: an empty `text` means an answer without parts.
        if response.parts.count == 1, case .text(let only) = response.parts[0], only.cacheControl == nil, !only.text.isEmpty {
            text = only.text
        } else if !response.parts.isEmpty {
            text = response.text
            parts = response.parts.map(Chimera_Proxy_V1_Part.init)
        }
        finishReason = response.finishReason?.rawValue ?? ""
        if let usage = response.usage { self.usage = Chimera_Proxy_V1_Usage(usage) }
        if let stopSequence = response.stopSequence { self.stopSequence = stopSequence }
        additionalChoices = response.additionalChoices.map(Chimera_Proxy_V1_Choice.init)
        droppedFields = response.droppedFields
        extensions = response.extensions.protobufMap
    }
}

extension Chimera_Proxy_V1_Choice {
    /// The message for one of several choices.
    public init(_ choice: ChatChoice) {
        self.init()
        parts = choice.parts.map(Chimera_Proxy_V1_Part.init)
        finishReason = choice.finishReason?.rawValue ?? ""
    }
}

extension ChatResponse {
    /// Reads a response the proxy sent; it is marked as served through the proxy in protobuf.
    ///
    /// An empty finish reason is none, and an absent usage is none. When `parts` is set it is
    /// the answer and `text` (a copy for older clients) is ignored; otherwise a non-empty `text`
    /// is the answer's one text part. What a newer proxy may send and this version does not
    /// know is skipped: parts of another kind, media of another source, opaque parts and
    /// extensions of another protocol family.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/decoding`` when the provider is
    ///   not one Chimera knows, or JSON text (an opaque part, an extension) does not parse.
    public init(_ message: Chimera_Proxy_V1_ChatResponse) throws(ChimeraError) {
        let provider: ProviderID
        do {
            provider = try ProviderID(parsing: message.provider)
        } catch {
            throw ChimeraError.decoding("provider: \(error.message)")
        }
        let reader = ProtobufReader(side: .answer, provider: provider)
        let parts: [ContentPart] = if !message.parts.isEmpty {
            try reader.parts(message.parts, at: "parts")
        } else if message.text.isEmpty {
            []
        } else {
            [.text(message.text)]
        }
        var choices: [ChatChoice] = []
        choices.reserveCapacity(message.additionalChoices.count)
        for (index, choice) in message.additionalChoices.enumerated() {
            choices.append(ChatChoice(
                parts: try reader.parts(choice.parts, at: "additional_choices[\(index)].parts"),
                finishReason: Self.finishReason(choice.finishReason)
            ))
        }
        self.init(
            id: message.id,
            provider: provider,
            model: message.model,
            parts: parts,
            finishReason: Self.finishReason(message.finishReason),
            stopSequence: message.hasStopSequence ? message.stopSequence : nil,
            usage: message.hasUsage ? Usage(message.usage) : nil,
            additionalChoices: choices,
            route: .proxy,
            wireProtocol: .protobuf,
            droppedFields: message.droppedFields,
            extensions: try reader.extensions(message.extensions, at: "extensions")
        )
    }

    /// A finish reason as the schema writes it: empty for none.
    private static func finishReason(_ text: String) -> FinishReason? {
        text.isEmpty ? nil : FinishReason(rawValue: text)
    }

    /// Reads a serialized `chimera.proxy.v1.ChatResponse`, the body of a successful `Complete` call.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/decoding`` when the bytes are not
    ///   that message, name an unknown provider or hold JSON text that does not parse.
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
