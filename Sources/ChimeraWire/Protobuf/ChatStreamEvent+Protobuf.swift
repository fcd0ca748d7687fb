import ChimeraCore

extension Chimera_Proxy_V1_StreamFrame {
    /// The frame for one domain stream event; every event has its own frame.
    ///
    /// A text delta, usage and a finish reason are the frames a client older than full
    /// fidelity reads; it skips the others. A finish's stop sequence goes beside the finish
    /// reason, not instead of it, so that such a client still reads the reason.
    public init(_ event: ChatStreamEvent) {
        self.init()
        switch event {
        case .start(let id, let model):
            start.id = id
            start.model = model
        case .delta(let text): delta = text
        case .reasoning(let text): reasoning = text
        case .reasoningSignature(let signature): reasoningSignature = signature
        case .redactedReasoning(let data): redactedReasoning = data
        case .toolCallStart(let call):
            var start = Chimera_Proxy_V1_ToolCallStart()
            start.index = Int64(call.index)
            start.id = call.id
            start.name = call.name
            if let signature = call.signature { start.signature = signature }
            toolCallStart = start
        case .toolCallArguments(let index, let fragment):
            toolCallArguments.index = Int64(index)
            toolCallArguments.fragment = fragment
        case .toolCallEnd(let index): toolCallEnd.index = Int64(index)
        case .usage(let usage): self.usage = Chimera_Proxy_V1_Usage(usage)
        case .finish(let reason, let stopSequence):
            finishReason = reason.rawValue
            if let stopSequence { self.stopSequence = stopSequence }
        }
    }
}

extension ChatStreamEvent {
    /// Reads one stream frame.
    ///
    /// Returns `nil` for a frame with no field this version knows: a newer proxy may send
    /// events an older client skips.
    ///
    /// - Throws: The ``ChimeraError`` a frame of `error` carries.
    public init?(_ frame: Chimera_Proxy_V1_StreamFrame) throws(ChimeraError) {
        // Int is 64 bits wide on every platform Chimera supports, so the index conversions are exact.
        switch frame.event {
        case .start(let start): self = .start(id: start.id, model: start.model)
        case .delta(let text): self = .delta(text)
        case .reasoning(let text): self = .reasoning(text)
        case .reasoningSignature(let signature): self = .reasoningSignature(signature)
        case .redactedReasoning(let data): self = .redactedReasoning(data)
        case .toolCallStart(let start):
            self = .toolCallStart(ToolCallStart(
                index: Int(start.index), id: start.id, name: start.name, signature: start.hasSignature ? start.signature : nil
            ))
        case .toolCallArguments(let arguments): self = .toolCallArguments(index: Int(arguments.index), fragment: arguments.fragment)
        case .toolCallEnd(let end): self = .toolCallEnd(index: Int(end.index))
        case .usage(let usage): self = .usage(Usage(usage))
        case .finishReason(let reason):
            self = .finish(FinishReason(rawValue: reason), stopSequence: frame.hasStopSequence ? frame.stopSequence : nil)
        case .error(let error): throw ChimeraError(error)
        case nil: return nil
        }
    }
}

extension ConnectEnvelope {
    /// The envelope that carries one stream event, as the proxy server writes it.
    ///
    /// - Throws: ``ChimeraError`` when the event is over protobuf's 2 GiB message limit.
    public init(_ event: ChatStreamEvent) throws(ChimeraError) {
        self.init(message: try Chimera_Proxy_V1_StreamFrame(event).protobufData())
    }
}
