import ChimeraCore
import Foundation

/// The `Embed` call of Chimera's binary protocol as a caller speaks it: a bare
/// `chimera.proxy.v1.EmbedRequest` in, a bare `EmbedResponse` out (Connect unary), failures as
/// Connect JSON errors.
public struct ConnectEmbeddingBinding: EmbeddingCallerBinding {
    /// Whether the route chose the provider (a `/<provider-id>/` prefix), which then wins over the
    /// message's `provider`.
    public let routed: Bool

    /// Creates the binding.
    public init(routed: Bool) {
        self.routed = routed
    }

    public func decodeRequest(_ body: [UInt8], provider: ProviderID, model: String?) throws(ChimeraError) -> EmbeddingRequest {
        var message: Chimera_Proxy_V1_EmbedRequest
        do {
            message = try Chimera_Proxy_V1_EmbedRequest(protobuf: Data(body))
        } catch {
            // The caller sent bytes that are not the message: its mistake, not an upstream's.
            throw ChimeraError.invalidRequest(error.message)
        }
        if routed { message.provider = provider.rawValue }
        return try EmbeddingRequest(message)
    }

    /// `application/proto`.
    public var responseContentType: String { ConnectProtocol.unaryProtoContentType }

    public func encodeResponse(_ response: EmbeddingResponse, for request: EmbeddingRequest) throws(ChimeraError) -> [UInt8] {
        Array(try response.protobufData())
    }

    /// Connect's unary errors.
    public var errors: any CallerBinding { ConnectBinding(streaming: false, routed: routed) }
}
