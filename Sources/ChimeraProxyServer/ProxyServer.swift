import Chimera
import ChimeraAudit
import ChimeraTransport
import ChimeraWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat

/// `chimera proxy`: an LLM proxy compatible with AIClient-2-API's data plane.
///
/// It decodes an inbound request with the wire codec of the caller's protocol (OpenAI Chat,
/// Anthropic Messages or Gemini), picks the upstream provider (path prefix, else the
/// `Model-Provider` header, else the default), sends the domain request through an
/// ``LLMService`` in direct mode, and encodes the answer — unary, streamed chunk by chunk, or an
/// error — in the caller's protocol. So any protocol reaches any provider.
public struct ProxyServer: Sendable {
    /// Settings of the server itself (upstreams come from the ``LLMService``).
    public struct Options: Sendable {
        /// The one key clients must present; `nil` accepts every client (loopback only).
        public var apiKey: Secret?
        /// The provider used when a request names none; `nil` picks the provider whose protocol
        /// the caller speaks (OpenAI for `/v1/chat/completions`, Anthropic for `/v1/messages`,
        /// Gemini for `/v1beta/…`).
        public var defaultProvider: ProviderID?
        /// The largest request body accepted (AIClient-2-API's default, 10 MiB).
        public var maxBodyBytes: Int

        /// Creates options.
        public init(apiKey: Secret? = nil, defaultProvider: ProviderID? = nil, maxBodyBytes: Int = 10 << 20) {
            self.apiKey = apiKey
            self.defaultProvider = defaultProvider
            self.maxBodyBytes = maxBodyBytes
        }
    }

    let service: LLMService
    let options: Options
    let health: UpstreamHealth
    let logger: Logger
    let authenticator: ProxyAuthenticator
    /// Where each request is recorded, if anywhere (`CHIMERA_AUDIT_LOG`).
    var audit: AuditLog?

    init(service: LLMService, options: Options, health: UpstreamHealth, logger: Logger) {
        self.service = service
        self.options = options
        self.health = health
        self.logger = logger
        self.authenticator = ProxyAuthenticator(key: options.apiKey)
    }

    /// The id `/health` reports as the default provider, as AIClient-2-API does.
    private var defaultProviderID: String {
        guard let provider = options.defaultProvider else { return "by-protocol" }
        return ProxyProviderIDs.all.first { $0.provider == provider }?.id ?? provider.rawValue
    }

    /// The router with every route of the data plane.
    func makeRouter() -> Router<ProxyRequestContext> {
        let router = Router(context: ProxyRequestContext.self)
        if let audit = auditMiddleware() { router.add(middleware: audit) }
        router.get("health") { _, _ in
            jsonResponse(.ok, [
                "status": "healthy",
                "timestamp": ISO8601DateFormatter().string(from: Date()),
                "provider": defaultProviderID,
                "protocols": ["json", "protobuf"],
            ])
        }
        router.get("provider_health") { request, _ in
            let threshold = request.uri.queryParameters.get("unhealthRatioThreshold").flatMap(Double.init) ?? 0.0001
            return jsonResponse(.ok, health.report(provider: request.uri.queryParameters.get("provider"), threshold: threshold))
        }
        router.on("**", method: .post) { request, context in await handle(request, context: context) }
        router.on("**", method: .get) { request, context in await handle(request, context: context) }
        return router
    }

    /// Answers one data-plane request; every failure becomes a response, never a thrown error.
    private func handle(_ request: Request, context: ProxyRequestContext) async -> Response {
        let started = ContinuousClock.now
        let path = request.uri.path
        if let call = Self.connectCall(path: path) {
            return await handleConnect(request, procedure: call.procedure, prefix: call.prefix, started: started)
        }
        guard let endpoint = ProxyEndpoint(method: request.method.rawValue, path: path) else {
            let error = ChimeraError(kind: .invalidRequest, message: "no route for \(request.method.rawValue) \(path.prefix(200))", status: 404,
                                     hint: "the proxy serves POST /v1/chat/completions, POST /v1/messages, POST /v1beta/models/{model}:generateContent and :streamGenerateContent, GET /v1/models, GET /v1beta/models, GET /health and GET /provider_health, each optionally under /<provider-id>/")
            return log(errorResponse(error, family: ProxyEndpoint.family(guessedFrom: path)), request: request, provider: nil, started: started)
        }
        let family = endpoint.family
        guard authenticator.allows(request) else {
            return log(errorResponse(ProxyAuthenticator.unauthorized, family: family), request: request, provider: nil, started: started)
        }
        let provider: ProviderID
        do {
            provider = try selectProvider(endpoint: endpoint, request: request)
        } catch {
            return log(errorResponse(error, family: family), request: request, provider: nil, started: started)
        }
        switch endpoint.route {
        case .models(let family):
            let listFamily = family == .openAIChat && request.headers[HTTPField.Name("anthropic-version")!] != nil ? .anthropicMessages : family
            do {
                let models = try await service.listModels(provider)
                return log(bodyResponse(.ok, LegacyCodecs.codec(for: listFamily).encodeModelList(models)), request: request, provider: provider, started: started)
            } catch {
                return log(errorResponse(ChimeraError(error), family: listFamily), request: request, provider: provider, started: started)
            }
        case .chat(let family, let model, let stream):
            let codec = LegacyCodecs.codec(for: family)
            let chatRequest: ChatRequest
            do {
                let body = try await readBody(request)
                chatRequest = try codec.decodeRequest(body, provider: provider, model: model, stream: stream)
                try chatRequest.validate()
            } catch {
                return log(errorResponse(ChimeraError(error), family: family), request: request, provider: provider, started: started)
            }
            AuditNotes.current?.note(chatRequest)
            if chatRequest.stream {
                return await streamResponse(chatRequest, codec: codec, request: request, started: started)
            }
            do {
                let response = try await service.complete(chatRequest)
                AuditNotes.current?.note(response)
                return log(bodyResponse(.ok, codec.encodeResponse(response)), request: request, provider: provider, started: started)
            } catch {
                return log(errorResponse(ChimeraError(error), family: family), request: request, provider: provider, started: started)
            }
        }
    }

