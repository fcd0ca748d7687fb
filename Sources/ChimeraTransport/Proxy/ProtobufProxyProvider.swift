import AsyncHTTPClient
import ChimeraCore
import ChimeraWire
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// An ``LLMProvider`` that reaches a provider through `chimera proxy` in Chimera's binary
/// protocol: Connect unary `Complete` and server-streaming `Stream` calls carrying
/// `chimera.proxy.v1` messages (see `docs/binary-protocol.md`).
///
/// It retries, logs and reports attempts as the JSON ``HTTPProvider`` does (same
/// ``RetryPolicy``, same ``RequestObserver``, never once a stream delivered an event), and
/// explains transport failures the same way. Calls go to the provider's proxy route
/// (`/<route>/chimera.proxy.v1.ProxyService/…`), so the route picks the upstream as it does on
/// the JSON routes.
///
/// An answer that shows the peer does not speak the protocol — 404, 406 or 415 without a
/// Chimera error, or a success whose `Content-Type` is not protobuf (JSON, HTML) — fails with
/// ``ChimeraError/Kind/protocolMismatch``; ``NegotiatingProxyProvider`` takes that as the
/// signal to switch the proxy to JSON.
public struct ProtobufProxyProvider: LLMProvider {
    public let id: ProviderID
    public var capabilities: ProviderCapabilities { .of(id) }

    private let baseURL: URL
    private let headers: [(name: String, value: String)]
    private let transport: HTTPTransport
    private let timeouts: Timeouts
    private let classify: @Sendable (TransportFailure) -> ChimeraError
    private let annotate: @Sendable (ChimeraError) -> ChimeraError
    private let attempts: AttemptRunner
    private let logger: Logger

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - id: The provider the requests are for.
    ///   - proxyURL: The proxy's base URL.
    ///   - route: The path prefix that selects the provider on the proxy (`<P>_PROXY_ROUTE`);
    ///     `nil` to let the message's `provider` choose.
    ///   - proxyKey: The proxy's key, sent as `Authorization: Bearer`.
    ///   - transport: The shared HTTP transport.
    ///   - timeouts: Time limits of each call.
    ///   - retryPolicy: Retries of transient failures.
    ///   - observer: Told the outcome of every attempt (health monitoring, metrics).
    ///   - logger: Where failures are logged.
    public init(
        id: ProviderID,
        proxyURL: URL,
        route: String?,
        proxyKey: Secret?,
        transport: HTTPTransport,
        timeouts: Timeouts,
        retryPolicy: RetryPolicy,
        observer: RequestObserver? = nil,
        logger: Logger
    ) {
        self.id = id
        self.baseURL = route.map { proxyURL.appending(path: $0) } ?? proxyURL
        var headers = [(name: ConnectProtocol.protocolVersionHeader, value: ConnectProtocol.protocolVersion)]
        if let proxyKey { headers.append((name: "authorization", value: "Bearer \(proxyKey.value)")) }
        self.headers = headers
        self.transport = transport
        self.timeouts = timeouts
        let shownURL = Redaction.redact(proxyURL.absoluteString)
        self.classify = { $0.errorForProxyCall(provider: id, proxyURL: shownURL) }
        self.annotate = { [keyIsSet = proxyKey != nil] in ProxyErrors.annotate($0, proxyURL: shownURL, keyIsSet: keyIsSet) }
        var logger = logger
        logger[metadataKey: "provider"] = "\(id)"
        logger[metadataKey: "route"] = "\(Route.proxy.rawValue)"
        logger[metadataKey: "wire_protocol"] = "\(WireProtocol.protobuf.rawValue)"
        self.logger = logger
        self.attempts = AttemptRunner(provider: id, route: .proxy, wireProtocol: .protobuf, retryPolicy: retryPolicy, observer: observer, logger: logger, shownURL: shownURL)
    }

    /// The provider `id` reached through the configured proxy in the binary protocol, on its
    /// proxy route, with the proxy's key, time limits and retries.
    public static func proxied(
        _ id: ProviderID,
        configuration: ChimeraConfiguration,
        transport: HTTPTransport,
        observer: RequestObserver? = nil,
        logger: Logger
    ) -> ProtobufProxyProvider {
        let proxy = configuration.proxy
        return ProtobufProxyProvider(
            id: id,
            proxyURL: proxy.serverURL,
            route: configuration.provider(id).proxyRoute,
            proxyKey: proxy.apiKey,
            transport: transport,
            timeouts: proxy.timeouts,
            retryPolicy: RetryPolicy(maxRetries: proxy.maxRetries),
            observer: observer,
            logger: logger
        )
    }

