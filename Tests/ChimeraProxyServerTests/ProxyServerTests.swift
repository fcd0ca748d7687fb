import AsyncHTTPClient
import Chimera
import ChimeraProxyServer
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import Testing

@Suite("chimera proxy: AIClient-2-API-compatible data plane")
struct ProxyServerTests {
    /// The three inbound protocols, named by a provider that speaks each.
    static let inbound: [ProviderID] = [.openai, .anthropic, .gemini]

    @Test(arguments: inbound, ProviderID.allCases)
    func everyProtocolReachesEveryProviderUnaryAndStreaming(inbound: ProviderID, upstream: ProviderID) async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let client = proxyClient(proxy, speaking: inbound, upstream: upstream, transport: transport)
                for stream in [false, true] {
                    // The model is the upstream's; the protocol is the caller's.
                    let request = sampleRequest(inbound, model: modelNames[upstream]!, stream: stream)
                    let response = try await collect(client, request)
                    #expect(response.text.contains("Simulated reply from \(modelNames[upstream]!): Hello wörld 🌍 こんにちは friends"), "stream: \(stream)")
                    #expect(response.finishReason == .stop, "stream: \(stream)")
                    #expect(response.usage?.inputTokens == 7, "stream: \(stream)")
                    #expect(response.usage?.outputTokens == wordCount(response.text), "stream: \(stream)")
                }
            }
        }
    }

    @Test func modelProviderHeaderSelectsTheUpstreamWhenThereIsNoPrefix() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let body = #"{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi there"}]}"#
                let reply = try await rawRequest(transport, proxy.baseURL.appending(path: "v1/chat/completions"),
                                                 headers: [("Model-Provider", "gemini-antigravity")], body: body)
                #expect(reply.status == 200)
                #expect(reply.body.contains("Simulated reply from gemini-2.5-flash: hi there"))
                #expect(reply.body.contains(#""object":"chat.completion""#))
            }
        }
    }

    @Test func unknownProviderIdIsA400ListingTheValidOnes() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let body = #"{"model":"x","messages":[{"role":"user","content":"hi"}]}"#
                let prefixed = try await rawRequest(transport, proxy.baseURL.appending(path: "mistral-oauth/v1/chat/completions"), body: body)
                #expect(prefixed.status == 400)
                #expect(prefixed.body.contains("openai-custom-deepseek"))
                let header = try await rawRequest(transport, proxy.baseURL.appending(path: "v1/chat/completions"), headers: [("Model-Provider", "nope")], body: body)
                #expect(header.status == 400)
                #expect(header.body.contains("claude-kiro-oauth"))
            }
        }
    }

    @Test func badJSONUnknownRoutesAndOversizedBodiesGetClearStatuses() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let bad = try await rawRequest(transport, proxy.baseURL.appending(path: "v1/messages"), body: "{not json")
                #expect(bad.status == 400)
                #expect(bad.body.contains(#""type":"error""#))
                let unknown = try await rawRequest(transport, proxy.baseURL.appending(path: "v1/audio/speech"), body: "{}")
                #expect(unknown.status == 404)
                let huge = #"{"model":"gpt-4.1","messages":[{"role":"user","content":""# + String(repeating: "a", count: 11 << 20) + #""}]}"#
                let oversized = try await rawRequest(transport, proxy.baseURL.appending(path: "v1/chat/completions"), body: huge)
                #expect(oversized.status == 413)
            }
        }
    }

    @Test func upstreamErrorsKeepTheirStatusInTheCallersShape() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let openAI = #"{"model":"gpt-4.1@status=404","messages":[{"role":"user","content":"hi"}]}"#
                let asOpenAI = try await rawRequest(transport, proxy.baseURL.appending(path: "v1/chat/completions"), body: openAI)
                #expect(asOpenAI.status == 404)
                #expect(asOpenAI.body.contains(#""error""#))
                let gemini = #"{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}"#
                let asGemini = try await rawRequest(transport, proxy.baseURL.appending(path: "claude-custom/v1beta/models/claude-x@status=400:generateContent"), body: gemini)
                #expect(asGemini.status == 400)
                #expect(asGemini.body.contains(#""status":"INVALID_ARGUMENT""#))
            }
        }
    }

    @Test func aFailureAfterStreamingBeganArrivesInBandAndTheStreamEnds() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let client = proxyClient(proxy, speaking: .anthropic, upstream: .openai, transport: transport)
                let stream = try await client.stream(sampleRequest(.anthropic, model: "gpt-4.1@inband-error", stream: true))
                var deltas = 0
                let error = await #expect(throws: ChimeraError.self) {
                    for try await event in stream {
                        if case .delta = event { deltas += 1 }
                    }
                }
                #expect(deltas >= 1)
                #expect(error?.kind != .decoding)
            }
        }
    }

    @Test(arguments: [
        ("authorization", "Bearer proxy-secret", nil as String?),
        ("x-api-key", "proxy-secret", nil),
        ("x-goog-api-key", "proxy-secret", nil),
        (nil, nil, "proxy-secret"),
    ] as [(String?, String?, String?)])
    func acceptsTheKeyInAllFourForms(header: String?, value: String?, query: String?) async throws {
        try await withProxy(apiKey: "proxy-secret") { proxy in
            try await withTransport { transport in
                var url = proxy.baseURL.appending(path: "v1/chat/completions")
                if let query { url = url.appending(queryItems: [URLQueryItem(name: "key", value: query)]) }
                let headers = header.map { [($0, value!)] } ?? []
                let reply = try await rawRequest(transport, url, headers: headers, body: #"{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}"#)
                #expect(reply.status == 200)
            }
        }
    }

    @Test(arguments: [
        ("v1/chat/completions", #""type":"authentication_error""#),
        ("v1/messages", #""type":"error""#),
        ("v1beta/models/gemini-2.5-flash:generateContent", #""status":"UNAUTHENTICATED""#),
    ])
    func refusesAMissingOrWrongKeyWith401InTheCallersShape(path: String, shape: String) async throws {
        try await withProxy(apiKey: "proxy-secret") { proxy in
            try await withTransport { transport in
                let body = #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"contents":[{"parts":[{"text":"hi"}]}]}"#
                let missing = try await rawRequest(transport, proxy.baseURL.appending(path: path), body: body)
                #expect(missing.status == 401)
                #expect(missing.body.contains(shape))
                #expect(missing.body.contains("Unauthorized: API key is invalid or missing."))
                let wrong = try await rawRequest(transport, proxy.baseURL.appending(path: path), headers: [("authorization", "Bearer nope")], body: body)
                #expect(wrong.status == 401)
            }
        }
    }

    @Test func refusesANonLoopbackBindWithoutAKey() async throws {
        let error = await #expect(throws: ChimeraError.self) {
            _ = try await SimulatedProxy.start(configuration: ChimeraConfiguration(), host: "0.0.0.0", port: 0)
        }
        #expect(error?.kind == .configuration)
        #expect(error?.description.contains("--api-key") == true)
    }

    @Test func healthAndProviderHealthNeedNoKey() async throws {
        try await withProxy(apiKey: "proxy-secret") { proxy in
            try await withTransport { transport in
                let health = try await rawRequest(transport, proxy.baseURL.appending(path: "health"), method: .GET)
                #expect(health.status == 200)
                #expect(health.body.contains(#""status":"healthy""#))
                let providers = try await rawRequest(transport, proxy.baseURL.appending(path: "provider_health"), method: .GET)
                #expect(providers.status == 200)
                #expect(providers.body.contains(#""summaryHealth":true"#))
                #expect(providers.body.contains(#""count":8"#))
            }
        }
    }

    @Test func listsModelsInEachShape() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let openAI = try await rawRequest(transport, proxy.baseURL.appending(path: "openai-custom-deepseek/v1/models"), method: .GET)
                #expect(openAI.status == 200)
                #expect(openAI.body.contains(#""object":"list""#))
                let gemini = try await rawRequest(transport, proxy.baseURL.appending(path: "v1beta/models"), method: .GET)
                #expect(gemini.status == 200)
                #expect(gemini.body.contains(#""models""#))
            }
        }
    }
}

func wordCount(_ text: String) -> Int {
    text.split(whereSeparator: \.isWhitespace).count
}
