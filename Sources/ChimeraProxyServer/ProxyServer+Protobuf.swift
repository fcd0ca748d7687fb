import Chimera
import ChimeraAudit
import ChimeraWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

extension ProxyServer {
    /// The Connect call a path names, with the optional `/<provider-id>/` prefix before it.
    ///
    /// - Returns: `nil` when the path is not one of `chimera.proxy.v1.ProxyService`'s.
    static func connectCall(path: String) -> (procedure: ProxyProcedure, prefix: String?)? {
        for procedure in ProxyProcedure.allCases where path.hasSuffix(procedure.path) {
            let head = path.dropLast(procedure.path.count)
            if head.isEmpty { return (procedure, nil) }
            let segments = head.split(separator: "/", omittingEmptySubsequences: false)
            // Exactly one segment before the service: "/<provider-id>".
            guard segments.count == 2, segments[0].isEmpty, !segments[1].isEmpty else { return nil }
            return (procedure, String(segments[1]))
        }
        return nil
    }

    /// Answers one call of `chimera.proxy.v1.ProxyService` (the binary protocol on the JSON port).
    ///
    /// Unary failures are non-200 Connect errors; streaming failures, before or after the first
    /// frame, are 200 with the error in the end-of-stream envelope, as Connect requires.
    func handleConnect(_ request: Request, procedure: ProxyProcedure, prefix: String?, started: ContinuousClock.Instant) async -> Response {
        let streaming = procedure.isServerStreaming
        func fail(_ error: ChimeraError, provider: ProviderID?) -> Response {
            log(streaming ? connectStreamErrorResponse(error) : connectErrorResponse(error), request: request, provider: provider, started: started)
        }
        // GetCapabilities has no side effects, so Connect lets it be fetched with GET.
        if request.method == .get && procedure != .getCapabilities {
            return fail(ChimeraError(kind: .invalidRequest, message: "\(procedure.path) must be called with POST", status: 405), provider: nil)
        }
        if request.method == .post {
            let contentType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard contentType == procedure.contentType else {
                // Not Connect's business yet: plain HTTP 415 tells the client to use another encoding.
                let error = ChimeraError(kind: .protocolMismatch, message: "\(procedure.path) takes Content-Type \(procedure.contentType), not \(contentType ?? "none")", status: 415,
                                         hint: "send a serialized chimera.proxy.v1 message, or use the JSON routes")
                var response = connectErrorResponse(error)
                response.headers[HTTPField.Name("Accept-Post")!] = procedure.contentType
                return log(response, request: request, provider: nil, started: started)
            }
        }
        guard authenticator.allows(request) else { return fail(ProxyAuthenticator.unauthorized, provider: nil) }
        var routed: ProviderID?
        if let prefix {
            guard let provider = ProxyProviderIDs.provider(for: prefix) else { return fail(ProxyProviderIDs.unknown(prefix, from: "the path prefix"), provider: nil) }
            routed = provider
        }
        if procedure == .getCapabilities {
            let capabilities = Chimera_Proxy_V1_Capabilities(encodings: [.json, .protobuf], providers: routed.map { [$0] } ?? health.configured)
            do {
                return log(protobufResponse(try capabilities.protobufData(), contentType: procedure.contentType), request: request, provider: routed, started: started)
            } catch {
                return fail(error, provider: routed)
            }
        }
        let chatRequest: ChatRequest
        do {
            chatRequest = try await readChatRequest(request, streaming: streaming, routedTo: routed)
        } catch {
            return fail(ChimeraError(error), provider: routed)
        }
        AuditNotes.current?.note(chatRequest)
        if streaming {
            return await connectStreamResponse(chatRequest, request: request, started: started)
        }
        do {
            let response = try await service.complete(chatRequest)
            AuditNotes.current?.note(response)
            return log(protobufResponse(try response.protobufData(), contentType: procedure.contentType), request: request, provider: chatRequest.provider, started: started)
        } catch {
            return fail(ChimeraError(error), provider: chatRequest.provider)
        }
    }