    public func complete(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatResponse {
        let dropped = try request.validate()
        var outbound = request
        outbound.stream = false
        let httpRequest = connectRequest(.complete, body: try outbound.protobufData(), context: context)
        let logger = context.logger(from: self.logger)
        var response = try await attempts.run(model: request.model, logger: logger) { () throws(ChimeraError) in
            let reply = try await transport.send(httpRequest, timeout: timeouts.request.bounded(by: context.deadline), logger: logger, classify: classify)
            try check(status: reply.status, headers: reply.headers, body: reply.body, of: .complete)
            return try ChatResponse(protobuf: reply.body)
        }
        response.droppedFields = dropped
        return response
    }

    public func stream(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatStream {
        let dropped = try request.validate()
        var outbound = request
        outbound.stream = true
        let envelope = ConnectEnvelope(message: try outbound.protobufData())
        let httpRequest = connectRequest(.stream, body: envelope.encoded(), context: context)
        let logger = context.logger(from: self.logger)
        var stream = try await attempts.run(model: request.model, logger: logger) { () throws(ChimeraError) in
            let opened = try await transport.open(httpRequest, headTimeout: timeouts.request.bounded(by: context.deadline), logger: logger, classify: classify)
            let headers = opened.response.headers.map { (name: $0.name, value: $0.value) }
            let status = Int(opened.response.status.code)
            if status != 200 || Self.contentType(of: headers) != ProxyProcedure.stream.contentType {
                try check(status: status, headers: headers, body: await transport.errorBody(of: opened), of: .stream)
            }
            return try await EventStreamReader.start(
                opened,
                decoder: ProtobufChunkDecoder(ProtobufStreamDecoder(provider: id), annotate: annotate),
                idleTimeout: transport.streamIdleTimeout,
                maxBytes: transport.limits.maxStreamBytes,
                route: .proxy,
                wireProtocol: .protobuf,
                classify: classify
            )
        }
        stream.droppedFields = dropped
        return stream
    }

    /// The models the proxy lists for this provider in its `GetCapabilities` answer.
    ///
    /// The binary protocol has no call of its own for models; a proxy may list none there (then
    /// the list is empty), and every proxy lists them on its JSON routes, which
    /// ``NegotiatingProxyProvider`` uses.
    public func listModels(context: CallContext) async throws(ChimeraError) -> [ModelInfo] {
        let httpRequest = connectRequest(.getCapabilities, body: Data(), context: context)
        let logger = context.logger(from: self.logger)
        return try await attempts.run(model: nil, logger: logger) { () throws(ChimeraError) in
            let reply = try await transport.send(httpRequest, timeout: timeouts.request.bounded(by: context.deadline), logger: logger, classify: classify)
            try check(status: reply.status, headers: reply.headers, body: reply.body, of: .getCapabilities)
            return try Chimera_Proxy_V1_Capabilities(protobuf: reply.body).knownModels.filter { $0.provider == id }
        }
    }

    /// `Embed`: the vectors travel as packed floats, whatever the request's JSON encoding.
    public func embed(_ request: EmbeddingRequest, context: CallContext) async throws(ChimeraError) -> EmbeddingResponse {
        let dropped = try request.validate()
        let httpRequest = connectRequest(.embed, body: try request.protobufData(), context: context)
        let logger = context.logger(from: self.logger)
        var response = try await attempts.run(model: request.model, logger: logger) { () throws(ChimeraError) in
            let reply = try await transport.send(httpRequest, timeout: timeouts.request.bounded(by: context.deadline), logger: logger, classify: classify)
            try check(status: reply.status, headers: reply.headers, body: reply.body, of: .embed)
            return try EmbeddingResponse(protobuf: reply.body)
        }
        response.droppedFields = dropped + response.droppedFields.filter { !dropped.contains($0) }
        return response
    }

    /// A Connect POST of `procedure` with the proxy's headers.
    private func connectRequest(_ procedure: ProxyProcedure, body: Data, context: CallContext) -> UpstreamRequest {
        var request = UpstreamRequest(url: baseURL.absoluteString + procedure.path, method: .POST)
        for header in headers + context.upstreamHeaders { request.headers.add(name: header.name, value: header.value) }
        request.headers.replaceOrAdd(name: "content-type", value: procedure.contentType)
        request.body = ByteBuffer(data: body)
        return request
    }

    /// Passes a successful answer in the call's own encoding; throws the error any other
    /// answer means.
    ///
    /// - Throws: The Connect error the proxy answered with (annotated with the proxy's URL), or
    ///   ``ChimeraError/Kind/protocolMismatch`` when the answer shows that the peer does not
    ///   speak the binary protocol.
    private func check(status: Int, headers: [(name: String, value: String)], body: Data, of procedure: ProxyProcedure) throws(ChimeraError) {
        let contentType = Self.contentType(of: headers)
        if status == 200 {
            guard contentType != procedure.contentType else { return }
            throw annotate(ChimeraError(
                kind: .protocolMismatch,
                message: "the proxy answered \(procedure.path) with Content-Type \(contentType ?? "none") instead of \(procedure.contentType)",
                provider: id,
                status: status,
                body: String(decoding: body, as: UTF8.self),
                hint: "the proxy does not speak Chimera's binary protocol; set PROXY_PROTOCOL=json (or auto)"
            ))
        }
        var error = ChimeraError(connectStatus: status, body: body, provider: id)
        error.source = ChimeraError.Source(headers: headers)
        // Connect reads a bare 406 as `unknown`; like 404 and 415 it means the peer does not
        // serve this encoding. A 406 that carries a Chimera error is that error.
        if status == 406, !Self.carriesChimeraError(body) {
            error.kind = .protocolMismatch
            error.hint = "the proxy does not accept Chimera's binary protocol; set PROXY_PROTOCOL=json (or auto)"
        }
        throw annotate(error)
    }

    /// Whether `body` is a Connect error with a `chimera.proxy.v1.Error` detail: Chimera's proxy
    /// explaining a failure, rather than some other server refusing the encoding.
    private static func carriesChimeraError(_ body: Data) -> Bool {
        do {
            return try ConnectError(json: body).chimeraDetail != nil
        } catch {
            return false
        }
    }

    /// The media type of a `Content-Type` header, lowercased, without parameters.
    private static func contentType(of headers: [(name: String, value: String)]) -> String? {
        guard let value = headers.first(where: { $0.name.lowercased() == "content-type" })?.value else { return nil }
        return value.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }
}
