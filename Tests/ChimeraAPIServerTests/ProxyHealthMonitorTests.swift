import Chimera
import ChimeraProxyServer
import ChimeraServerSupport
import ChimeraSimulator
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Runs `body` with a monitor of `proxyURL` running in its own service group, as a server runs
/// it; the group is shut down gracefully after.
func withRunningMonitor<Result>(
    _ proxyURL: URL,
    apiKey: Secret? = nil,
    configuration: ProxyHealthMonitor.Configuration,
    logger: Logger = silentLogger,
    _ body: (ProxyHealthMonitor) async throws -> Result
) async throws -> Result {
    let transport = HTTPTransport(connectTimeout: .seconds(2), poolSize: 2)
    var proxy = ProxyConfiguration(serverURLs: [proxyURL])
    proxy.apiKey = apiKey
    let monitor = ProxyHealthMonitor(proxy: proxy, transport: transport, configuration: configuration, logger: logger)
    let group = ServiceGroup(configuration: .init(services: [monitor], logger: silentLogger))
    let running = Task { try await group.run() }
    let result: Result
    do {
        result = try await body(monitor)
    } catch {
        await group.triggerGracefulShutdown()
        try await running.value
        try await transport.shutdown()
        throw error
    }
    await group.triggerGracefulShutdown()
    try await running.value
    try await transport.shutdown()
    return result
}

/// A loopback URL where nothing listens: a proxy's, after it stopped.
func deadProxyURL() async throws -> URL {
    let proxy = try await startProxy()
    try await proxy.shutdown()
    return proxy.baseURL
}

@Suite("Proxy health monitor against a real proxy")
struct ProxyHealthMonitorTests {
    let interval = Duration.milliseconds(200)
    /// Long enough that a loopback check never times out on a busy machine: in these tests a
    /// check fails only because of what the proxy does.
    let checkTimeout = Duration.seconds(10)

    var fastChecks: ProxyHealthMonitor.Configuration {
        ProxyHealthMonitor.Configuration(interval: interval, checkTimeout: checkTimeout, recentChecks: 3, degradedAfterRecentFailures: 2)
    }

    @Test func unhealthyWithinOneIntervalOfTheProxyStoppingAndHealthyAgainAfterItRestarts() async throws {
        let capture = LogCapture()
        var proxy = try await startProxy()
        let port = proxy.server.port
        let report = try await withRunningMonitor(proxy.baseURL, apiKey: Secret("sk-test-SECRETSECRETSECRET"), configuration: fastChecks, logger: capture.logger) { monitor in
            try await expectEventually(within: .seconds(30)) { monitor.status == .healthy }
            try await proxy.shutdown()
            let stopped = ContinuousClock.now
            try await expectEventually(within: .seconds(30)) { monitor.status == .unhealthy }
            let detection = ContinuousClock.now - stopped
            #expect(detection <= interval + checkTimeout, "took \(detection)")
            // Detected by a refused connection, not by waiting for three failed checks: the
            // change says so (later checks, on a slow machine, may have failed since).
            let change = try #require(monitor.report.transitions.last { $0.to == .unhealthy })
            #expect(change.reason.contains("refused the connection"), "\(change.reason)")

            proxy = try await startProxy(port: port)
            try await expectEventually(within: .seconds(30)) { monitor.status == .healthy }
            // The monitor stops before the proxy does, so no later check sees it gone.
            return monitor.report
        }
        try await proxy.shutdown()

        // Each change of status is logged exactly once, in order, with its reason.
        let logged = capture.records("proxy health status changed")
        #expect(logged.map { "\($0.metadata["from"]!)→\($0.metadata["to"]!)" } == report.transitions.map { "\($0.from.rawValue)→\($0.to.rawValue)" })
        #expect(logged.map { $0.metadata["reason"]! } == report.transitions.map(\.reason))
        #expect(report.transitions.first?.from == .unknown)
        #expect(report.transitions.count { $0.to == .unhealthy } == 1)
        #expect(report.transitions.last?.to == .healthy)
        #expect(logged.first { $0.metadata["to"] == "unhealthy" }?.level == .error)
        #expect(zip(report.transitions, report.transitions.dropFirst()).allSatisfy { $0.to == $1.from && $1.from != $1.to })

        // Availability and latency come from the checks themselves.
        let totals = report.totals
        #expect(totals.failedChecks >= 1)
        #expect(report.checksInWindow == totals.checks)
        #expect(report.availability == Double(totals.checks - totals.failedChecks) / Double(totals.checks))
        let latency = try #require(report.latency)
        #expect(latency.p50Milliseconds > 0)
        #expect(latency.p50Milliseconds <= latency.p95Milliseconds && latency.p95Milliseconds <= latency.p99Milliseconds)
        #expect(report.lastError?.contains("cannot connect") == true)

        // The proxy key never shows.
        #expect(!capture.allText.contains("SECRETSECRET"))
        #expect(!String(decoding: try JSONEncoder().encode(report), as: UTF8.self).contains("SECRETSECRET"))
    }

