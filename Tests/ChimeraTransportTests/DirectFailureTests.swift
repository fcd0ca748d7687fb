import Chimera
import ChimeraSimulator
import ChimeraTestSupport
import Foundation
import Testing

@Suite("Direct mode: errors, retries, timeouts and cancellation")
struct DirectFailureTests {
    struct StatusCase: Sendable, CustomTestStringConvertible {
        let switches: String
        let kind: ChimeraError.Kind
        let status: Int
        let retryable: Bool
        var testDescription: String { switches }
    }

    static let statusCases: [StatusCase] = [
        StatusCase(switches: "status=400", kind: .invalidRequest, status: 400, retryable: false),
        StatusCase(switches: "status=404", kind: .invalidRequest, status: 404, retryable: false),
        StatusCase(switches: "status=429", kind: .rateLimited, status: 429, retryable: true),
        StatusCase(switches: "status=500", kind: .upstream, status: 500, retryable: true),
        StatusCase(switches: "status=503", kind: .upstream, status: 503, retryable: true),
    ]

    @Test(arguments: ProviderID.allCases, statusCases)
    func errorStatusesMapToKindsPerProvider(provider: ProviderID, testCase: StatusCase) async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator, maxRetries: 0) { service in
                let error = await #expect(throws: ChimeraError.self) {
                    try await service.complete(sampleRequest(provider, switches: testCase.switches))
                }
                #expect(error?.kind == testCase.kind)
                #expect(error?.status == testCase.status)
                #expect(error?.isRetryable == testCase.retryable)
                #expect(error?.provider == provider)
            }
        }
    }

    @Test(arguments: ProviderID.allCases)
    func aWrongKeyIsAnAuthenticationErrorAndIsNotRetried(provider: ProviderID) async throws {
        try await withSimulator { simulator in
            var configuration = ChimeraConfiguration(direct: DirectConfiguration(maxRetries: 2))
            configuration.providers[provider]?.baseURL = simulator.baseURL(for: provider)
            configuration.providers[provider]?.apiKey = Secret("invalid")
            let service = LLMService(configuration: configuration)
            let request = sampleRequest(provider)
            let error = await #expect(throws: ChimeraError.self) { try await service.complete(request) }
            try await service.shutdown()
            #expect(error?.kind == .authentication)
            #expect(error?.isRetryable == false)
            #expect(simulator.stats.totalRequests == 1)
        }
    }

    @Test(arguments: [ProviderID.openai, .qwen])
    func insufficientQuotaIsNotRetryable(provider: ProviderID) async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator, maxRetries: 2) { service in
                let request = sampleRequest(provider, switches: "quota")
                let error = await #expect(throws: ChimeraError.self) { try await service.complete(request) }
                #expect(error?.kind == .rateLimited)
                #expect(error?.isRetryable == false)
                #expect(simulator.stats.requests(forModel: request.model) == 1)
            }
        }
    }

    @Test(arguments: [ProviderID.openai, .anthropic, .gemini])
    func rateLimitIsRetriedAfterTheServersDelay(provider: ProviderID) async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator, maxRetries: 2) { service in
                let request = sampleRequest(provider, switches: "status=429,retry-after=1,fail=1")
                let clock = ContinuousClock()
                let started = clock.now
                let response = try await service.complete(request)
                #expect(clock.now - started >= .seconds(1))
                #expect(response.text.contains("Hello wörld"))
                #expect(simulator.stats.requests(forModel: request.model) == 2)
            }
        }
    }

    @Test func retriesStopAtTheLimit() async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator, maxRetries: 2) { service in
                let request = sampleRequest(.deepseek, switches: "status=503,retry-after-ms=10")
                let error = await #expect(throws: ChimeraError.self) { try await service.complete(request) }
                #expect(error?.status == 503)
                #expect(simulator.stats.requests(forModel: request.model) == 3)
            }
        }
    }

    @Test(arguments: [ProviderID.openai, .anthropic, .gemini])
    func aStreamThatBrokeAfterItStartedIsNotRetried(provider: ProviderID) async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator, maxRetries: 2) { service in
                let request = sampleRequest(provider, switches: "reset-after=2", stream: true)
                let stream = try await service.stream(request)
                var deltas = 0
                await #expect(throws: ChimeraError.self) {
                    for try await event in stream {
                        if case .delta = event { deltas += 1 }
                    }
                }
                #expect(deltas == 2)
                #expect(simulator.stats.requests(forModel: request.model) == 1)
            }
        }
    }

    @Test(arguments: [ProviderID.openai, .anthropic, .gemini])
    func inBandErrorsAndTruncatedStreamsAreErrors(provider: ProviderID) async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator, maxRetries: 0) { service in
                for switches in ["inband-error", "truncate-after=2"] {
                    let stream = try await service.stream(sampleRequest(provider, switches: switches, stream: true))
                    await #expect(throws: ChimeraError.self, "\(switches)") {
                        for try await _ in stream {}
                    }
                }
            }
        }
    }

    @Test func malformedJSONIsADecodingError() async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator, maxRetries: 0) { service in
                let error = await #expect(throws: ChimeraError.self) {
                    try await service.complete(sampleRequest(.openai, switches: "malformed"))
                }
                #expect(error?.kind == .decoding)
            }
        }
    }

    @Test func aStalledStreamEndsWithATimeout() async throws {
        try await withSimulator { simulator in
            let timeouts = Timeouts(connect: .seconds(2), request: .seconds(5), streamIdle: .milliseconds(400))
            try await withDirectService(simulator, maxRetries: 0, timeouts: timeouts) { service in
                let stream = try await service.stream(sampleRequest(.anthropic, switches: "stall-after=1", stream: true))
                let error = await #expect(throws: ChimeraError.self) {
                    for try await _ in stream {}
                }
                #expect(error?.kind == .timeout)
            }
        }
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        try await withSimulator { simulator in
            let timeouts = Timeouts(connect: .seconds(2), request: .milliseconds(500), streamIdle: .seconds(5))
            try await withDirectService(simulator, maxRetries: 0, timeouts: timeouts) { service in
                let unary = await #expect(throws: ChimeraError.self) {
                    try await service.complete(sampleRequest(.openai, switches: "stall"))
                }
                #expect(unary?.kind == .timeout)
                let streamed = await #expect(throws: ChimeraError.self) {
                    _ = try await service.stream(sampleRequest(.gemini, switches: "stall", stream: true))
                }
                #expect(streamed?.kind == .timeout)
            }
        }
    }

    @Test func cancellingTheReaderClosesTheUpstreamConnection() async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator) { service in
                let stream = try await service.stream(sampleRequest(.openai, switches: "latency=50,words=10000", stream: true))
                let reader = Task {
                    var count = 0
                    for try await _ in stream {
                        count += 1
                        if count == 3 { break }
                    }
                }
                _ = await reader.result
                let deadline = ContinuousClock.now + .seconds(5)
                while simulator.stats.disconnects == 0 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(simulator.stats.disconnects == 1)
            }
        }
    }

    @Test func refusedConnectionIsARetryableUpstreamError() async throws {
        var configuration = ChimeraConfiguration(direct: DirectConfiguration(maxRetries: 0))
        configuration.providers[.openai]?.baseURL = URL(string: "http://127.0.0.1:1/v1")
        configuration.providers[.openai]?.apiKey = Secret("k")
        let service = LLMService(configuration: configuration)
        let error = await #expect(throws: ChimeraError.self) { try await service.complete(sampleRequest(.openai)) }
        try await service.shutdown()
        #expect(error?.isRetryable == true)
        #expect(error?.description.contains("127.0.0.1:1") == true)
    }
}
