import Chimera
import ChimeraAudit
import ChimeraRelay
import ChimeraWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension ProxyServer {
    /// The calls of `chimera.proxy.v1.ProxyService` (the binary protocol on the JSON port), with
    /// the key checked as on the JSON routes.
    func addConnectRoutes(to root: RouterGroup<ProxyRequestContext>) {
        for procedure in ProxyProcedure.allCases {
            let caller = ConnectBinding(streaming: procedure.isServerStreaming, routed: false, maximumMessageSize: options.maxBodyBytes)
            let group = root.group().add(middleware: ProxyKeyMiddleware<ProxyRequestContext>(key: options.apiKey, caller: caller))
            let path = RouterPath(String(procedure.path.dropFirst()))
            group.post(path) { request, context in await connect(request, context: context, procedure: procedure) }
            // GetCapabilities has no side effects, so Connect lets it be fetched with GET.
            group.get(path) { request, context in
                guard procedure == .getCapabilities else {
                    let error = ChimeraError(kind: .invalidRequest, message: "\(procedure.path) must be called with POST", status: 405)
                    return Relay.errorResponse(error, caller: caller, streaming: false)
                }
                return await connect(request, context: context, procedure: procedure)
            }
        }
    }

    /// Answers one Connect call.
    private func connect(_ request: Request, context: ProxyRequestContext, procedure: ProxyProcedure) async -> Response {
        let prefix = context.parameters.get("prefix")
        let caller = ConnectBinding(streaming: procedure.isServerStreaming, routed: prefix != nil, maximumMessageSize: options.maxBodyBytes)
        if request.method == .post {
            let contentType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard contentType == procedure.contentType else {
                // Not Connect's business yet: plain HTTP 415 tells the client to use another encoding.
                let error = ChimeraError(kind: .protocolMismatch, message: "\(procedure.path) takes Content-Type \(procedure.contentType), not \(contentType ?? "none")", status: 415,
                                         hint: "send a serialized chimera.proxy.v1 message, or use the JSON routes")
                var response = Relay.errorResponse(error, caller: ConnectBinding(streaming: false, routed: false), streaming: false)
                response.headers[HTTPField.Name("Accept-Post")!] = procedure.contentType
                return response
            }
        }
        let routed: ProviderID?
        do throws(ChimeraError) {
            routed = try prefix.map { prefix throws(ChimeraError) in try selectProvider(prefix: prefix, request: request, family: nil) }
        } catch {
            return Relay.errorResponse(error, caller: caller, streaming: false)
        }
        if procedure == .getCapabilities {
            let capabilities = Chimera_Proxy_V1_Capabilities(encodings: [.json, .protobuf], providers: routed.map { [$0] } ?? health.configured)
            do {
                return Response(status: .ok, headers: [.contentType: procedure.contentType], body: .init(byteBuffer: ByteBuffer(data: try capabilities.protobufData())))
            } catch {
                return Relay.errorResponse(ChimeraError(wrapping: error), caller: caller, streaming: false)
            }
        }
        let body: [UInt8]
        do throws(ChimeraError) {
            body = try await readBody(request)
        } catch {
            return Relay.errorResponse(error, caller: caller, streaming: procedure.isServerStreaming)
        }
        if procedure == .embed {
            return await relay.embed(InboundEmbedding(provider: routed, body: body), caller: ConnectEmbeddingBinding(routed: routed != nil), context: CallContext(request, requestID: context.requestID))
        }
        let inbound = InboundChat(provider: routed, body: body, stream: procedure.isServerStreaming, headers: InboundChat.headers(request.headers))
        return await relay.chat(inbound, caller: caller, context: CallContext(request, requestID: context.requestID))
    }
}