    @Test func checksRecordTheAdvertisedProtocolsAndTheUpstreamSummary() async throws {
        let proxy = try await startProxy()
        let report = try await withRunningMonitor(proxy.baseURL, configuration: fastChecks) { monitor in
            try await expectEventually(within: .seconds(30)) { monitor.report.totals.checks >= 3 }
            return monitor.report
        }
        try await proxy.shutdown()
        #expect(report.status == .healthy)
        #expect(report.advertisedProtocols?.contains("json") == true)
        #expect(report.upstreams?.summaryHealth == true)
        #expect(report.upstreams?.count == ProxyProviderIDs.all.count)
        #expect(report.availability == 1)
        #expect(report.consecutiveFailures == 0)
        #expect(report.protocolPreference == .auto)
        #expect(report.wireProtocol == nil)
    }

    @Test func aRefusedRequestMarksTheProxyUnhealthyWithoutWaitingForACheck() async throws {
        let deadURL = try await deadProxyURL()
        let service = LLMService(configuration: proxyConfiguration(deadURL, interval: .seconds(60)))
        let monitor = try #require(service.proxyHealthMonitors.first)
        #expect(monitor.status == .unknown)
        await #expect(throws: ChimeraError.self) {
            try await service.complete(ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.user("Hi")]))
        }
        #expect(monitor.status == .unhealthy)
        #expect(monitor.report.totals.unreachableRequests == 1)
        #expect(monitor.report.totals.checks == 0)
        try await service.shutdown()
    }

    @Test func directModeHasNoMonitor() async throws {
        let service = LLMService(configuration: ChimeraConfiguration())
        #expect(service.proxyHealthMonitors.isEmpty)
        try await service.shutdown()
    }

    @Test func fallbackGoesDirectAtOnceWhileTheMonitorSaysUnhealthy() async throws {
        try await withSimulator { simulator in
            let deadURL = try await deadProxyURL()
            var configuration = proxyConfiguration(deadURL, interval: .seconds(60), retries: 5)
            configuration.proxy.fallbackToDirect = true
            configuration.providers = directConfiguration(simulator).providers
            let service = LLMService(configuration: configuration)
            let monitor = try #require(service.proxyHealthMonitors.first)
            let group = ServiceGroup(configuration: .init(services: [monitor], logger: silentLogger))
            let running = Task { try await group.run() }
            try await expectEventually(within: .seconds(30)) { monitor.status == .unhealthy }

            let started = ContinuousClock.now
            let response = try await service.complete(ChatRequest(provider: .anthropic, model: "claude-sonnet-4-5", messages: [.user("Hi")]))
            // Five retries of the proxy would take at least 0.375 + 0.75 + 1.5 + 3 + 6 s = 11.6 s;
            // the bound leaves a loaded machine room below that.
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(response.route == .directFallback)
            #expect(monitor.report.totals.observedRequests == 0)

            await group.triggerGracefulShutdown()
            try await running.value
            try await service.shutdown()
        }
    }

    @Test func aRequestOnItsWayToAProxyThatJustDiedGoesDirectWithoutWaitingForRetries() async throws {
        try await withSimulator { simulator in
            let proxy = try await startProxy()
            var configuration = proxyConfiguration(proxy.baseURL, interval: .seconds(60), retries: 5)
            configuration.proxy.fallbackToDirect = true
            configuration.providers = directConfiguration(simulator).providers
            let service = LLMService(configuration: configuration)
            let monitor = try #require(service.proxyHealthMonitors.first)
            let group = ServiceGroup(configuration: .init(services: [monitor], logger: silentLogger))
            let running = Task { try await group.run() }
            try await expectEventually(within: .seconds(30)) { monitor.status == .healthy }
            try await proxy.shutdown()

            // No check runs for a minute: the request's own refused attempt is what tells the monitor.
            let started = ContinuousClock.now
            let response = try await service.complete(ChatRequest(provider: .gemini, model: "gemini-2.5-flash", messages: [.user("Hi")]))
            // Below the 11.6 s five retries would take, with room for a loaded machine.
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(response.route == .directFallback)
            #expect(monitor.status == .unhealthy)
            #expect(monitor.report.totals.unreachableRequests >= 1)

            await group.triggerGracefulShutdown()
            try await running.value
            try await service.shutdown()
        }
    }

    @Test func aProxyWithoutProviderHealthIsHealthy() async throws {
        try await withFakeProxy(FakeProxy(providerHealth: nil)) { url, _ in
            let report = try await withRunningMonitor(url, configuration: fastChecks) { monitor in
                try await expectEventually(within: .seconds(30)) { monitor.report.totals.checks >= 2 }
                return monitor.report
            }
            #expect(report.status == .healthy)
            #expect(report.upstreams == nil)
            #expect(report.advertisedProtocols == nil)
            #expect(report.totals.failedChecks == 0)
        }
    }

    @Test func anUnhealthyProviderHealthSummaryDegradesEvenThoughItIsHTTP200() async throws {
        let summary = #"{"items":[],"count":3,"unhealthyCount":2,"unhealthyRatio":0.67,"summaryHealth":false}"#
        try await withFakeProxy(FakeProxy(providerHealth: summary)) { url, _ in
            try await withRunningMonitor(url, configuration: fastChecks) { monitor in
                try await expectEventually(within: .seconds(30)) { monitor.status == .degraded }
                #expect(monitor.report.reason == "the proxy reports 2 of 3 upstream providers unhealthy")
                #expect(monitor.report.upstreams == UpstreamSummary(summaryHealth: false, count: 3, unhealthyCount: 2))
            }
        }
    }

    @Test func failingHealthChecksDegradeAndThreeInARowMakeTheProxyUnhealthy() async throws {
        try await withFakeProxy(FakeProxy(providerHealth: nil)) { url, fake in
            let capture = LogCapture()
            try await withRunningMonitor(url, configuration: fastChecks, logger: capture.logger) { monitor in
                try await expectEventually(within: .seconds(30)) { monitor.status == .healthy }
                fake.healthStatus = 503
                let failing = ContinuousClock.now
                try await expectEventually(within: .seconds(30)) { monitor.status == .unhealthy }
                // Three failed checks in a row: at most three periods, each with a check.
                #expect(ContinuousClock.now - failing <= (interval + checkTimeout) * 3)
                #expect(monitor.report.consecutiveFailures >= 3)
                #expect(monitor.report.lastError?.contains("HTTP 503") == true)
            }
            let path = capture.records("proxy health status changed").map { $0.metadata["to"]! }
            #expect(path == ["healthy", "degraded", "unhealthy"])
        }
    }

    @Test func aCheckThatOutlivesItsTimeoutFails() async throws {
        try await withFakeProxy(FakeProxy(providerHealth: nil, stallHealth: true)) { url, _ in
            let configuration = ProxyHealthMonitor.Configuration(interval: .seconds(60), checkTimeout: .milliseconds(300))
            try await withRunningMonitor(url, configuration: configuration) { monitor in
                try await expectEventually(within: .seconds(30)) { monitor.report.totals.checks == 1 }
                #expect(monitor.status == .degraded)
                #expect(monitor.report.lastError?.contains("did not answer its health check within 0.3s") == true)
            }
        }
    }

    @Test func gracefulShutdownStopsTheMonitorAndTheCheckInFlightAtOnce() async throws {
        try await withFakeProxy(FakeProxy(providerHealth: nil, stallHealth: true)) { url, fake in
            let configuration = ProxyHealthMonitor.Configuration(interval: .seconds(60), checkTimeout: .seconds(60))
            let transport = HTTPTransport(connectTimeout: .seconds(2), poolSize: 2)
            let monitor = ProxyHealthMonitor(proxy: ProxyConfiguration(serverURLs: [url]), transport: transport, configuration: configuration)
            let group = ServiceGroup(configuration: .init(services: [monitor], logger: silentLogger))
            let running = Task { try await group.run() }
            try await expectEventually(within: .seconds(30)) { fake.healthRequests == 1 && monitor.isRunning }
            let stopping = ContinuousClock.now
            await group.triggerGracefulShutdown()
            try await running.value
            #expect(ContinuousClock.now - stopping < .seconds(10))
            #expect(!monitor.isRunning)
            // The check cut short taught nothing.
            #expect(monitor.report.totals.checks == 0)
            #expect(monitor.status == .unknown)
            try await transport.shutdown()
        }
    }
}

