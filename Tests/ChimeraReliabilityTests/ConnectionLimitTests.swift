import AsyncHTTPClient
import Chimera
import ChimeraAPIServer
import ChimeraProxyServer
import ChimeraTestSupport
import Foundation
import NIOCore
import Testing

/// Issue 15, items 2 and 4: time limits on every client connection of both servers, and a
/// connection cap that keeps `/health` answering (``ServerLimits``). Each limit is set to about
/// a second; the assertions bound what the limit must prevent (a wait of tens of seconds or
/// forever), with room for a loaded 2-core machine.
@Suite("Time limits and a connection cap on every client connection")
struct ConnectionLimitTests {
    static let second = Duration.seconds(1)
    /// Far longer than any limit under test, so only the one under test can act.
    static let long = Duration.seconds(60)

    static let health = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    static func post(_ path: String, _ body: String, declaredLength: Int? = nil) -> String {
        "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(declaredLength ?? body.utf8.count)\r\n\r\n\(body)"
    }

    static func chat(_ model: String, stream: Bool = false) -> String {
        #"{"model":"\#(model)","stream":\#(stream),"messages":[{"role":"user","content":"hi"}]}"#
    }

    // MARK: Reading a head

    @Test(arguments: ["", "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"])
    func aHeadThatDoesNotArriveWholeIsAnswered408(sent: String) async throws {
        try await withSimulatedProxy(server: ServerLimits(headerTimeout: Self.second, bodyTimeout: Self.long, idleTimeout: Self.long, sendTimeout: Self.long)) { proxy in
            let connection = try await RawConnection.open(port: proxy.server.port)
            // The limit counts from the connection's opening; a late send on a loaded machine
            // may find it closed already, which still must be a 408.
            if !sent.isEmpty { try? await connection.send(sent) }
            #expect(try await connection.waitForClose(within: .seconds(15)))
            let lifetime = try #require(connection.lifetime)
            #expect(lifetime >= Self.second - .milliseconds(100), "closed after \(lifetime)")
            #expect(connection.text.hasPrefix("HTTP/1.1 408"), "\(connection.text)")
            #expect(connection.text.lowercased().contains("chimera-error-source: proxy"), "\(connection.text)")
            #expect(connection.text.contains("CHIMERA_SERVER_HEADER_TIMEOUT_SECONDS"))
        }
    }

