import AsyncHTTPClient
import Chimera
import ChimeraProxyServer
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// Runs `body` with a `chimera proxy` serving simulated upstreams on a free loopback port,
/// retrying each upstream failure `retries` times.
func withProxy<Result>(
    apiKey: String? = nil,
    retries: Int = 0,
    _ body: (SimulatedProxy) async throws -> Result
) async throws -> Result {
    var configuration = ChimeraConfiguration()
    configuration.direct.maxRetries = retries
    // Short upstream limits, so a stalled upstream releases its request before the proxy shuts down.
    configuration.direct.timeouts = Timeouts(connect: .seconds(2), request: .seconds(3), streamIdle: .seconds(3))
    let proxy = try await SimulatedProxy.start(configuration: configuration, options: ProxyServer.Options(apiKey: apiKey.map(Secret.init)))
    do {
        let result = try await body(proxy)
        try await proxy.shutdown()
        return result
    } catch {
        try await proxy.shutdown()
        throw error
    }
}

/// A client of the proxy that speaks `family`'s protocol and selects `upstream` with the path
/// prefix — e.g. an OpenAI SDK pointed at `/claude-custom/v1`.
func proxyClient(_ proxy: SimulatedProxy, speaking family: ProviderID, upstream: ProviderID, transport: HTTPTransport, key: String? = nil) -> HTTPProvider {
    proxyClient(proxy.proxy, speaking: family, upstream: upstream, transport: transport, key: key)
}

/// A client of `proxy` that speaks `family`'s protocol and selects `upstream` with the path prefix.
func proxyClient(_ proxy: RunningProxy, speaking family: ProviderID, upstream: ProviderID, transport: HTTPTransport, key: String? = nil) -> HTTPProvider {
    let route = ProxyProviderIDs.all.first { $0.provider == upstream }!.id
    return HTTPProvider(
        id: family,
        target: .endpoint(.proxied(family, proxyURL: proxy.baseURL, route: route, proxyKey: key.map(Secret.init))),
        transport: transport,
        timeouts: Timeouts(connect: .seconds(2), request: .seconds(10), streamIdle: .seconds(10)),
        retryPolicy: RetryPolicy(maxRetries: 0),
        route: .proxy,
        classify: { $0.errorForProxyCall(provider: family, proxyURL: proxy.baseURL.absoluteString) },
        logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    )
}

/// Runs `body` with a shared HTTP transport, shut down after.
func withTransport<Result>(_ body: (HTTPTransport) async throws -> Result) async throws -> Result {
    let transport = HTTPTransport(connectTimeout: .seconds(2), poolSize: 8)
    do {
        let result = try await body(transport)
        try await transport.shutdown()
        return result
    } catch {
        try await transport.shutdown()
        throw error
    }
}

/// A raw HTTP exchange with the proxy, for status codes, headers and exact bodies.
func rawRequest(
    _ transport: HTTPTransport, _ url: URL, method: HTTPMethod = .POST, headers: [(String, String)] = [], body: String? = nil
) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
    // Only a guard against a hang: a loaded machine running the suite in parallel can take
    // seconds over an 11 MiB body in a debug build.
    try await exchange(transport.client, url, method: method, headers: headers, body: body, timeout: .seconds(60))
}

func sampleRequest(_ provider: ProviderID, model: String? = nil, stream: Bool = false) -> ChatRequest {
    ChatRequest(
        provider: provider, model: model ?? modelNames[provider]!,
        messages: [.system("Be brief."), .user("Hello wörld 🌍 こんにちは friends")],
        stream: stream
    )
}

func collect(_ provider: any LLMProvider, _ request: ChatRequest) async throws -> ChatResponse {
    if request.stream {
        return try await provider.stream(request).collect(id: "s", provider: request.provider, model: request.model)
    }
    return try await provider.complete(request)
}
