import AsyncHTTPClient
import Chimera
import ChimeraAPIServer
import ChimeraProxyServer
import Foundation
import Testing

/// Issue 15, item 5: a keyless server on loopback answers only requests addressed to loopback,
/// from no foreign page, with a JSON, protobuf or Connect body; with a key, the key decides.
@Suite("Keyless servers refuse what a web page could send")
struct CrossSiteRequestTests {
    enum Server: String, CaseIterable, CustomStringConvertible {
        case proxy, serve
        var description: String { rawValue }
        /// The chat route and a body it accepts.
        var chat: (path: String, body: String) {
            switch self {
            case .proxy: ("/v1/chat/completions", #"{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}"#)
            case .serve: ("/api/v1/generate", #"{"provider":"openai","model":"gpt-4.1","prompt":"hi"}"#)
            }
        }
    }

    /// Limits no loaded machine reaches: these tests are about which requests get through.
    static let generous = Timeouts(connect: .seconds(10), request: .seconds(60), streamIdle: .seconds(60))

    /// Runs `body` with the server in front of a simulated proxy, keyless or with `key`, and the
    /// number of requests that reached the simulator.
    static func withServer(_ server: Server, key: String? = nil, _ body: (Int, @Sendable () -> Int) async throws -> Void) async throws {
        try await withSimulatedProxy(options: .init(apiKey: server == .proxy ? key.map(Secret.init) : nil)) { proxy in
            let simulator = try #require(proxy.simulator)
            switch server {
            case .proxy:
                try await body(proxy.server.port) { simulator.stats.totalRequests }
            case .serve:
                let serve = try await RunningAPIServer.start(configuration: proxyMode(proxy.baseURL, timeouts: Self.generous), options: .init(apiKey: key.map(Secret.init)), port: 0)
                do {
                    try await body(serve.server.port) { simulator.stats.totalRequests }
                } catch {
                    try await serve.shutdown()
                    throw error
                }
                try await serve.shutdown()
            }
        }
    }

    /// One request over a fresh connection, with exactly the headers given.
    static func send(port: Int, _ path: String, host: String? = nil, headers: [String] = [], body: String? = nil) async throws -> String {
        let connection = try await RawConnection.open(port: port)
        var head = "\(body == nil ? "GET" : "POST") \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n"
        for header in headers { head += header + "\r\n" }
        if let body { head += "Content-Length: \(body.utf8.count)\r\n" }
        try await connection.send(head + "\r\n" + (body ?? ""))
        _ = try await connection.waitForClose(within: .seconds(15))
        await connection.close()
        return connection.text
    }

    @Test(arguments: Server.allCases)
    func theAttackOfTheIssueIsRefused(server: Server) async throws {
        try await Self.withServer(server) { port, upstreamRequests in
            // A text/plain POST from https://evil.example through a rebound name: a "simple"
            // request that browsers send without asking.
            let attack = try await Self.send(port: port, server.chat.path, host: "evil.example:\(port)",
                                             headers: ["Origin: https://evil.example", "Content-Type: text/plain"], body: server.chat.body)
            #expect(attack.hasPrefix("HTTP/1.1 403"), "\(attack)")
            #expect(attack.contains("Host evil.example"), "\(attack)")

            let foreignOrigin = try await Self.send(port: port, server.chat.path, headers: ["Origin: https://evil.example", "Content-Type: application/json"], body: server.chat.body)
            #expect(foreignOrigin.hasPrefix("HTTP/1.1 403"), "\(foreignOrigin)")
            #expect(foreignOrigin.contains("Origin https://evil.example"), "\(foreignOrigin)")

            let nullOrigin = try await Self.send(port: port, server.chat.path, headers: ["Origin: null", "Content-Type: application/json"], body: server.chat.body)
            #expect(nullOrigin.hasPrefix("HTTP/1.1 403"), "\(nullOrigin)")

            for contentType in ["Content-Type: text/plain", "Content-Type: application/x-www-form-urlencoded", nil] {
                let reply = try await Self.send(port: port, server.chat.path, headers: contentType.map { [$0] } ?? [], body: server.chat.body)
                #expect(reply.hasPrefix("HTTP/1.1 415"), "\(String(describing: contentType)): \(reply)")
                #expect(reply.contains("application/json") && reply.contains("application/connect+proto"), "the answer names the accepted types: \(reply)")
            }
            // A GET that reads data through a rebound name is refused too.
            let models = try await Self.send(port: port, server == .proxy ? "/v1/models" : "/api/v1/providers", host: "attacker.example")
            #expect(models.hasPrefix("HTTP/1.1 403"), "\(models)")
            #expect(upstreamRequests() == 0, "nothing refused reached the upstream")
        }
    }

    @Test(arguments: Server.allCases)
    func localCallersStillGetThrough(server: Server) async throws {
        try await Self.withServer(server) { port, upstreamRequests in
            for host in ["127.0.0.1:\(port)", "localhost:\(port)", "localhost", "[::1]:\(port)"] {
                let reply = try await Self.send(port: port, server.chat.path, host: host, headers: ["Content-Type: application/json; charset=utf-8"], body: server.chat.body)
                #expect(reply.hasPrefix("HTTP/1.1 200"), "Host \(host): \(reply)")
            }
            let localPage = try await Self.send(port: port, server.chat.path, headers: ["Origin: http://localhost:3000", "Content-Type: application/json"], body: server.chat.body)
            #expect(localPage.hasPrefix("HTTP/1.1 200"), "\(localPage)")
            #expect(upstreamRequests() == 5)
        }
    }

    @Test(arguments: Server.allCases)
    func withAKeyTheKeyDecides(server: Server) async throws {
        let key = "cross-site-key-4711"
        try await Self.withServer(server, key: key) { port, _ in
            let authorized = try await Self.send(port: port, server.chat.path, host: "chimera.internal:\(port)",
                                                 headers: ["Origin: https://dashboard.example", "Content-Type: application/json", "Authorization: Bearer \(key)"], body: server.chat.body)
            #expect(authorized.hasPrefix("HTTP/1.1 200"), "\(authorized)")
            let anonymous = try await Self.send(port: port, server.chat.path, host: "chimera.internal:\(port)",
                                                headers: ["Origin: https://evil.example", "Content-Type: text/plain"], body: server.chat.body)
            #expect(anonymous.hasPrefix("HTTP/1.1 401"), "\(anonymous)")
        }
    }
}
