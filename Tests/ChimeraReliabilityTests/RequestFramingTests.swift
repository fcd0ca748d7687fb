import ChimeraAPIServer
import ChimeraCore
import ChimeraTestSupport
import Testing

/// Malformed request framing is the client's error, and health answers the probes monitors send.
@Suite("Request framing and health probes on both servers")
struct RequestFramingTests {
    /// Runs `body` with the port of a keyed `chimera serve` and then of a keyed simulated proxy.
    func onBothServers(_ body: (_ server: String, _ port: Int) async throws -> Void) async throws {
        let serve = try await RunningAPIServer.start(configuration: ChimeraConfiguration(), options: .init(apiKey: Secret("serve-key")), port: 0)
        do {
            try await body("serve", serve.server.port)
        } catch {
            try await serve.shutdown()
            throw error
        }
        try await serve.shutdown()
        try await withSimulatedProxy(options: .init(apiKey: Secret("proxy-key"))) { proxy in
            try await body("proxy", proxy.server.port)
        }
    }

    @Test func aMalformedChunkedBodyIsA400NotAnUpstreamFailure() async throws {
        try await onBothServers { server, port in
            let connection = try await RawConnection.open(port: port)
            try await connection.send(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(server)-key\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n"
            )
            #expect(try await connection.waitFor("\r\n\r\n", within: .seconds(10)))
            #expect(connection.text.hasPrefix("HTTP/1.1 400"), "\(server): \(connection.text)")
        }
    }

    @Test(arguments: ["/health", "/health/"])
    func headOnHealthAnswersWithoutAKeyOrABody(path: String) async throws {
        try await onBothServers { server, port in
            let connection = try await RawConnection.open(port: port)
            try await connection.send("HEAD \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(try await connection.waitFor("\r\n\r\n", within: .seconds(10)))
            #expect(connection.text.hasPrefix("HTTP/1.1 200"), "\(server) HEAD \(path): \(connection.text)")
            #expect(connection.text.hasSuffix("\r\n\r\n"), "\(server) HEAD \(path) sent a body: \(connection.text)")

            let get = try await RawConnection.open(port: port)
            try await get.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(try await get.waitFor("\"status\"", within: .seconds(10)), "\(server) GET \(path): \(get.text)")
            #expect(get.text.hasPrefix("HTTP/1.1 200"), "\(server) GET \(path): \(get.text)")
        }
    }
}
