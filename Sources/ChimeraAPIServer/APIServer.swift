import Chimera
import ChimeraRelay
import ChimeraTransport
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `chimera serve`: Chimera's HTTP API, in front of one ``LLMService``.
///
/// Routes:
/// - `GET /health`: process status, version, uptime, connection mode, providers and, in proxy
///   mode, a summary of the proxy's health (always 200; open even when a key is required);
/// - `GET /health/proxy`: the proxy health monitor's full report (503 while the proxy is
///   unhealthy; in direct mode a 200 saying proxy mode is off);
/// - `POST /api/v1/generate`: a Chimera request, answered as JSON or, with `"stream": true`, as
///   Server-Sent Events (`delta` events, then `done` with the finish reason and usage);
/// - `GET /api/v1/providers`: every provider, whether it is configured, its models and capabilities;
/// - `POST /v1/chat/completions`: an OpenAI-compatible front door (`"model": "<provider>/<model>"`);
/// - `POST /v1/responses`: OpenAI's Responses API, the same way;
/// - `GET /metrics`: Prometheus text;
/// - `GET /status` and `GET /status.json`: the status page and its JSON.
///
/// Every response carries an `x-request-id` header. When ``Options/apiKey`` is set, every route
/// but `/health` wants it as `Authorization: Bearer <key>` (401 otherwise). Bad input is a 400
/// naming the field and what is accepted; a body over ``Options/maxBodyBytes`` is a 413.
///
/// Build one, then serve its ``makeRouter()`` with ``services`` in the same service group (the
/// proxy health monitor), as ``RunningAPIServer`` does; call ``shutdown()`` after the server stopped.
public struct APIServer: Sendable {
    /// The version `GET /health` reports.
    public static let version = "0.1.0"

    /// Settings of the server itself.
    public struct Options: Sendable {
        /// The bearer token clients must send (`CHIMERA_API_KEY`); `nil` lets every client in,
        /// which is only allowed on a loopback address.
        public var apiKey: Secret?
        /// The largest request body accepted, in bytes.
        public var maxBodyBytes: Int
        /// How long `GET /api/v1/providers` waits for a provider's model list.
        public var modelListTimeout: Duration

        /// Creates options.
        public init(apiKey: Secret? = nil, maxBodyBytes: Int = 4 << 20, modelListTimeout: Duration = .seconds(10)) {
            self.apiKey = apiKey
            self.maxBodyBytes = maxBodyBytes
            self.modelListTimeout = modelListTimeout
        }
    }

    /// The service that answers requests.
    public let service: LLMService
    /// The server's settings.
    public let options: Options
    let metrics: APIMetrics
    /// The path of every chat request, as on `chimera proxy`.
    let relay: Relay
    /// The status page's recorder and sampler.
    let status: ServeStatus
    let logger: Logger
    let startedAt: ContinuousClock.Instant

    /// Creates the server and the ``LLMService`` behind it.
    ///
    /// - Parameters:
    ///   - configuration: Chimera's configuration: connection mode, proxy, providers.
    ///   - options: The server's own settings.
    ///   - logger: Where requests, failures and proxy health changes are logged.
    public init(configuration: ChimeraConfiguration, options: Options = Options(), logger: Logger) {
        let metrics = APIMetrics()
        self.metrics = metrics
        let service = LLMService(configuration: configuration, observer: metrics.observer, logger: logger)
        self.service = service
        let status = ServeStatus(service: service)
        self.status = status
        self.relay = Relay(service: service, observer: RelayObserver.both(metrics.relayObserver, status.endpoint.recorder.relayObserver), logger: logger)
        self.options = options
        self.logger = logger
        self.startedAt = .now
    }

    /// The background services to run next to the HTTP server: the proxy health monitors and
    /// status samplers in proxy mode, the response cache's database client with `CHIMERA_CACHE=postgres`.
    public var services: [any Service] {
        service.proxyHealthMonitors + status.services + relay.services
    }

    /// The router with every route, behind request tracking, error rendering and authentication.
    public func makeRouter() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        // Middleware applies to the routes added after it, so it goes first; the first added is outermost.
        router.add(middleware: RequestTrackingMiddleware(metrics: metrics))
        router.add(middleware: ErrorRenderingMiddleware())
        router.add(middleware: EventLoopAffinityMiddleware())
        addGuards(to: router)
        router.add(middleware: BearerTokenMiddleware(key: options.apiKey, openPaths: ["/health"]))
        router.health("health") { _, _ in try health() }
        router.health("health/proxy") { _, _ in try proxyHealth() }
        router.post("api/v1/generate") { request, context in try await generate(request, context: context) }
        router.get("api/v1/providers") { _, _ in try await providers() }
        router.get("v1/models") { _, _ in try await openAIModels() }
        router.post("v1/chat/completions") { request, context in try await chatCompletions(request, context: context) }
        router.post("v1/responses") { request, context in try await responses(request, context: context) }
        addEmbeddingRoutes(to: router)
        router.get("metrics") { _, _ in prometheusMetrics() }
        addStatusRoutes(to: router)
        return router
    }

    /// Shuts down the service's HTTP client. Call once, after the HTTP server stopped.
    public func shutdown() async throws {
        try await service.shutdown()
    }

    /// Seconds since the server was created.
    var uptime: Duration { .now - startedAt }
}
