import Chimera
import ChimeraAudit
import ChimeraRelay
import ChimeraServerSupport
import ChimeraTransport
import ChimeraWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `chimera proxy`: an LLM proxy compatible with AIClient-2-API's data plane, plus Chimera's
/// binary protocol on the same port.
///
/// Every route of every protocol binding (OpenAI Chat, OpenAI Responses, Anthropic Messages, Gemini — under `/v1`
/// and `/v1beta` — and Connect) is served at the root and under a `/<provider-id>/` prefix. The
/// upstream is chosen by the prefix, else the `Model-Provider` header, else the default provider,
/// else the provider whose protocol the caller speaks; the ``Relay`` does the rest, passing a
/// same-family request through as sent. Request ids, the audit log, the access log and the key
/// are middleware.
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

    let relay: Relay
    let options: Options
    let health: UpstreamHealth
    var audit: AuditLog?
    var status: ProxyStatus?

    init(relay: Relay, options: Options, health: UpstreamHealth) {
        self.relay = relay
        self.options = options
        self.health = health
    }

    /// The JSON families' bindings, as callers speak them.
    static let bindings: [any ProtocolBinding] = ProtocolFamily.allCases.map(ProtocolBindings.binding(for:))

    /// The router with every route of the data plane.
    func makeRouter() -> Router<ProxyRequestContext> {
        let router = Router(context: ProxyRequestContext.self)
        router.add(middleware: ErrorSourceMiddleware())
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: EventLoopAffinityMiddleware())
        router.add(middleware: CrossSiteRequestGuard(keyConfigured: options.apiKey != nil, render: CrossSiteRequestGuard<ProxyRequestContext>.jsonResponse))
        if let audit { router.add(middleware: AuditMiddleware(log: audit, inboundProtocol: Self.inboundProtocol)) }
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: ProxyNotFoundMiddleware())
        router.health("health") { _, _ in healthReport() }
        router.get("provider_health") { request, _ in
            let threshold = request.uri.queryParameters.get("unhealthRatioThreshold").flatMap(Double.init) ?? 0.0001
            return jsonResponse(.ok, health.report(provider: request.uri.queryParameters.get("provider"), threshold: threshold))
        }
        if let status { addStatusRoutes(to: router, status) }
        for prefixed in [false, true] {
            let root = prefixed ? router.group("{prefix}") : router.group()
            addBindingRoutes(to: root)
            addEmbeddingRoutes(to: root)
            addConnectRoutes(to: root)
        }
        return router
    }

    /// `GET /health`: always 200 while the process runs, as AIClient-2-API answers it.
    private func healthReport() -> Response {
        let provider = options.defaultProvider.map { provider in ProxyProviderIDs.all.first { $0.provider == provider }?.id ?? provider.rawValue }
        return jsonResponse(.ok, [
            "status": "healthy",
            "timestamp": ISO8601DateFormatter().string(from: Date()),
            "provider": provider ?? "by-protocol",
            "protocols": ["json", "protobuf"],
        ])
    }

    /// Each binding's routes, behind the key, with its refusals in its own shape. Routes several
    /// bindings share (`GET /v1/models`) go to the binding whose selecting header is present.
    private func addBindingRoutes(to root: RouterGroup<ProxyRequestContext>) {
        var shared: [String: [(ServerRoute, any ProtocolBinding)]] = [:]
        var order: [String] = []
        for binding in Self.bindings {
            for route in binding.serverRoutes {
                let key = "\(route.method.rawValue) \(route.path)"
                if shared[key] == nil { order.append(key) }
                shared[key, default: []].append((route, binding))
            }
        }
        for key in order {
            let candidates = shared[key]!
            let (route, fallback) = candidates.first { $0.0.selectingHeader == nil } ?? candidates[0]
            let group = root.group().add(middleware: ProxyKeyMiddleware<ProxyRequestContext>(key: options.apiKey, caller: fallback))
            let handler: @Sendable (Request, ProxyRequestContext) async throws -> Response = { request, context in
                let (chosenRoute, binding) = candidates.first { candidate in
                    candidate.0.selectingHeader.map { request.headers[HTTPField.Name($0)!] != nil } ?? false
                } ?? (route, fallback)
                return await handle(request, context: context, route: chosenRoute, binding: binding)
            }
            switch route.method {
            case .get: group.get(RouterPath(route.path), use: handler)
            case .post: group.post(RouterPath(route.path), use: handler)
            }
        }
    }

    /// Answers one request of a binding's route; every failure becomes an answer in its shape.
    private func handle(_ request: Request, context: ProxyRequestContext, route: ServerRoute, binding: any ProtocolBinding) async -> Response {
        let provider: ProviderID
        do throws(ChimeraError) {
            provider = try selectProvider(prefix: context.parameters.get("prefix"), request: request, family: binding.family)
        } catch {
            return Relay.errorResponse(error, caller: binding, streaming: false)
        }
        AuditNotes.current?.note(provider: provider)
        let callContext = CallContext(request, requestID: context.requestID)
        if route.action == .models {
            return await relay.models(of: provider, caller: binding, context: callContext)
        }
        let body: [UInt8]
        do throws(ChimeraError) {
            body = try await readBody(request)
        } catch {
            return Relay.errorResponse(error, caller: binding, streaming: false)
        }
        let model = context.parameters.get("model").map { $0.removingPercentEncoding ?? $0 }
        let stream: Bool? = switch route.action {
        case .unaryChat: false
        case .streamingChat: true
        default: nil
        }
        let inbound = InboundChat(provider: provider, body: body, model: model, stream: stream, headers: InboundChat.headers(request.headers))
        if route.action == .countTokens {
            return await relay.countTokens(inbound, caller: binding, context: callContext)
        }
        return await relay.chat(inbound, caller: binding, context: callContext)
    }

    /// The provider of a request: the path prefix, else the `Model-Provider` header, else the
    /// default provider, else the one whose protocol the caller speaks (OpenAI for Connect).
    func selectProvider(prefix: String?, request: Request, family: ProtocolFamily?) throws(ChimeraError) -> ProviderID {
        if let prefix {
            guard let provider = ProxyProviderIDs.provider(for: prefix) else { throw ProxyProviderIDs.unknown(prefix, from: "the path prefix") }
            return provider
        }
        if let header = request.headers[HTTPField.Name("model-provider")!] {
            guard let provider = ProxyProviderIDs.provider(for: header) else { throw ProxyProviderIDs.unknown(header, from: "the Model-Provider header") }
            return provider
        }
        if let provider = options.defaultProvider { return provider }
        switch family {
        case .anthropicMessages: return .anthropic
        case .geminiGenerateContent: return .gemini
        case .openAIChat, .openAIResponses, nil: return .openai
        }
    }

    /// The whole body, bounded by ``Options/maxBodyBytes``.
    func readBody(_ request: Request) async throws(ChimeraError) -> [UInt8] {
        Array(try await request.wholeBody(upTo: options.maxBodyBytes).readableBytesView)
    }

    /// The protocol a request speaks, as the audit log names it.
    @Sendable static func inboundProtocol(_ request: Request) -> String {
        let path = request.uri.path
        if path.contains("/\(ProxyProcedure.serviceName)/") { return "connect_protobuf" }
        switch ProtocolFamily.implied(byPath: path) {
        case .openAIChat: return "openai_chat"
        case .openAIResponses: return "openai_responses"
        case .anthropicMessages: return "anthropic_messages"
        case .geminiGenerateContent: return "gemini"
        case nil: return "http"
        }
    }
}

/// A JSON body response.
func bodyResponse(_ status: HTTPResponse.Status, _ body: [UInt8]) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
}

/// A response whose body is `object` serialized as JSON.
func jsonResponse(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
    do {
        return bodyResponse(status, Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])))
    } catch {
        preconditionFailure("the server's own reports are plain JSON objects: \(error)")
    }
}