    /// Opens the upstream stream first, so failures before the first event get a real status;
    /// after that, events are re-encoded and written one by one as they arrive.
    private func streamResponse(_ chatRequest: ChatRequest, codec: any LegacyCodec, request: Request, started: ContinuousClock.Instant) async -> Response {
        let stream: ChatStream
        do {
            stream = try await service.stream(chatRequest)
        } catch {
            return log(errorResponse(ChimeraError(error), family: codec.family), request: request, provider: chatRequest.provider, started: started)
        }
        let logger = self.logger
        let method = request.method.rawValue
        let path = request.uri.path
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let body = ResponseBody { writer in
            var encoder = codec.makeStreamEncoder(id: "chimera-\(UUID().uuidString.lowercased())", model: chatRequest.model)
            var outcome = "complete"
            do {
                try await writer.write(ByteBuffer(string: encoder.start().map(\.serialized).joined()))
                for try await event in stream {
                    AuditNotes.current?.note(event)
                    try await writer.write(ByteBuffer(string: encoder.encode(event).map(\.serialized).joined()))
                }
                try await writer.write(ByteBuffer(string: encoder.finish().map(\.serialized).joined()))
            } catch let error as ChimeraError where error.kind != .cancelled {
                // The status line is long gone: the failure travels in-band and the stream ends cleanly.
                outcome = "failed: \(error.kind)"
                AuditNotes.current?.note(error)
                try await writer.write(ByteBuffer(string: encoder.encodeError(error).serialized))
            } catch {
                outcome = "client went away"
                throw error
            }
            try await writer.finish(nil)
            logger.info("request", metadata: [
                "method": "\(method)", "path": "\(path)", "provider": "\(chatRequest.provider)", "status": "200",
                "stream": "\(outcome)", "latency_ms": "\((ContinuousClock.now - started).milliseconds)",
            ])
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    private func selectProvider(endpoint: ProxyEndpoint, request: Request) throws(ChimeraError) -> ProviderID {
        if let prefix = endpoint.prefix {
            guard let provider = ProxyProviderIDs.provider(for: prefix) else { throw ProxyProviderIDs.unknown(prefix, from: "the path prefix") }
            return provider
        }
        if let header = request.headers[HTTPField.Name("model-provider")!] {
            guard let provider = ProxyProviderIDs.provider(for: header) else { throw ProxyProviderIDs.unknown(header, from: "the Model-Provider header") }
            return provider
        }
        if let provider = options.defaultProvider { return provider }
        switch endpoint.family {
        case .openAIChat: return .openai
        case .anthropicMessages: return .anthropic
        case .geminiGenerateContent: return .gemini
        }
    }

    func readBody(_ request: Request) async throws -> Data {
        do {
            return Data(buffer: try await request.body.collect(upTo: options.maxBodyBytes))
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw ChimeraError(kind: .invalidRequest, message: "the request body is larger than \(options.maxBodyBytes) bytes", status: 413)
        }
    }

    private func errorResponse(_ error: ChimeraError, family: ProtocolFamily?) -> Response {
        AuditNotes.current?.note(error)
        let status = error.httpStatus
        var response: Response
        if let family {
            response = bodyResponse(HTTPResponse.Status(code: status), LegacyCodecs.codec(for: family).encodeError(error))
        } else {
            // AIClient-2-API's generic shape, for paths that imply no protocol.
            response = jsonResponse(HTTPResponse.Status(code: status), ["error": ["message": error.description, "code": status]])
        }
        if let retryAfter = error.retryAfter {
            response.headers[.retryAfter] = String(Int(retryAfter.seconds.rounded(.up)))
        }
        return response
    }

    func log(_ response: Response, request: Request, provider: ProviderID?, started: ContinuousClock.Instant) -> Response {
        if let provider { AuditNotes.current?.note(provider: provider) }
        logger.info("request", metadata: [
            "method": "\(request.method.rawValue)", "path": "\(request.uri.path)",
            "provider": "\(provider?.rawValue ?? "-")", "status": "\(response.status.code)",
            "latency_ms": "\((ContinuousClock.now - started).milliseconds)",
        ])
        return response
    }
}

/// A JSON body response.
func bodyResponse(_ status: HTTPResponse.Status, _ body: Data) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
}

/// A response whose body is `object` serialized as JSON.
func jsonResponse(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
    do {
        return bodyResponse(status, try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    } catch {
        preconditionFailure("the server's own reports are plain JSON objects: \(error)")
    }
}

extension ChimeraError {
    /// Any error as a ``ChimeraError``: itself, or an upstream failure describing it.
    init(_ error: any Error) {
        if let error = error as? ChimeraError {
            self = error
        } else if error is CancellationError {
            self = .cancelled()
        } else {
            self = ChimeraError(kind: .upstream, message: Redaction.redact(String(describing: error).prefix(300).description))
        }
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
