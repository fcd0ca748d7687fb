import AsyncHTTPClient
import ChimeraCore
import ChimeraWire
import Foundation
import Logging
import NIOHTTP1

/// An ``LLMProvider`` that speaks a provider's JSON protocol over HTTP to an endpoint: the
/// provider's own API (direct mode) or the same protocol on a proxy route (proxy mode, JSON).
///
/// It validates, encodes, sends with retries of transient failures (never once a stream has
/// delivered an event), and decodes answers and errors with the provider's ``ProtocolBinding``.
public struct HTTPProvider: LLMProvider {
    public let id: ProviderID
    public var capabilities: ProviderCapabilities { .of(id) }

    /// Where a provider's requests go, or why it cannot be used as configured.
    public enum Target: Sendable {
        /// Requests go to this endpoint.
        case endpoint(UpstreamEndpoint)
        /// Every call fails with this error (a missing key or base URL), which says what to set.
        case unavailable(ChimeraError)
    }

    private let target: Target
    /// The binding of the provider's protocol.
    public let binding: any ProtocolBinding
    let transport: HTTPTransport
    let timeouts: Timeouts
    let route: Route
    let classify: @Sendable (TransportFailure) -> ChimeraError
    let annotate: @Sendable (ChimeraError) -> ChimeraError
    let attempts: AttemptRunner
    let logger: Logger

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - target: Where to send requests, or the error every call fails with.
    ///   - route: What responses report as their route.
    ///   - classify: Turns a transport failure into the error callers see (direct and proxy
    ///     calls explain refused connections differently).
    ///   - annotate: Adds context to errors the endpoint answered with (e.g. a hint about the proxy's key).
    ///   - observer: Told the outcome of every attempt (health monitoring, metrics).
    public init(
        id: ProviderID,
        target: Target,
        transport: HTTPTransport,
        timeouts: Timeouts,
        retryPolicy: RetryPolicy,
        route: Route,
        classify: @escaping @Sendable (TransportFailure) -> ChimeraError,
        annotate: @escaping @Sendable (ChimeraError) -> ChimeraError = { $0 },
        observer: RequestObserver? = nil,
        logger: Logger
    ) {
        self.id = id
        self.target = target
        self.binding = if case .endpoint(let endpoint) = target { endpoint.binding } else { ProtocolBindings.binding(for: id) }
        self.transport = transport
        self.timeouts = timeouts
        self.route = route
        self.classify = classify
        self.annotate = annotate
        var logger = logger
        logger[metadataKey: "provider"] = "\(id)"
        logger[metadataKey: "route"] = "\(route.rawValue)"
        self.logger = logger
        let shownURL: String = if case .endpoint(let endpoint) = target { Redaction.redact(endpoint.baseURL.absoluteString) } else { "-" }
        self.attempts = AttemptRunner(
            provider: id, route: route, wireProtocol: .json, retryPolicy: retryPolicy, observer: observer, logger: logger,
            shownURL: shownURL
        )
    }

