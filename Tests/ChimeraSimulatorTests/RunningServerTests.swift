import AsyncHTTPClient
import ChimeraServerSupport
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

@Suite("RunningServer")
struct RunningServerTests {
    private static func pingRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("ping") { _, _ in "pong" }
        return router
    }

    @Test func answersOnAFreePortAndCountsConnections() async throws {
        let server = try await RunningServer.start(router: Self.pingRouter())
        do {
            #expect(server.port > 0)
            #expect(server.baseURL.absoluteString == "http://127.0.0.1:\(server.port)")
            let response = try await send(HTTPClientRequest(url: server.baseURL.absoluteString + "/ping"))
            #expect(response.body == "pong")
            #expect(server.connections.accepted >= 1)
            try await server.shutdown()
        } catch {
            try await server.shutdown()
            throw error
        }
    }

    @Test func shutdownStopsListening() async throws {
        let server = try await RunningServer.start(router: Self.pingRouter())
        try await server.shutdown()
        // A fresh client, so no pooled connection can hide the closed port.
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        await #expect(throws: (any Error).self) {
            _ = try await send(HTTPClientRequest(url: server.baseURL.absoluteString + "/ping"), client: client, timeout: .seconds(2))
        }
        try await client.shutdown()
        try await server.shutdown()
    }

    @Test func startFailsWhenThePortIsTaken() async throws {
        let first = try await RunningServer.start(router: Self.pingRouter())
        await #expect(throws: (any Error).self) {
            let second = try await RunningServer.start(router: Self.pingRouter(), port: first.port)
            try await second.shutdown()
        }
        try await first.shutdown()
    }

    @Test func extraServicesRunWithTheServerAndStopWithIt() async throws {
        let service = RecordingService()
        let server = try await RunningServer.start(router: Self.pingRouter(), services: [service])
        #expect(try await eventually { service.events.withLock { $0 } == ["started"] })
        try await server.shutdown()
        #expect(service.events.withLock { $0 } == ["started", "stopped"])
    }
}

/// A service that records when it runs and when it is asked to stop.
private final class RecordingService: Service, Sendable {
    let events = Mutex<[String]>([])

    func run() async throws {
        events.withLock { $0.append("started") }
        try await gracefulShutdown()
        events.withLock { $0.append("stopped") }
    }
}
