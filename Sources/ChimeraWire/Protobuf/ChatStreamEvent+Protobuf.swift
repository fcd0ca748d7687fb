import ChimeraCore

extension Chimera_Proxy_V1_StreamFrame {
    /// The frame for one domain stream event.
    public init(_ event: ChatStreamEvent) {
        self.init()
        switch event {
        case .delta(let text): delta = text
        case .usage(let usage): self.usage = Chimera_Proxy_V1_Usage(usage)
        case .finish(let reason, _): finishReason = reason.rawValue
        default: break
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
        switch frame.event {
        case .delta(let text): self = .delta(text)
        case .usage(let usage): self = .usage(Usage(usage))
        case .finishReason(let reason): self = .finish(FinishReason(rawValue: reason))
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
