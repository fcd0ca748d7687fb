import ChimeraCore

/// A provider reached through the proxy that fails at once while the shared ``ProxyCircuit``
/// is open (the proxy is known to be down and fallback is off).
public struct CircuitBreakingProvider: LLMProvider {
    public var id: ProviderID { proxy.id }
    public var capabilities: ProviderCapabilities { proxy.capabilities }

    private let proxy: any LLMProvider
    private let circuit: ProxyCircuit

    /// Creates a provider that sends through `proxy` while `circuit` allows.
    public init(proxy: any LLMProvider, circuit: ProxyCircuit) {
        self.proxy = proxy
        self.circuit = circuit
    }

    public func complete(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatResponse {
        try await circuit.run(provider: id) { () throws(ChimeraError) in try await proxy.complete(request, context: context) }
    }

    public func stream(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatStream {
        try await circuit.run(provider: id) { () throws(ChimeraError) in try await proxy.stream(request, context: context) }
    }

    public func embed(_ request: EmbeddingRequest, context: CallContext) async throws(ChimeraError) -> EmbeddingResponse {
        try await circuit.run(provider: id) { () throws(ChimeraError) in try await proxy.embed(request, context: context) }
    }

    public func listModels(context: CallContext) async throws(ChimeraError) -> [ModelInfo] {
        try await circuit.run(provider: id) { () throws(ChimeraError) in try await proxy.listModels(context: context) }
    }

    public func countTokens(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> TokenCount {
        try await circuit.run(provider: id) { () throws(ChimeraError) in try await proxy.countTokens(request, context: context) }
    }
}
