import ChimeraCore
import HTTPTypes

extension HTTPFields {
    /// Says how an answer travelled — `x-chimera-route` (`direct`, `proxy`, `direct-fallback`),
    /// `x-chimera-protocol` (`json`, `protobuf`) — and lists the request fields left out on purpose
    /// in `chimera-dropped-fields`, also for bodies that have no place for either.
    public mutating func describe(route: Route, wireProtocol: WireProtocol, dropped: [String]) {
        self[HTTPField.Name("x-chimera-route")!] = route.rawValue
        self[HTTPField.Name("x-chimera-protocol")!] = wireProtocol.rawValue
        if !dropped.isEmpty {
            self[HTTPField.Name(ChatResponse.droppedFieldsHeaderName)!] = dropped.joined(separator: ", ")
        }
    }

    /// The headers of an error answer: `Retry-After` (whole seconds, rounded up) when the error
    /// has a wait hint, for clients that read only headers, and `chimera-error-source`: `upstream`
    /// for a provider's failure (already retried here, so a client must not retry it again),
    /// `proxy` for everything this server failed at itself.
    public mutating func describeFailure(_ error: ChimeraError) {
        self[HTTPField.Name(ChimeraError.Source.headerName)!] = (error.source == .upstream ? ChimeraError.Source.upstream : .proxy).rawValue
        if let retryAfter = error.retryAfter {
            self[.retryAfter] = String(Int(retryAfter.seconds.rounded(.up)))
        }
    }
}