    /// Reads the `ChatRequest` of a call: the bare body of `Complete`, the one envelope of `Stream`.
    ///
    /// The path prefix, when there is one, routes the request whatever its `provider` says, as
    /// it does on the JSON routes; the procedure, not the message, decides whether it streams.
    private func readChatRequest(_ request: Request, streaming: Bool, routedTo routed: ProviderID?) async throws -> ChatRequest {
        let body = try await readBody(request)
        var payload = body
        if streaming {
            var decoder = ConnectEnvelopeDecoder(maximumMessageSize: options.maxBodyBytes)
            decoder.append(body)
            let envelope: ConnectEnvelope?
            do {
                envelope = try decoder.next()
            } catch {
                throw ChimeraError.invalidRequest(error.message)
            }
            guard let envelope, !envelope.isEndStream else {
                throw ChimeraError.invalidRequest("the Stream request must be one envelope holding a ChatRequest")
            }
            guard decoder.bufferedByteCount == 0 else {
                throw ChimeraError.invalidRequest("the Stream request must be exactly one envelope; more bytes followed it")
            }
            payload = envelope.payload
        }
        var message: Chimera_Proxy_V1_ChatRequest
        do {
            message = try Chimera_Proxy_V1_ChatRequest(protobuf: payload)
        } catch {
            // The caller sent bytes that are not the message: its mistake, not an upstream's.
            throw ChimeraError.invalidRequest(error.message)
        }
        if let routed { message.provider = routed.rawValue }
        message.stream = streaming
        return try ChatRequest(message)
    }

    /// Opens the upstream stream, then writes each event as an envelope and ends with the
    /// end-of-stream envelope, which carries the error when the stream failed at any point.
    private func connectStreamResponse(_ chatRequest: ChatRequest, request: Request, started: ContinuousClock.Instant) async -> Response {
        let opened: Result<ChatStream, ChimeraError>
        do {
            opened = .success(try await service.stream(chatRequest))
        } catch {
            opened = .failure(ChimeraError(error))
        }
        let logger = self.logger
        let method = request.method.rawValue
        let path = request.uri.path
        var headers = HTTPFields()
        headers[.contentType] = ConnectProtocol.streamingProtoContentType
        let body = ResponseBody { writer in
            var outcome = "complete"
            var failure: ChimeraError?
            do {
                for try await event in try opened.get() {
                    AuditNotes.current?.note(event)
                    try await writer.write(ByteBuffer(data: try ConnectEnvelope(event).encoded()))
                }
            } catch let error as ChimeraError where error.kind != .cancelled {
                outcome = "failed: \(error.kind)"
                AuditNotes.current?.note(error)
                failure = error
            } catch {
                outcome = "client went away"
                throw error
            }
            try await writer.write(ByteBuffer(data: ConnectEnvelope.endStream(error: failure).encoded()))
            try await writer.finish(nil)
            logger.info("request", metadata: [
                "method": "\(method)", "path": "\(path)", "provider": "\(chatRequest.provider)", "status": "200",
                "stream": "\(outcome)", "latency_ms": "\((ContinuousClock.now - started).milliseconds)",
            ])
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// A streaming call that failed before its first frame: still 200, with only the end-of-stream envelope.
    private func connectStreamErrorResponse(_ error: ChimeraError) -> Response {
        AuditNotes.current?.note(error)
        return protobufResponse(ConnectEnvelope.endStream(error: error).encoded(), contentType: ConnectProtocol.streamingProtoContentType)
    }

    /// A failed unary call: the code's status (or the error's own 415), a Connect JSON error, and
    /// `Retry-After` when the error has one, for clients that read only headers.
    private func connectErrorResponse(_ error: ChimeraError) -> Response {
        AuditNotes.current?.note(error)
        let connectError = ConnectError(error)
        let status = error.status == 415 ? 415 : connectError.httpStatus
        var response = protobufResponse(connectError.jsonData(), contentType: ConnectProtocol.errorContentType)
        response.status = HTTPResponse.Status(code: status)
        if let retryAfter = error.retryAfter {
            response.headers[.retryAfter] = String(Int(retryAfter.seconds.rounded(.up)))
        }
        return response
    }

    private func protobufResponse(_ body: Data, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(data: body)))
    }
}
