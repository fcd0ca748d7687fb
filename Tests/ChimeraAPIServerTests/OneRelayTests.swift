import AsyncHTTPClient
import Chimera
import ChimeraTestSupport
import Foundation
import NIOCore
import Testing

/// Both servers answer through one relay (issue 13): the same bad request gets the same message
/// on every path, and the OpenAI usage chunk (`choices: []`) comes only when the caller asked.
@Suite("One relay for every path")
struct OneRelayTests {
    static let refusal = "temperature: 1.5 is out of range for Anthropic; accepted: 0 to 1"

    @Test func theSameBadRequestGetsTheSameMessageOnEveryPath() async throws {
        let proxy = try await startProxy()
        var messages: [String: String] = [:]
        do {
            try await withHTTPClient { client in
                messages["proxy, Anthropic Messages"] = try await Self.post(client, proxy.baseURL.appending(path: "v1/messages"),
                    #"{"model":"claude-sonnet-4-5","max_tokens":16,"temperature":1.5,"messages":[{"role":"user","content":"Hi"}]}"#)
                messages["proxy, OpenAI Chat to Anthropic"] = try await Self.post(client, proxy.baseURL.appending(path: "claude-custom/v1/chat/completions"),
                    #"{"model":"claude-sonnet-4-5","temperature":1.5,"messages":[{"role":"user","content":"Hi"}]}"#)
            }
            let configuration = proxyConfiguration(proxy.baseURL, interval: .seconds(60))
            try await withAPI(configuration) { client, _ in
                let chat = ByteBuffer(string: #"{"model":"anthropic/claude-sonnet-4-5","temperature":1.5,"messages":[{"role":"user","content":"Hi"}]}"#)
                let chatMessage = try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers(), body: chat) { response in
                    #expect(response.status == .badRequest)
                    return (try jsonObject(response.body)["error"] as? [String: Any])?["message"] as? String
                }
                let generate = ByteBuffer(string: #"{"provider":"anthropic","model":"claude-sonnet-4-5","temperature":1.5,"prompt":"Hi"}"#)
                let generateMessage = try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: generate) { response in
                    #expect(response.status == .badRequest)
                    return (try jsonObject(response.body)["error"] as? [String: Any])?["message"] as? String
                }
                #expect(chatMessage == Self.refusal, "serve /v1/chat/completions: \(String(describing: chatMessage))")
                #expect(generateMessage == Self.refusal, "serve /api/v1/generate: \(String(describing: generateMessage))")
            }
            let service = LLMService(configuration: configuration)
            let error = await #expect(throws: ChimeraError.self) {
                try await service.complete(ChatRequest(provider: .anthropic, model: "claude-sonnet-4-5", messages: [.user("Hi")], temperature: 1.5))
            }
            try await service.shutdown()
            messages["library"] = error?.message
        } catch {
            try await proxy.shutdown()
            throw error
        }
        try await proxy.shutdown()
        #expect(messages.count == 3)
        for (path, message) in messages {
            #expect(message == Self.refusal, "\(path): \(message)")
        }
    }

    @Test(arguments: [("", "gpt-4.1"), ("/claude-custom", "claude-sonnet-4-5")], [false, true])
    func theProxysUsageChunkComesOnlyWhenAskedFor(route: (prefix: String, model: String), includeUsage: Bool) async throws {
        let proxy = try await startProxy()
        let text: String
        do {
            let options = includeUsage ? #","stream_options":{"include_usage":true}"# : ""
            let body = #"{"model":"\#(route.model)","stream":true,"messages":[{"role":"user","content":"Hi"}]\#(options)}"#
            text = try await withHTTPClient { client in
                try await exchange(client, proxy.baseURL.appending(path: route.prefix + "/v1/chat/completions"), method: .POST, body: body, timeout: .seconds(30)).body
            }
        } catch {
            try await proxy.shutdown()
            throw error
        }
        try await proxy.shutdown()
        let chunks = try serverSentEvents(ByteBuffer(string: text)).filter { $0.data != "[DONE]" }.map { try jsonObject(ByteBuffer(string: $0.data)) }
        #expect(!chunks.isEmpty, "\(text)")
        let usageChunks = chunks.filter { ($0["choices"] as? [Any])?.isEmpty == true }
        #expect(usageChunks.count == (includeUsage ? 1 : 0), "\(route.prefix) include_usage=\(includeUsage): \(text)")
        #expect(usageChunks.allSatisfy { $0["usage"] is [String: Any] })
    }

    /// The error message of a JSON error answer, which must be a 400.
    private static func post(_ client: HTTPClient, _ url: URL, _ body: String) async throws -> String? {
        let answer = try await exchange(client, url, method: .POST, body: body, timeout: .seconds(30))
        #expect(answer.status == 400, "\(url): \(answer.body)")
        return (try jsonObject(ByteBuffer(string: answer.body))["error"] as? [String: Any])?["message"] as? String
    }
}