    @Test func aHeadThatTricklesInIsCutAtTheHeaderTimeoutNotKeptAliveByEachByte() async throws {
        try await withSimulatedProxy(server: ServerLimits(headerTimeout: Self.second, bodyTimeout: Self.long, idleTimeout: Self.long, sendTimeout: Self.long)) { proxy in
            let connection = try await RawConnection.open(port: proxy.server.port)
            try? await connection.send("GET /health HTTP/1.1\r\n")  // As above: a late send may find it closed.
            // A header line every 200 ms would go on for 20 s; the limit is on the whole head.
            for index in 0..<100 where !connection.isClosed {
                try? await connection.send("x-trickle-\(index): y\r\n")  // Fails once the server closed: that is the point.
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(connection.isClosed)
            #expect(connection.text.hasPrefix("HTTP/1.1 408"), "\(connection.text)")
            #expect(connection.text.lowercased().contains("chimera-error-source: proxy"), "\(connection.text)")
        }
    }

    // MARK: Reading a body

    @Test func aBodyThatStopsIsAnswered408AndNothingReachesUpstream() async throws {
        try await withSimulatedProxy(server: ServerLimits(headerTimeout: Self.long, bodyTimeout: Self.second, idleTimeout: Self.long, sendTimeout: Self.long)) { proxy in
            let connection = try await RawConnection.open(port: proxy.server.port)
            // 10 of the 1,000 bytes announced, then silence.
            try await connection.send(Self.post("/v1/chat/completions", String(repeating: " ", count: 10), declaredLength: 1000))
            #expect(try await connection.waitForClose(within: .seconds(15)))
            #expect(connection.text.hasPrefix("HTTP/1.1 408"), "\(connection.text)")
            #expect(connection.text.lowercased().contains("chimera-error-source: proxy"), "\(connection.text)")
            #expect(connection.text.contains("CHIMERA_SERVER_BODY_TIMEOUT_SECONDS"))
            #expect(proxy.simulator.stats.totalRequests == 0)
        }
    }

    @Test func aSlowBodyThatKeepsComingIsNotCut() async throws {
        // A 3 s limit and pieces 500 ms apart: gaps far below the limit, a whole body (5 s)
        // well over it.
        try await withSimulatedProxy(server: ServerLimits(headerTimeout: Self.long, bodyTimeout: .seconds(3), idleTimeout: Self.long, sendTimeout: Self.long)) { proxy in
            let connection = try await RawConnection.open(port: proxy.server.port)
            let body = Array(Self.chat("gpt-4.1"))
            let request = Self.post("/v1/chat/completions", "", declaredLength: body.count)
            try await connection.send(request)
            // The limit is on silence, not on the whole body.
            let size = body.count / 10 + 1
            let pieces = stride(from: 0, to: body.count, by: size).map { String(body[$0..<min($0 + size, body.count)]) }
            try await connection.send(pieces, every: .milliseconds(500))
            #expect(try await connection.waitFor("\r\n\r\n", within: .seconds(15)))
            #expect(connection.text.hasPrefix("HTTP/1.1 200"), "\(connection.text)")
        }
    }

    // MARK: Waiting between requests

    @Test func anIdleKeptAliveConnectionClosesAfterTheIdleTimeout() async throws {
        try await withSimulatedProxy(server: ServerLimits(headerTimeout: Self.long, bodyTimeout: Self.long, idleTimeout: Self.second, sendTimeout: Self.long)) { proxy in
            let connection = try await RawConnection.open(port: proxy.server.port)
            try await connection.send(Self.health)
            #expect(try await connection.waitFor("\"healthy\"", within: .seconds(10)))
            #expect(try await connection.waitForClose(within: .seconds(15)))
            let silence = try #require(connection.silenceBeforeClose)
            #expect(silence >= Self.second - .milliseconds(100), "closed \(silence) after the answer")
            // Nobody was waiting for an answer: the connection just closes.
            #expect(!connection.text.contains("408"))
        }
    }

    // MARK: Writing to a client that stopped reading

    @Test func aStreamClientOfTheProxyThatStopsReadingIsCutOffAndItsUpstreamStreamEnds() async throws {
        let upstream = try await MisbehavingServer.start(.endlessStream)
        var configuration = ChimeraConfiguration()
        configuration.direct.maxRetries = 0
        configuration.providers[.openai]?.baseURL = upstream.url
        configuration.providers[.openai]?.apiKey = Secret("send-timeout-key")
        configuration.server = ServerLimits(headerTimeout: Self.long, bodyTimeout: Self.long, idleTimeout: Self.long, sendTimeout: Self.second)
        let proxy = try await RunningProxy.start(configuration: configuration, port: 0)
        let reader = try await RawConnection.open(port: proxy.server.port, reading: false)
        do {
            try await reader.send(Self.post("/v1/chat/completions", Self.chat("gpt-4.1", stream: true)))
            #expect(try await Self.eventually { upstream.acceptedConnections == 1 })
            // The proxy closes the stalled connection, which ends its upstream stream: the
            // upstream sees its connection closed.
            // Filling the socket buffers takes a while in a debug build on a loaded machine.
            #expect(try await Self.eventually(within: .seconds(90)) { proxy.server.connections.open == 0 && upstream.openConnections == 0 },
                    "proxy connections \(proxy.server.connections.open), upstream connections \(upstream.openConnections)")
        } catch {
            await reader.close()
            try await proxy.shutdown()
            try await upstream.shutdown()
            throw error
        }
        await reader.close()
        try await proxy.shutdown()
        try await upstream.shutdown()
    }

