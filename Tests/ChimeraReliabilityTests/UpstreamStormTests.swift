import Chimera
import Foundation
import Testing

@Suite("Upstream 429 storms and 503 bursts behind chimera proxy: retries bounded, delays honoured")
struct UpstreamStormTests {
    static let maxRetries = 2

    @Test func a429StormIsSentUpstreamAtMostOncePlusTheRetriesAndWaitsTheRetryAfter() async throws {
        try await withSimulatedProxy(retries: Self.maxRetries) { proxy in
            let simulator = proxy.simulator
            // Every request is refused with retry-after 1 s, 16 clients at once; unique model
            // strings (split=…) let the simulator count each request's attempts apart.
            let models = (0..<16).map { "gpt-4.1@status=429,retry-after=1,split=\(1000 + $0)" }
            let started = ContinuousClock.now
            let outcomes = try await withService(Self.configuration(proxy.baseURL)) { service in
                try await Self.runAll(service, models: models)
            }
            let elapsed = ContinuousClock.now - started
            for (model, outcome) in zip(models, outcomes) {
                #expect(outcome?.kind == .rateLimited, "\(model): \(String(describing: outcome))")
                #expect(simulator.stats.requests(forModel: model) == 1 + Self.maxRetries, "\(model)")
            }
            // Two waits of retry-after (1 s) each, never fewer.
            #expect(elapsed >= .seconds(2), "the retry-after delays were not honoured: \(elapsed)")
        }
    }

    @Test func a503BurstShorterThanTheRetriesSucceedsWithExactlyTheAttemptsItNeeded() async throws {
        try await withSimulatedProxy(retries: Self.maxRetries) { proxy in
            let simulator = proxy.simulator
            let models = (0..<16).map { "deepseek-chat@status=503,fail=2,retry-after-ms=200,split=\(2000 + $0)" }
            let started = ContinuousClock.now
            let outcomes = try await withService(Self.configuration(proxy.baseURL)) { service in
                try await Self.runAll(service, models: models, provider: .deepseek)
            }
            let elapsed = ContinuousClock.now - started
            for (model, outcome) in zip(models, outcomes) {
                #expect(outcome == nil, "\(model): \(String(describing: outcome))")
                #expect(simulator.stats.requests(forModel: model) == 3, "\(model)")
            }
            #expect(elapsed >= .milliseconds(400), "two retry-after-ms=200 waits: \(elapsed)")
        }
    }

    @Test func a503BurstLongerThanTheRetriesFailsClearlyWithoutExtraAttempts() async throws {
        try await withSimulatedProxy(retries: Self.maxRetries) { proxy in
            let simulator = proxy.simulator
            let models = (0..<16).map { "claude-sonnet-4-5@status=503,fail=10,retry-after-ms=50,split=\(3000 + $0)" }
            let outcomes = try await withService(Self.configuration(proxy.baseURL)) { service in
                try await Self.runAll(service, models: models, provider: .anthropic)
            }
            for (model, outcome) in zip(models, outcomes) {
                let error = try #require(outcome, "\(model) must fail")
                #expect(error.status == 503 && error.isRetryable, "\(error)")
                #expect(simulator.stats.requests(forModel: model) == 1 + Self.maxRetries, "\(model)")
            }
        }
    }

    static let timeouts = Timeouts(connect: .seconds(2), request: .seconds(10), streamIdle: .seconds(10))

    /// Proxy mode with the default pool (8 connections): the 16 requests also queue for a
    /// connection, which must not change how often each is sent.
    static func configuration(_ proxy: URL) -> ChimeraConfiguration {
        proxyMode(proxy, retries: maxRetries, timeouts: timeouts)
    }

    /// Runs one request per model concurrently (every other one streaming); `nil` is a success.
    private static func runAll(_ service: LLMService, models: [String], provider: ProviderID = .openai) async throws -> [ChimeraError?] {
        try await withThrowingTaskGroup(of: (Int, ChimeraError?).self) { group in
            for (index, model) in models.enumerated() {
                group.addTask {
                    do {
                        _ = try await run(service, request(provider, model: model, stream: index.isMultiple(of: 2)))
                        return (index, nil)
                    } catch let error as ChimeraError {
                        return (index, error)
                    }
                }
            }
            var outcomes = [ChimeraError?](repeating: nil, count: models.count)
            for try await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
    }
}
