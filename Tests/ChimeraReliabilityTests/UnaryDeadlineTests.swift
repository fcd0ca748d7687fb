import Chimera
import Foundation
import Testing

/// Issue 15, item 3: one deadline covers a unary exchange's head and body, so an upstream that
/// answers its head at once and then drips its body cannot hold a request, or its pooled
/// connection, past the limit.
@Suite("A unary limit covers the body too")
struct UnaryDeadlineTests {
    /// Short enough to keep the suite fast; the dripped body takes 60 s, far past it.
    static let limit = 2

    @Test func aDrippedBodyFailsAsATimeoutInDirectModeAndFreesTheConnection() async throws {
        let fake = try await MisbehavingServer.start(.dripBody)
        let configuration = try ChimeraConfiguration(environment: [
            "CHIMERA_REQUEST_TIMEOUT_SECONDS": String(Self.limit), "CHIMERA_MAX_RETRIES": "0",
            "OPENAI_BASE_URL": fake.url.absoluteString, "OPENAI_API_KEY": "unary-deadline-key",
        ])
        try await Self.expectTimeouts(configuration, fake: fake)
    }

    @Test func aDrippedBodyFailsAsATimeoutOverProtobufAndFreesTheConnection() async throws {
        let fake = try await MisbehavingServer.start(.dripProtobufBody)
        let configuration = try ChimeraConfiguration(environment: [
            "API_CONNECTION_MODE": "proxy", "PROXY_SERVER_URL": fake.url.absoluteString, "PROXY_PROTOCOL": "protobuf",
            "PROXY_TIMEOUT_SECONDS": String(Self.limit), "PROXY_MAX_RETRIES": "0", "PROXY_POOL_SIZE": "1",
        ])
        try await Self.expectTimeouts(configuration, fake: fake)
    }

    /// Two requests in a row, each a `timeout` after about the limit; the second one would wait
    /// for the first one's pooled connection (pool of 1 in proxy mode) if it were still held,
    /// and the fake sees every connection closed.
    private static func expectTimeouts(_ configuration: ChimeraConfiguration, fake: MisbehavingServer) async throws {
        do {
            try await withService(configuration) { service in
                for attempt in 1...2 {
                    let started = ContinuousClock.now
                    let error = await #expect(throws: ChimeraError.self) {
                        try await service.complete(request(.openai, model: "gpt-4.1"))
                    }
                    let elapsed = ContinuousClock.now - started
                    #expect(error?.kind == .timeout, "attempt \(attempt): \(String(describing: error))")
                    #expect(error?.message.contains("stayed busy") == false, "attempt \(attempt) waited for a held connection: \(String(describing: error))")
                    #expect(elapsed >= .seconds(limit) - .milliseconds(100), "attempt \(attempt) ended early: \(elapsed)")
                    // The body would take 60 s; a generous bound for a loaded machine still proves the cut.
                    #expect(elapsed < .seconds(limit + 8), "attempt \(attempt) took \(elapsed)")
                }
                // Cancelling the exchange closes its connection: the fake sees none left open.
                let deadline = ContinuousClock.now + .seconds(10)
                while fake.openConnections > 0, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(fake.openConnections == 0)
            }
        } catch {
            try await fake.shutdown()
            throw error
        }
        try await fake.shutdown()
    }
}
