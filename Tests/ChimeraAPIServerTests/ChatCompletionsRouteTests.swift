import Chimera
import ChimeraAPIServer
import ChimeraTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("POST /v1/chat/completions (OpenAI-compatible)")
struct ChatCompletionsRouteTests {
    @Test(arguments: ProviderID.allCases)
    func anyProviderAnswersAsAChatCompletion(provider: ProviderID) async throws {
        try await withSimulator { simulator in
            try await withAPI(directConfiguration(simulator)) { client, _ in
                let body = try jsonBody([
                    "model": "\(provider.rawValue)/\(modelNames[provider]!)",
                    "messages": [["role": "developer", "content": "Be brief."], ["role": "user", "content": [["type": "text", "text": "Hello"]]]],
                ])
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers(), body: body) { response in
                    #expect(response.status == .ok)
                    let completion = try jsonObject(response.body)
                    #expect(completion["object"] as? String == "chat.completion")
                    let choice = try #require((completion["choices"] as? [[String: Any]])?.first)
                    #expect((choice["message"] as? [String: Any])?["content"] as? String == "Simulated reply from \(modelNames[provider]!): Hello")
                    #expect(choice["finish_reason"] as? String == "stop")
                    let usage = try #require(completion["usage"] as? [String: Any])
                    #expect(usage["prompt_tokens"] as? Int == 3)
                    #expect(usage["completion_tokens"] as? Int == 5)
                    #expect(response.headers[HTTPField.Name("x-chimera-route")!] == "direct")
                }
            }
        }
    }

    @Test(arguments: ["max_tokens", "max_completion_tokens"])
    func eitherTokenLimitFieldIsHonoured(field: String) async throws {
        try await withSimulator { simulator in
            try await withAPI(directConfiguration(simulator)) { client, _ in
                let body = try jsonBody(["model": "anthropic/claude-sonnet-4-5", "messages": [["role": "user", "content": "one two three"]], field: 2])
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers(), body: body) { response in
                    let choice = try #require((try jsonObject(response.body)["choices"] as? [[String: Any]])?.first)
                    #expect((choice["message"] as? [String: Any])?["content"] as? String == "Simulated reply")
                    #expect(choice["finish_reason"] as? String == "length")
                }
            }
        }
    }

    @Test(arguments: [true, false])
    func streamsEndWithDoneAndCarryUsageOnlyWhenAsked(includeUsage: Bool) async throws {
        try await withSimulator { simulator in
            try await withAPI(directConfiguration(simulator)) { client, _ in
                var request: [String: Any] = ["model": "gemini/gemini-2.5-flash", "messages": [["role": "user", "content": "Hello wörld"]], "stream": true]
                if includeUsage { request["stream_options"] = ["include_usage": true] }
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers(), body: try jsonBody(request)) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/event-stream")
                    let events = serverSentEvents(response.body)
                    #expect(events.last?.data == "[DONE]")
                    let chunks = try events.dropLast().map { try jsonObject(ByteBuffer(string: $0.data)) }
                    #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
                    let usageChunks = chunks.filter { $0["usage"] is [String: Any] }
                    #expect(usageChunks.count == (includeUsage ? 1 : 0))
                    #expect(usageChunks.allSatisfy { ($0["choices"] as? [Any])?.isEmpty == true })
                    let withChoices = chunks.filter { ($0["choices"] as? [Any])?.isEmpty == false }
                    #expect(withChoices.count == chunks.count - usageChunks.count)
                    let text = withChoices.compactMap { chunk -> String? in
                        let choice = (chunk["choices"] as? [[String: Any]])?.first
                        return (choice?["delta"] as? [String: Any])?["content"] as? String
                    }.joined()
                    #expect(text == "Simulated reply from gemini-2.5-flash: Hello wörld")
                    let finish = withChoices.compactMap { ($0["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String }
                    #expect(finish == ["stop"])
                }
            }
        }
    }

    @Test func aStreamThatFailsMidwayEndsWithAnInBandError() async throws {
        try await withSimulator { simulator in
            try await withAPI(directConfiguration(simulator)) { client, _ in
                let body = try jsonBody(["model": "openai/gpt-4.1@inband-error", "messages": [["role": "user", "content": "Hi"]], "stream": true])
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers(), body: body) { response in
                    let last = try #require(serverSentEvents(response.body).last)
                    let error = try #require(try jsonObject(ByteBuffer(string: last.data))["error"] as? [String: Any])
                    #expect(error["message"] is String)
                    #expect(error["type"] is String)
                }
            }
        }
    }

    @Test(arguments: [
        (#"{"model": "gpt-4.1", "messages": [{"role": "user", "content": "Hi"}]}"#, #"model: "gpt-4.1" names no provider; write it as <provider>/<model>"#),
        (#"{"model": "mistral/large", "messages": [{"role": "user", "content": "Hi"}]}"#, #"model: "mistral" is not a provider"#),
        (#"{"model": "openai/", "messages": [{"role": "user", "content": "Hi"}]}"#, "model: must not be empty"),
        (#"{"model": "openai/gpt-4.1", "messages": [{"role": 5, "content": "Hi"}]}"#, "messages[0].role"),
        (#"{"model": "anthropic/claude-sonnet-4-5", "messages": [{"role": "user", "content": "Hi"}], "temperature": 1.7}"#, "out of range for Anthropic"),
        (#"not json"#, "body"),
    ])
    func badInputIs400InOpenAIsErrorShape(body: String, expected: String) async throws {
        try await withAPI(ChimeraConfiguration()) { client, _ in
            try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers(), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                let error = try #require(try jsonObject(response.body)["error"] as? [String: Any])
                #expect(error["type"] as? String == "invalid_request_error")
                let message = try #require(error["message"] as? String)
                #expect(message.contains(expected), "\(message)")
            }
        }
    }

    @Test func anUpstreamFailureKeepsItsStatusInOpenAIsShape() async throws {
        try await withSimulator { simulator in
            try await withAPI(directConfiguration(simulator)) { client, _ in
                let body = try jsonBody(["model": "deepseek/deepseek-chat@status=429,retry-after=3", "messages": [["role": "user", "content": "Hi"]]])
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers(), body: body) { response in
                    #expect(response.status == .tooManyRequests)
                    let error = try #require(try jsonObject(response.body)["error"] as? [String: Any])
                    #expect(response.headers[.retryAfter] == "3")
                    #expect(error["type"] as? String == "rate_limit_error")
                }
            }
        }
    }
}