    /// Item 4: `chimera serve` with a pool of 8 and 8 stream clients that never read; once the
    /// send timeout has cut them off, their pooled connections are free for other requests.
    @Test func streamsThatNeverReadStopHoldingThePoolOnceTheSendTimeoutPasses() async throws {
        // The upstream stands in for the proxy: every answer is a stream that never ends.
        let upstream = try await MisbehavingServer.start(.endlessStream)
        var configuration = proxyMode(upstream.url, timeouts: Timeouts(connect: .seconds(2), request: .seconds(90), streamIdle: .seconds(90)))
        configuration.proxy.poolSize = 8
        configuration.server = ServerLimits(headerTimeout: Self.long, bodyTimeout: Self.long, idleTimeout: Self.long, sendTimeout: Self.second)
        let serve = try await RunningAPIServer.start(configuration: configuration, port: 0)
        var readers: [RawConnection] = []
        do {
            let stream = #"{"provider":"openai","model":"gpt-4.1","prompt":"hi","stream":true}"#
            for _ in 0..<8 {
                let reader = try await RawConnection.open(port: serve.server.port, reading: false)
                try await reader.send(Self.post("/api/v1/generate", stream))
                readers.append(reader)
            }
            // All 8 streams hold a pooled connection before the 9th request is sent (the
            // upstream may also see the health monitor's probe, outside the pool).
            #expect(try await Self.eventually { upstream.acceptedConnections >= 8 })
            try await withHTTPClient { client in
                // Were the 8 slots still held, this would wait out the 90 s limit and fail; it
                // needs only its first event to show it got a connection.
                var request = HTTPClientRequest(url: serve.baseURL.appending(path: "api/v1/generate").absoluteString)
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: stream))
                let response = try await client.execute(request, timeout: .seconds(120))
                #expect(response.status == .ok)
                var received = ""
                for try await chunk in response.body {
                    received += String(buffer: chunk)
                    if received.contains("event: delta") { break }
                }
                #expect(received.contains("event: delta"), "\(received.prefix(300))")
            }
            #expect(try await Self.eventually(within: .seconds(90)) { serve.server.connections.open <= 1 }, "\(serve.server.connections.open) connections still open")
        } catch {
            await closeAll(readers)
            try await serve.shutdown()
            try await upstream.shutdown()
            throw error
        }
        await closeAll(readers)
        try await serve.shutdown()
        try await upstream.shutdown()
    }

    /// Polls `condition` until it holds, at most `timeout` (a generous bound, not a measurement).
    static func eventually(within timeout: Duration = .seconds(20), _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    // MARK: The connection cap

    @Test func idleConnectionsOverTheCapMakeRoomSoHealthAnswers() async throws {
        try await withSimulatedProxy(server: ServerLimits(headerTimeout: Self.long, idleTimeout: Self.long, maxConnections: 16)) { proxy in
            var silent: [RawConnection] = []
            do {
                for _ in 0..<48 { silent.append(try await RawConnection.open(port: proxy.server.port)) }
                try await withHTTPClient { client in
                    for _ in 0..<5 {
                        let reply = try await exchange(client, proxy.baseURL.appending(path: "health"))
                        #expect(reply.status == 200)
                    }
                }
                // The oldest silent connections were closed to make room: no more than the cap stays open.
                let deadline = ContinuousClock.now + .seconds(10)
                while proxy.server.connections.open > 16, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(proxy.server.connections.open <= 16)
                let oldestClosed = silent.prefix(16).allSatisfy { $0.isClosed }
                #expect(oldestClosed, "the oldest idle connections go first")
            } catch {
                await closeAll(silent)
                throw error
            }
            await closeAll(silent)
        }
    }

    @Test func whenEveryConnectionIsBusyANewOneAnswersOnlyHealth() async throws {
        try await withSimulatedProxy(server: ServerLimits(headerTimeout: Self.long, idleTimeout: Self.long, maxConnections: 4)) { proxy in
            let simulator = try #require(proxy.simulator)
            var busy: [RawConnection] = []
            do {
                // Four requests the simulator never answers (the proxy gives up after its 5 s limit).
                for _ in 0..<4 {
                    let connection = try await RawConnection.open(port: proxy.server.port)
                    try await connection.send(Self.post("/v1/chat/completions", Self.chat("gpt-4.1@stall")))
                    busy.append(connection)
                }
                let deadline = ContinuousClock.now + .seconds(4)
                while simulator.stats.totalRequests < 4, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try #require(simulator.stats.totalRequests == 4)

                let probe = try await RawConnection.open(port: proxy.server.port)
                try await probe.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                #expect(try await probe.waitForClose(within: .seconds(5)))
                #expect(probe.text.hasPrefix("HTTP/1.1 200"), "\(probe.text)")

                let other = try await RawConnection.open(port: proxy.server.port)
                try await other.send(Self.post("/v1/chat/completions", Self.chat("gpt-4.1")))
                #expect(try await other.waitForClose(within: .seconds(5)))
                #expect(other.text.hasPrefix("HTTP/1.1 503"), "\(other.text)")
                #expect(other.text.lowercased().contains("chimera-error-source: proxy"), "\(other.text)")
                #expect(other.text.contains("CHIMERA_SERVER_MAX_CONNECTIONS"))
                #expect(simulator.stats.totalRequests == 4, "the refused request never went upstream")
            } catch {
                await closeAll(busy)
                throw error
            }
            await closeAll(busy)
        }
    }
}
