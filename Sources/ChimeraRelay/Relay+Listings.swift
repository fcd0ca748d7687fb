import Chimera
import ChimeraAudit
import ChimeraWire
import HTTPTypes
import Hummingbird
import NIOCore

extension Relay {
    /// Answers a model list of `provider` in the caller's family's shape.
    public func models(of provider: ProviderID, caller: any ProtocolBinding, context: CallContext) async -> Response {
        AuditNotes.current?.note(provider: provider)
        do throws(ChimeraError) {
            let models = try await service.listModels(provider, context: context)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: caller.encodeModelList(models))))
        } catch {
            return Self.errorResponse(error, caller: caller, streaming: false)
        }
    }

    /// Answers a token count in the caller's family's shape: the provider's own count where its
    /// API has one, else Chimera's estimate, which the answer marks with `chimera-token-count: estimate`.
    public func countTokens(_ inbound: InboundChat, caller: any ProtocolBinding, context: CallContext) async -> Response {
        do throws(ChimeraError) {
            let request = try caller.decodeTokenCountRequest(inbound.body, provider: inbound.readingProvider, model: inbound.model)
            AuditNotes.current?.note(request)
            let count = try await service.countTokens(request, context: context)
            var response = Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: caller.encodeTokenCount(count.tokens))))
            response.headers[HTTPField.Name("chimera-token-count")!] = count.isEstimate ? "estimate" : "provider"
            return response
        } catch {
            return Self.errorResponse(error, caller: caller, streaming: false)
        }
    }
}
