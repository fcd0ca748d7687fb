import Chimera
import ChimeraProxyServer
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import Testing

/// A proxy-mode configuration for `proxy` that speaks `preference`.
func proxyModeConfiguration(_ proxy: URL, speaking preference: ProxyProtocolPreference, fallback: Bool = false) -> ChimeraConfiguration {
    var configuration = proxyModeConfiguration(proxy, fallback: fallback)
    configuration.proxy.wireProtocol = preference
    return configuration
}

/// Runs `body` with a front for `proxy` that refuses the binary protocol with `refusal` (or not).
func withFakeProxy<Result>(
    in front: SimulatedProxy, refusal: Int?, _ body: (ProtobufClientFakeProxy) async throws -> Result
) async throws -> Result {
    let fake = try await ProtobufClientFakeProxy.start(target: front.baseURL, refusal: refusal)
    do {
        let result = try await body(fake)
        try await fake.shutdown()
        return result
    } catch {
        try await fake.shutdown()
        throw error
    }
}

/// The error a request fails with, or `nil` when it succeeds.
func failure(of request: ChatRequest, through service: LLMService) async throws -> ChimeraError? {
    do {
        _ = try await collect(service.provider(request.provider), request)
        return nil
    } catch let error as ChimeraError {
        return error
    }
}

@Suite("Proxy mode in the binary protocol: parity, negotiation, fallback to JSON")
struct ProtobufClientTests {
    @Test(arguments: ProviderID.allCases, [false, true])
    func protobufAndJSONGiveTheSameAnswers(provider: ProviderID, stream: Bool) async throws {
        try await withProxy { proxy in
            let request = sampleRequest(provider, stream: stream)
            let json = try await withService(proxyModeConfiguration(proxy.baseURL, speaking: .json)) { try await collect($0.provider(provider), request) }
            let binary = try await withService(proxyModeConfiguration(proxy.baseURL, speaking: .protobuf)) { try await collect($0.provider(provider), request) }
            #expect(!binary.text.isEmpty)
            #expect(binary.text == json.text)
            #expect(binary.finishReason == json.finishReason)
            #expect(binary.usage == json.usage)
            #expect(binary.route == .proxy)
            #expect(json.wireProtocol == .json)
            #expect(binary.wireProtocol == .protobuf)
        }
    }

    @Test func autoSpeaksProtobufToChimeraProxyWithoutAFailedRequest() async throws {
        try await withProxy { proxy in
            try await withFakeProxy(in: proxy, refusal: nil) { front in
                try await withService(proxyModeConfiguration(front.baseURL, speaking: .auto)) { service in
                    for provider in ProviderID.allCases {
                        for stream in [false, true] {
                            let answer = try await collect(service.provider(provider), sampleRequest(provider, stream: stream))
                            #expect(answer.wireProtocol == .protobuf, "\(provider) stream: \(stream)")
                        }
                    }
                }
                let tally = front.tally
                // One question, shared by the six providers; then every call in protobuf.
                #expect(tally.connectCalls["GetCapabilities"] == 1)
                #expect(tally.connectCalls["Complete"] == 6)
                #expect(tally.connectCalls["Stream"] == 6)
                #expect(tally.jsonChats == 0)
                #expect(tally.failedAnswers == 0)
            }
        }
    }

    @Test func autoSpeaksJSONToAJSONOnlyProxyWithoutAFailedRequest() async throws {
        try await withProxy { proxy in
            try await withFakeProxy(in: proxy, refusal: 404) { front in
                try await withService(proxyModeConfiguration(front.baseURL, speaking: .auto)) { service in
                    for provider in ProviderID.allCases {
                        for stream in [false, true] {
                            let answer = try await collect(service.provider(provider), sampleRequest(provider, stream: stream))
                            #expect(answer.wireProtocol == .json, "\(provider) stream: \(stream)")
                            #expect(!answer.text.isEmpty)
                        }
                    }
                }
                let tally = front.tally
                #expect(tally.connectCalls["GetCapabilities"] == 1)
                #expect(tally.connectCalls["Complete"] == nil)
                #expect(tally.connectCalls["Stream"] == nil)
                #expect(tally.jsonChats == 12)
                #expect(tally.failedAnswers == 0)
            }
        }
    }

