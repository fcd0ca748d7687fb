import ChimeraCore
import Foundation
import SwiftProtobuf

extension Chimera_Proxy_V1_ChatRequest {
    /// The message for a domain request; every field is carried, absent options stay absent.
    ///
    /// A plain-text request (no field beyond the first eight of the message, every turn one
    /// piece of text) is the same bytes a proxy older than full fidelity reads.
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
        if let topK = request.topK { self.topK = Int64(topK) }
        if let seed = request.seed { self.seed = Int64(seed) }
        if let presencePenalty = request.presencePenalty { self.presencePenalty = presencePenalty }
        if let frequencyPenalty = request.frequencyPenalty { self.frequencyPenalty = frequencyPenalty }
        if let choiceCount = request.choiceCount { self.choiceCount = Int64(choiceCount) }
        if let logprobs = request.logprobs {
            // Setting the message, even with nothing in it, is what asks for log probabilities.
            self.logprobs = Chimera_Proxy_V1_Logprobs()
            if let top = logprobs.top { self.logprobs.top = Int64(top) }
        }
        tools = request.tools.map(Chimera_Proxy_V1_Tool.init)
        if let toolChoice = request.toolChoice { self.toolChoice = Chimera_Proxy_V1_ToolChoice(toolChoice) }
        if let parallelToolCalls = request.parallelToolCalls { self.parallelToolCalls = parallelToolCalls }
        if let responseFormat = request.responseFormat { self.responseFormat = Chimera_Proxy_V1_ResponseFormat(responseFormat) }
        if let reasoning = request.reasoning { self.reasoning = Chimera_Proxy_V1_ReasoningOptions(reasoning) }
        if let user = request.user { self.user = user }
        metadata = request.metadata
        extensions = request.extensions.protobufMap
    }
}

extension Chimera_Proxy_V1_Message {
    /// The message for one domain turn.
    ///
    /// A turn that is one piece of text without a cache marker is written as `content`, as
    /// before content parts existed, so that an older proxy reads it; a turn without parts sets
    /// `no_parts`; any other turn is written as `parts`.
    public init(_ message: ChatMessage) {
        self.init()
        role = message.role.rawValue
        if let name = message.name { self.name = name }
        if message.parts.isEmpty {
            noParts = true
        } else if message.parts.count == 1, case .text(let text) = message.parts[0], text.cacheControl == nil {
            content = text.text
        } else {
            parts = message.parts.map(Chimera_Proxy_V1_Part.init)
        }
    }
}

extension ChatRequest {
    /// Reads a request a client sent, checking it as every provider needs.
    ///
    /// - Throws: ``ChimeraError`` of kind ``ChimeraError/Kind/invalidRequest`` whose message
    ///   starts with the bad field: `provider` (empty or unknown), `model` (empty),
    ///   `messages[i].role` (empty), `messages[i].parts[j]…` (a part of a kind this version
    ///   does not know, a media source not set, an opaque part of an unknown family or whose
    ///   JSON does not parse), `tools[i].parameters` (not JSON), `tool_choice.mode`,
    ///   `response_format.type`, `response_format.json_schema[.schema]`, `extensions["…"]` (an
    ///   unknown family, or not a JSON object), `messages` (none but system instructions), or an
    ///   out-of-range option (see ``ChatRequest/validate()``).
    public init(_ message: Chimera_Proxy_V1_ChatRequest) throws(ChimeraError) {
        let provider: ProviderID
        do {
            provider = try ProviderID(parsing: message.provider)
        } catch {
            throw ChimeraError.invalidRequest("provider: \(error.message)")
        }
        let reader = ProtobufReader(side: .request, provider: provider)
        var messages: [ChatMessage] = []
        messages.reserveCapacity(message.messages.count)
        for (index, turn) in message.messages.enumerated() {
            guard !turn.role.isEmpty else {
                throw ChimeraError.invalidRequest("messages[\(index)].role: must not be empty", provider: provider)
            }
            let parts: [ContentPart] = if !turn.parts.isEmpty {
                try reader.parts(turn.parts, at: "messages[\(index)].parts")
            } else if turn.noParts {
                []
            } else {
                [.text(turn.content)]
            }
            messages.append(ChatMessage(role: ChatMessage.Role(rawValue: turn.role), parts: parts, name: turn.hasName ? turn.name : nil))
        }
        // Int is 64 bits wide on every platform Chimera supports, so the conversions are exact.
        self.init(
            provider: provider,
            model: message.model,
            messages: messages,
            temperature: message.hasTemperature ? message.temperature : nil,
            topP: message.hasTopP ? message.topP : nil,
            topK: message.hasTopK ? Int(message.topK) : nil,
            maxTokens: message.hasMaxTokens ? Int(message.maxTokens) : nil,
            stopSequences: message.stopSequences,
            stream: message.stream,
            seed: message.hasSeed ? Int(message.seed) : nil,
            presencePenalty: message.hasPresencePenalty ? message.presencePenalty : nil,
            frequencyPenalty: message.hasFrequencyPenalty ? message.frequencyPenalty : nil,
            choiceCount: message.hasChoiceCount ? Int(message.choiceCount) : nil,
            logprobs: message.hasLogprobs ? LogprobOptions(top: message.logprobs.hasTop ? Int(message.logprobs.top) : nil) : nil,
            tools: try reader.tools(message.tools),
            toolChoice: message.hasToolChoice ? try reader.toolChoice(message.toolChoice) : nil,
            parallelToolCalls: message.hasParallelToolCalls ? message.parallelToolCalls : nil,
            responseFormat: message.hasResponseFormat ? try reader.responseFormat(message.responseFormat) : nil,
            reasoning: message.hasReasoning ? ReasoningOptions(message.reasoning) : nil,
            user: message.hasUser ? message.user : nil,
            metadata: message.metadata,
            extensions: try reader.extensions(message.extensions, at: "extensions")
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
