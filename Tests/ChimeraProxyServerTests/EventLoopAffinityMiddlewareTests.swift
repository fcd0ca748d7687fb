import AsyncHTTPClient
import ChimeraProxyServer
import ChimeraRelay
import ChimeraServerSupport
import ChimeraTransport
import Hummingbird
import Testing

/// A request runs under the event loop of the connection it came on, so the unary exchanges it
/// makes upstream stay on that loop (``EventLoopAffinity``).
@Suite("Event loop affinity of requests")
struct EventLoopAffinityMiddlewareTests {
    @Test func aRequestRunsUnderItsConnectionsEventLoop() async throws {
        let router = Router(context: ProxyRequestContext.self)
        router.add(middleware: EventLoopAffinityMiddleware())
        router.get("affinity") { _, context -> String in
            guard let eventLoop = EventLoopAffinity.eventLoop else { return "none" }
            return eventLoop === context.eventLoop ? "the connection's" : "another"
        }
        let server = try await RunningServer.start(router: router)
        do {
            for _ in 0..<3 {
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: server.baseURL.absoluteString + "/affinity"), timeout: .seconds(10))
                #expect(String(buffer: try await response.body.collect(upTo: 1024)) == "the connection's")
            }
            #expect(EventLoopAffinity.eventLoop == nil)
        } catch {
            try await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }
}
