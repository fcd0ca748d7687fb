import Chimera
import ChimeraAPIServer
import ChimeraTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("POST /api/v1/generate")
struct GenerateRouteTests {
    @Test(arguments: ProviderID.allCases)
    func generateAnswersWithTheRouteAndProtocol(provider: ProviderID) async throws {
        try await withSimulator { simulator in
            try await withAPI(directConfiguration(simulator)) { client, _ in
                let body = try jsonBody([
                    "provider": provider.rawValue, "model": modelNames[provider]!,
                    "messages": [["role": "system", "content": "Be brief."], ["role": "user", "content": "Hello wörld 🌍"]],
                    "temperature": 0.5, "top_p": 0.9, "max_tokens": 100,
                ])
                try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: body) { response in
                    #expect(response.status == .ok)
                    let answer = try jsonObject(response.body)
                    #expect(answer["text"] as? String == "Simulated reply from \(modelNames[provider]!): Hello wörld 🌍")
                    #expect(answer["provider"] as? String == provider.rawValue)
                    #expect(answer["finish_reason"] as? String == "stop")
                    #expect(answer["route"] as? String == "direct")
                    #expect(answer["protocol"] as? String == "json")
                    let usage = try #require(answer["usage"] as? [String: Any])
                    // The simulator counts words: 2 + 3 in, 7 out.
                    #expect(usage["input_tokens"] as? Int == 5)
                    #expect(usage["output_tokens"] as? Int == 7)
                    #expect(response.headers[HTTPField.Name("x-chimera-route")!] == "direct")
                }
            }
        }
    }

    @Test func generateThroughTheProxyReportsTheProxyRoute() async throws {
        let proxy = try await startProxy()
        try await withAPI(proxyConfiguration(proxy.baseURL)) { client, _ in
            let body = try jsonBody(["provider": "anthropic", "model": "claude-sonnet-4-5", "prompt": "Hi there"])
            try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: body) { response in
                #expect(response.status == .ok)
                let answer = try jsonObject(response.body)
                #expect(answer["route"] as? String == "proxy")
                #expect(answer["text"] as? String == "Simulated reply from claude-sonnet-4-5: Hi there")
            }
        }
        try await proxy.shutdown()
    }

    @Test func aPromptWithASystemInstructionAndATokenLimit() async throws {
        try await withSimulator { simulator in
            try await withAPI(directConfiguration(simulator)) { client, _ in
                let body = try jsonBody(["provider": "gemini", "model": "gemini-2.5-flash", "system": "Be brief.", "prompt": "one two three", "max_tokens": 2])
                try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: body) { response in
                    let answer = try jsonObject(response.body)
                    #expect(answer["text"] as? String == "Simulated reply")
                    #expect(answer["finish_reason"] as? String == "length")
                    // The system instruction was sent too: the simulator counts its words as input.
                    #expect((answer["usage"] as? [String: Any])?["input_tokens"] as? Int == 5)
                }
            }
        }
    }

    @Test(arguments: [ProviderID.openai, .anthropic, .gemini])
    func streamingSendsDeltasThenAFinalEventWithFinishReasonAndUsage(provider: ProviderID) async throws {
        try await withSimulator { simulator in
            try await withAPI(directConfiguration(simulator)) { client, _ in
                let body = try jsonBody(["provider": provider.rawValue, "model": modelNames[provider]!, "prompt": "Hello wörld 🌍", "stream": true])
                try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: body) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/event-stream")
                    let events = serverSentEvents(response.body)
                    let deltas = events.dropLast()
                    #expect(deltas.count >= 2)
                    #expect(deltas.allSatisfy { $0.event == "delta" })
                    let text = try deltas.map { try jsonObject(ByteBuffer(string: $0.data))["text"] as? String ?? "" }.joined()
                    #expect(text == "Simulated reply from \(modelNames[provider]!): Hello wörld 🌍")
                    let done = try #require(events.last)
                    #expect(done.event == "done")
                    let summary = try jsonObject(ByteBuffer(string: done.data))
                    #expect(summary["finish_reason"] as? String == "stop")
                    #expect(summary["route"] as? String == "direct")
                    #expect(summary["protocol"] as? String == "json")
                    #expect((summary["usage"] as? [String: Any])?["output_tokens"] as? Int == 7)
                }
            }
        }
    }

    @Test func aStreamThatFailsMidwayEndsWithAnErrorEvent() async throws {
        try await withSimulator { simulator in
            try await withAPI(directConfiguration(simulator)) { client, _ in
                let body = try jsonBody(["provider": "openai", "model": "gpt-4.1@inband-error", "prompt": "Hi", "stream": true])
                try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: body) { response in
                    #expect(response.status == .ok)
                    let events = serverSentEvents(response.body)
                    #expect(events.first?.event == "delta")
                    #expect(!events.contains { $0.event == "done" })
                    let last = try #require(events.last)
                    #expect(last.event == "error")
                    let error = try #require(try jsonObject(ByteBuffer(string: last.data))["error"] as? [String: Any])
                    #expect(error["message"] is String)
                    #expect(error["provider"] as? String == "openai")
                }
            }
        }
    }

    @Test func aStreamThatFailsBeforeItBeginsGetsAnHTTPStatus() async throws {
        try await withSimulator { simulator in
            try await withAPI(directConfiguration(simulator)) { client, _ in
                let body = try jsonBody(["provider": "openai", "model": "gpt-4.1@status=503", "prompt": "Hi", "stream": true])
                try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: body) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.contentType] == "application/json")
                    let error = try #require(try jsonObject(response.body)["error"] as? [String: Any])
                    #expect(error["status"] as? Int == 503)
                    #expect(error["message"] is String)
                }
            }
        }
    }

    @Test func anUpstreamErrorKeepsItsStatusKindAndRetryAfter() async throws {
        try await withSimulator { simulator in
            try await withAPI(directConfiguration(simulator)) { client, _ in
                let body = try jsonBody(["provider": "openai", "model": "gpt-4.1@status=429,retry-after=7", "prompt": "Hi"])
                try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: body) { response in
                    #expect(response.status == .tooManyRequests)
                    #expect(response.headers[.retryAfter] == "7")
                    let error = try #require(try jsonObject(response.body)["error"] as? [String: Any])
                    #expect(error["type"] as? String == "rate_limited")
                    #expect(error["retry_after_seconds"] as? Double == 7)
                    #expect(error["retryable"] as? Bool == true)
                    #expect(error["request_id"] as? String == response.headers[HTTPField.Name("x-request-id")!])
                    #expect(!String(buffer: response.body).contains("test-key"))
                }
            }
        }
    }

    @Test(arguments: [
        (#"{"#, "body: expected a JSON object"),
        (#"[1, 2]"#, "body: expected a JSON object"),
        (#"{"model": "gpt-4.1", "prompt": "Hi"}"#, "provider: required; accepted: openai, anthropic, gemini, deepseek, qwen, cursor"),
        (#"{"provider": "mistral", "model": "m", "prompt": "Hi"}"#, #"provider: "mistral" is not a provider; accepted: openai"#),
        (#"{"provider": "openai", "prompt": "Hi"}"#, "model: required"),
        (#"{"provider": "openai", "model": "", "prompt": "Hi"}"#, "model: must not be empty"),
        (#"{"provider": "openai", "model": "gpt-4.1"}"#, "messages: required (or give prompt"),
        (#"{"provider": "openai", "model": "gpt-4.1", "prompt": "Hi", "messages": []}"#, "messages, prompt: give one of them, not both"),
        (#"{"provider": "openai", "model": "gpt-4.1", "messages": "Hi"}"#, "messages: expected an array"),
        (#"{"provider": "openai", "model": "gpt-4.1", "messages": [{"role": "tool", "content": "x"}]}"#, #"messages[0].role: "tool" is not accepted; accepted: system, user, assistant"#),
        (#"{"provider": "openai", "model": "gpt-4.1", "messages": [{"role": "user", "content": 5}]}"#, "messages[0].content: expected a string"),
        (#"{"provider": "openai", "model": "gpt-4.1", "messages": [{"role": "system", "content": "x"}]}"#, "messages: need at least one user or assistant message"),
        (#"{"provider": "openai", "model": "gpt-4.1", "prompt": "Hi", "temperature": "hot"}"#, "temperature: expected a number"),
        (#"{"provider": "openai", "model": "gpt-4.1", "prompt": "Hi", "temperature": 3}"#, "temperature: 3.0 is out of range for OpenAI; accepted: 0 to 2"),
        (#"{"provider": "anthropic", "model": "claude-sonnet-4-5", "prompt": "Hi", "temperature": 1.5}"#, "temperature: 1.5 is out of range for Anthropic; accepted: 0 to 1"),
        (#"{"provider": "openai", "model": "gpt-4.1", "prompt": "Hi", "top_p": 2}"#, "top_p: 2.0 is out of range for OpenAI; accepted: 0 to 1"),
        (#"{"provider": "openai", "model": "gpt-4.1", "prompt": "Hi", "max_tokens": 0}"#, "max_tokens: 0 is out of range; accepted: 1 or more"),
        (#"{"provider": "openai", "model": "gpt-4.1", "prompt": "Hi", "max_tokens": 1.5}"#, "max_tokens: expected a whole number"),
        (#"{"provider": "openai", "model": "gpt-4.1", "prompt": "Hi", "stop": ["a", "b", "c", "d", "e"]}"#, "stop: 5 sequences are more than OpenAI accepts; accepted: at most 4"),
        (#"{"provider": "openai", "model": "gpt-4.1", "prompt": "Hi", "stop": 5}"#, "stop: expected a string or an array of strings"),
        (#"{"provider": "openai", "model": "gpt-4.1", "prompt": "Hi", "stream": "yes"}"#, "stream: expected true or false"),
        (#"{"provider": "openai", "model": "gpt-4.1", "prompt": "Hi", "maxTokens": 5}"#, "maxTokens: unknown field; accepted: provider, model, messages, prompt"),
    ])
    func badInputIs400NamingTheFieldAndWhatIsAccepted(body: String, expected: String) async throws {
        try await withAPI(ChimeraConfiguration()) { client, _ in
            try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                let error = try #require(try jsonObject(response.body)["error"] as? [String: Any])
                #expect(error["type"] as? String == "invalid_request")
                let message = try #require(error["message"] as? String)
                #expect(message.contains(expected), "\(message)")
            }
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        try await withAPI(ChimeraConfiguration(), options: APIServer.Options(maxBodyBytes: 1024)) { client, _ in
            let body = try jsonBody(["provider": "openai", "model": "gpt-4.1", "prompt": String(repeating: "x", count: 2048)])
            try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: body) { response in
                #expect(response.status == .contentTooLarge)
                let error = try #require(try jsonObject(response.body)["error"] as? [String: Any])
                #expect(error["message"] as? String == "the request body is larger than 1024 bytes, the most this server accepts")
            }
        }
    }
}