    public func complete(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatResponse {
        let endpoint = try usableEndpoint()
        let dropped = try request.validate(speaking: binding.family)
        var outbound = request
        outbound.stream = false
        let body = try binding.encodeRequest(outbound)
        let httpRequest = UpstreamRequest.make(
            url: endpoint.chatURL(model: request.model, stream: false), method: .POST, headers: endpoint.headers + context.upstreamHeaders, body: body
        )
        let logger = context.logger(from: self.logger)
        return try await attempts.run(model: request.model, logger: logger) { () throws(ChimeraError) in
            let reply = try await transport.send(httpRequest, timeout: timeouts.request.bounded(by: context.deadline), logger: logger, classify: classify)
            guard (200..<300).contains(reply.status) else {
                throw answeredError(status: reply.status, headers: reply.headers, body: Array(reply.body))
            }
            var response = try binding.decodeResponse(Array(reply.body), for: outbound)
            response.route = route
            response.wireProtocol = .json
            response.droppedFields = Self.dropped(dropped, andListedIn: reply.headers)
            return response
        }
    }

    public func stream(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatStream {
        let endpoint = try usableEndpoint()
        let dropped = try request.validate(speaking: binding.family)
        var outbound = request
        outbound.stream = true
        let body = try binding.encodeRequest(outbound)
        var headers = endpoint.headers + context.upstreamHeaders
        headers.append((name: "accept", value: "text/event-stream"))
        let httpRequest = UpstreamRequest.make(url: endpoint.chatURL(model: request.model, stream: true), method: .POST, headers: headers, body: body)
        let logger = context.logger(from: self.logger)
        return try await attempts.run(model: request.model, logger: logger) { () throws(ChimeraError) in
            let opened = try await transport.open(httpRequest, headTimeout: timeouts.request.bounded(by: context.deadline), logger: logger, classify: classify)
            let response = opened.response
            guard (200..<300).contains(Int(response.status.code)) else {
                let errorBody = await transport.errorBody(of: opened)
                throw answeredError(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Array(errorBody))
            }
            var stream = try await EventStreamReader.start(
                opened,
                decoder: SSEChunkDecoder(binding.makeStreamDecoder(for: outbound)),
                idleTimeout: transport.streamIdleTimeout,
                maxBytes: transport.limits.maxStreamBytes,
                route: route,
                wireProtocol: .json,
                classify: classify
            )
            stream.droppedFields = Self.dropped(dropped, andListedIn: response.headers.map { ($0.name, $0.value) })
            return stream
        }
    }

    /// The fields left out of a request: those this provider dropped itself, then those a
    /// Chimera proxy on the way listed in `chimera-dropped-fields` (it drops what its upstream
    /// has no place for).
    static func dropped(_ own: [String], andListedIn headers: [(name: String, value: String)]) -> [String] {
        var all = own
        for header in headers where header.name.lowercased() == ChatResponse.droppedFieldsHeaderName {
            for name in header.value.split(separator: ",") {
                let field = name.trimmingCharacters(in: .whitespaces)
                if !field.isEmpty, !all.contains(field) { all.append(field) }
            }
        }
        return all
    }

    public func listModels(context: CallContext) async throws(ChimeraError) -> [ModelInfo] {
        let endpoint = try usableEndpoint()
        let httpRequest = UpstreamRequest.make(url: endpoint.modelsURL, method: .GET, headers: endpoint.headers + context.upstreamHeaders, body: nil)
        let logger = context.logger(from: self.logger)
        return try await attempts.run(model: nil, logger: logger) { () throws(ChimeraError) in
            let reply = try await transport.send(httpRequest, timeout: timeouts.request.bounded(by: context.deadline), logger: logger, classify: classify)
            guard (200..<300).contains(reply.status) else {
                throw answeredError(status: reply.status, headers: reply.headers, body: Array(reply.body))
            }
            return try binding.decodeModelList(Array(reply.body), provider: id)
        }
    }

    /// The error an answer that is not a success means, as the binding reads it, with whose it is
    /// (through a proxy, as the proxy's `chimera-error-source` header says) and annotated.
    func answeredError(status: Int, headers: [(name: String, value: String)], body: [UInt8]) -> ChimeraError {
        var error = binding.decodeError(status: status, headers: headers, body: body, provider: id)
        if route == .proxy { error.source = ChimeraError.Source(headers: headers) }
        return annotate(error)
    }

    func usableEndpoint() throws(ChimeraError) -> UpstreamEndpoint {
        switch target {
        case .endpoint(let endpoint): return endpoint
        case .unavailable(let error): throw error
        }
    }
}

/// Told the outcome of every attempt a provider makes: the proxy health monitor learns from real
/// requests this way (a refused connection counts at once), and metrics and the proxy server's
/// `/provider_health` count them.
public struct RequestObserver: Sendable {
    /// One attempt: who, which way, how long, and the error if it failed.
    public struct Attempt: Sendable {
        /// The provider asked.
        public var provider: ProviderID
        /// Which way the attempt went.
        public var route: Route
        /// The encoding the attempt spoke.
        public var wireProtocol: WireProtocol
        /// How long the attempt took (to the response head for streams).
        public var latency: Duration
        /// The failure, or `nil` for a success.
        public var error: ChimeraError?
        /// The proxy the attempt went to, credentials stripped (``ProxyConfiguration/label(of:)``);
        /// `nil` for a direct attempt.
        public var proxy: String? = nil
    }

    private let handler: @Sendable (Attempt) -> Void

    /// Creates an observer.
    public init(_ handler: @escaping @Sendable (Attempt) -> Void) { self.handler = handler }

    /// Reports an attempt.
    public func record(_ attempt: Attempt) { handler(attempt) }
}
