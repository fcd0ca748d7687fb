import ChimeraCore
import ChimeraWire

/// What sends a caller's body as it is (same-family pass-through): the provider's JSON
/// endpoint, directly or on the proxy's route, behind the same ``ProxyCircuit`` as every other
/// request through the proxy, so a pass-through request fails at once while the proxy is known
/// to be down instead of spending its retries on it.
public struct Forwarder: Sendable {
    /// The provider whose endpoint receives the body.
    public let provider: HTTPProvider
    private let circuit: ProxyCircuit?

    /// A forwarder to `provider`, through `circuit` when the provider is reached through a proxy.
    public init(_ provider: HTTPProvider, circuit: ProxyCircuit? = nil) {
        self.provider = provider
        self.circuit = circuit
    }

    /// The protocol the body is in.
    public var binding: any ProtocolBinding { provider.binding }

    /// Sends the body (see ``HTTPProvider/forward(_:context:)``).
    public func forward(_ call: ForwardedCall, context: CallContext) async throws(ChimeraError) -> ForwardedAnswer {
        guard let circuit else { return try await provider.forward(call, context: context) }
        return try await circuit.run(provider: provider.id) { () throws(ChimeraError) in try await provider.forward(call, context: context) }
    }
}