    @Test func concurrentFirstRequestsShareOneQuestion() async throws {
        try await withProxy { proxy in
            try await withFakeProxy(in: proxy, refusal: 404) { front in
                try await withService(proxyModeConfiguration(front.baseURL, speaking: .auto)) { service in
                    try await withThrowingTaskGroup(of: WireProtocol.self) { group in
                        for index in 0..<12 {
                            let provider = ProviderID.allCases[index % 6]
                            group.addTask { try await service.complete(sampleRequest(provider)).wireProtocol }
                        }
                        for try await wireProtocol in group { #expect(wireProtocol == .json) }
                    }
                }
                #expect(front.tally.connectCalls["GetCapabilities"] == 1)
                #expect(front.tally.failedAnswers == 0)
            }
        }
    }

    @Test func autoTrustsTheProtocolsOfTheLastHealthCheckWithoutAsking() async throws {
        try await withProxy { proxy in
            try await withFakeProxy(in: proxy, refusal: nil) { front in
                try await withService(proxyModeConfiguration(front.baseURL, speaking: .auto)) { service in
                    let monitor = try #require(service.proxyHealthMonitors.first)
                    #expect(await monitor.ping().protocols == ["json", "protobuf"])
                    let answer = try await service.complete(sampleRequest(.qwen))
                    #expect(answer.wireProtocol == .protobuf)
                }
                #expect(front.tally.connectCalls["GetCapabilities"] == nil)
            }
        }
    }

    @Test(arguments: [404, 406, 415], [false, true])
    func aProxyThatStartsRefusingProtobufIsSpokenToInJSONWithoutAFailedRequest(status: Int, stream: Bool) async throws {
        try await withProxy { proxy in
            try await withFakeProxy(in: proxy, refusal: nil) { front in
                try await withService(proxyModeConfiguration(front.baseURL, speaking: .auto)) { service in
                    #expect(try await collect(service.provider(.openai), sampleRequest(.openai, stream: stream)).wireProtocol == .protobuf)
                    front.refuse(with: status)
                    let switched = try await collect(service.provider(.anthropic), sampleRequest(.anthropic, stream: stream))
                    #expect(switched.wireProtocol == .json)
                    #expect(!switched.text.isEmpty)
                    // Remembered for every provider of the proxy: no second refusal.
                    #expect(try await collect(service.provider(.gemini), sampleRequest(.gemini, stream: !stream)).wireProtocol == .json)
                }
                let tally = front.tally
                #expect(tally.refused == 1)
                #expect(tally.jsonChats == 2)
                #expect(tally.failedAnswers == 0)
            }
        }
    }

    @Test func withoutARunningMonitorTheProxyIsAskedAgainAfterTheReprobeInterval() async throws {
        try await withProxy { proxy in
            try await withFakeProxy(in: proxy, refusal: nil) { front in
                var configuration = proxyModeConfiguration(front.baseURL, speaking: .auto)
                configuration.proxy.healthCheckInterval = .seconds(2)
                try await withService(configuration) { service in
                    #expect(try await service.complete(sampleRequest(.deepseek)).wireProtocol == .protobuf)
                    front.refuse(with: 415)
                    #expect(try await service.complete(sampleRequest(.deepseek)).wireProtocol == .json)
                    front.refuse(with: nil)
                    #expect(try await service.complete(sampleRequest(.deepseek)).wireProtocol == .json)
                    try await Task.sleep(for: .milliseconds(2_200))
                    #expect(try await service.complete(sampleRequest(.deepseek)).wireProtocol == .protobuf)
                }
                #expect(front.tally.connectCalls["GetCapabilities"] == 2)
                #expect(front.tally.failedAnswers == 0)
            }
        }
    }

    @Test func withARunningMonitorARefusalLastsUntilItsNextCheck() async throws {
        try await withProxy { proxy in
            try await withFakeProxy(in: proxy, refusal: nil) { front in
                var configuration = proxyModeConfiguration(front.baseURL, speaking: .auto)
                configuration.proxy.healthCheckInterval = .seconds(3600)
                try await withService(configuration) { service in
                    let monitor = try #require(service.proxyHealthMonitors.first)
                    let checks = Task { try await monitor.run() }
                    defer { checks.cancel() }
                    while monitor.advertisedProtocols == nil { try await Task.sleep(for: .milliseconds(10)) }
                    #expect(try await service.complete(sampleRequest(.cursor)).wireProtocol == .protobuf)
                    front.refuse(with: 415)
                    #expect(try await service.complete(sampleRequest(.cursor)).wireProtocol == .json)
                    front.refuse(with: nil)
                    // The monitor still advertises protobuf, but the refusal came after its check.
                    #expect(try await service.complete(sampleRequest(.cursor)).wireProtocol == .json)
                    await monitor.ping()
                    #expect(try await service.complete(sampleRequest(.cursor)).wireProtocol == .protobuf)
                }
                #expect(front.tally.refused == 1)
                #expect(front.tally.connectCalls["GetCapabilities"] == nil)
            }
        }
    }

    @Test func forcedProtobufReportsARefusalAndFallbackToDirectStillWorks() async throws {
        try await withProxy { proxy in
            let simulator = proxy.simulator
            try await withFakeProxy(in: proxy, refusal: 415) { front in
                try await withService(proxyModeConfiguration(front.baseURL, speaking: .protobuf)) { service in
                    let error = try #require(try await failure(of: sampleRequest(.openai), through: service))
                    #expect(error.kind == .protocolMismatch)
                    #expect(error.status == 415)
                    #expect(error.hint?.contains("PROXY_PROTOCOL=json") == true)
                }
                var configuration = proxyModeConfiguration(front.baseURL, speaking: .protobuf, fallback: true)
                configuration.providers[.openai]?.baseURL = simulator.baseURL(for: .openai)
                configuration.providers[.openai]?.apiKey = Secret("k")
                try await withService(configuration) { service in
                    for stream in [false, true] {
                        let answer = try await collect(service.provider(.openai), sampleRequest(.openai, stream: stream))
                        #expect(answer.route == .directFallback)
                        #expect(answer.wireProtocol == .json)
                    }
                }
            }
        }
    }

    @Test(arguments: ProviderID.allCases)
    func aStreamThatFailsMidwayDeliversItsTextThenTheSameErrorAsJSON(provider: ProviderID) async throws {
        try await withProxy { proxy in
            let request = sampleRequest(provider, model: modelNames[provider]! + "@inband-error", stream: true)
            var outcomes: [WireProtocol: (text: String, error: ChimeraError?)] = [:]
            for preference in [ProxyProtocolPreference.json, .protobuf] {
                try await withService(proxyModeConfiguration(proxy.baseURL, speaking: preference)) { service in
                    let stream = try await service.stream(request)
                    var text = ""
                    do {
                        for try await event in stream { text += event.delta }
                        outcomes[stream.wireProtocol] = (text, nil)
                    } catch let error as ChimeraError {
                        outcomes[stream.wireProtocol] = (text, error)
                    }
                }
            }
            let json = try #require(outcomes[.json])
            let binary = try #require(outcomes[.protobuf])
            #expect(!binary.text.isEmpty)
            #expect(binary.text == json.text)
            let jsonError = try #require(json.error)
            let binaryError = try #require(binary.error)
            #expect(binaryError.kind == jsonError.kind)
            #expect(binaryError.isRetryable == jsonError.isRetryable)
            #expect(binaryError.provider == provider)
        }
    }

    @Test(arguments: ProviderID.allCases)
    func errorsCrossTheBinaryProtocolWithKindStatusAndRetryAdviceIntact(provider: ProviderID) async throws {
        try await withProxy { proxy in
            try await withService(proxyModeConfiguration(proxy.baseURL, speaking: .json)) { json in
                try await withService(proxyModeConfiguration(proxy.baseURL, speaking: .auto)) { binary in
                    // The upstream's wait hint, which the binary protocol carries to the millisecond.
                    let cases: [(switches: String, retryAfter: Duration?)] = [
                        ("status=429,retry-after=7", .seconds(7)), ("quota", nil), ("status=503,retry-after-ms=1500", .milliseconds(1500)),
                        ("status=404", nil), ("status=401", nil),
                    ]
                    for (switches, retryAfter) in cases {
                        for stream in [false, true] {
                            let request = sampleRequest(provider, model: modelNames[provider]! + "@" + switches, stream: stream)
                            let label = "\(switches) stream: \(stream)"
                            let viaJSON = try #require(try await failure(of: request, through: json), "\(label)")
                            let viaProtobuf = try #require(try await failure(of: request, through: binary), "\(label)")
                            #expect(viaProtobuf.kind == viaJSON.kind, "\(label)")
                            #expect(viaProtobuf.status == viaJSON.status, "\(label)")
                            #expect(viaProtobuf.isRetryable == viaJSON.isRetryable, "\(label)")
                            #expect(viaProtobuf.retryAfter == retryAfter, "\(label)")
                            // JSON's Retry-After header has whole seconds only.
                            #expect(viaJSON.retryAfter == retryAfter.map { .seconds($0.seconds.rounded(.up)) }, "\(label)")
                            #expect(viaProtobuf.provider == provider, "\(label)")
                            #expect(viaProtobuf.kind != .protocolMismatch, "\(label)")
                        }
                    }
                    // Not one of those errors made `auto` give up on the binary protocol.
                    #expect(try await binary.complete(sampleRequest(provider)).wireProtocol == .protobuf)
                }
            }
        }
    }
}