/// An AIClient-2-API-like proxy whose health routes a test controls: `/health` answers
/// `{"status":"healthy",…}` without a protocol list (or fails, or stalls), and
/// `/provider_health` answers the given body with HTTP 200, or 404 when there is none.
final class FakeProxy: Sendable {
    private struct State {
        var healthStatus = 200
        var stallHealth: Bool
        var healthRequests = 0
        var released = false
    }

    private let state: Mutex<State>
    let providerHealth: String?

    init(providerHealth: String?, stallHealth: Bool = false) {
        self.providerHealth = providerHealth
        self.state = Mutex(State(stallHealth: stallHealth))
    }

    /// The status `/health` answers with.
    var healthStatus: Int {
        get { state.withLock { $0.healthStatus } }
        set { state.withLock { $0.healthStatus = newValue } }
    }

    /// How many `/health` requests arrived.
    var healthRequests: Int { state.withLock { $0.healthRequests } }

    /// Lets stalled answers finish.
    func release() {
        state.withLock { $0.released = true }
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("health") { _, _ in
            let (status, stall) = self.state.withLock { state in
                state.healthRequests += 1
                return (state.healthStatus, state.stallHealth)
            }
            // A stalled answer waits until the test releases it, so the server can stop.
            while stall, !self.state.withLock({ $0.released }) {
                try await Task.sleep(for: .milliseconds(20))
            }
            return Response(
                status: HTTPResponse.Status(code: status),
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"healthy","timestamp":"2026-01-01T00:00:00Z","provider":"gemini-cli-oauth"}"#))
            )
        }
        router.get("provider_health") { _, _ in
            guard let body = self.providerHealth else { throw HTTPError(.notFound) }
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        return router
    }
}

/// Runs `body` with `fake` listening on a free loopback port.
func withFakeProxy<Result>(_ fake: FakeProxy, _ body: (URL, FakeProxy) async throws -> Result) async throws -> Result {
    let server = try await RunningServer.start(router: fake.router())
    do {
        let result = try await body(server.baseURL, fake)
        fake.release()
        try await server.shutdown()
        return result
    } catch {
        fake.release()
        try await server.shutdown()
        throw error
    }
}
