import ChimeraCore
import ChimeraProxyServer
import ChimeraServerSupport
import ChimeraTestSupport
import Foundation
import Hummingbird
import Testing

/// A 200 whose body is JSON but not an answer (`{}`, `{"status":"ok"}`) is a `decoding` failure,
/// unary as streamed, not an empty success: a misconfigured base URL pointing at some other
/// service's health route must not pass for a working provider.
@Suite("Answers that only look successful")
struct WrongShapeAnswerTests {
    static let requests: [(family: String, path: String, body: String)] = [
        ("openai", "v1/chat/completions", #"{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}"#),
        ("anthropic", "v1/messages", #"{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}"#),
        ("gemini", "v1beta/models/gemini-2.5-flash:generateContent", #"{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}"#),
    ]

    @Test(arguments: [#"{}"#, #"{"status":"ok"}"#])
    func aWrongShapedUnary200IsABadGatewayOfKindDecoding(answer: String) async throws {
        let router = Router()
        router.post("**") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        let upstream = try await RunningServer.start(router: router)
        var configuration = ChimeraConfiguration()
        configuration.direct.maxRetries = 0
        for id in [ProviderID.openai, .anthropic, .gemini] {
            configuration.providers[id]?.baseURL = upstream.baseURL
            configuration.providers[id]?.apiKey = Secret("wrong-shape-key")
        }
        let proxy = try await RunningProxy.start(configuration: configuration, port: 0)
        do {
            try await withHTTPClient { client in
                for request in Self.requests {
                    let answered = try await exchange(client, proxy.baseURL.appending(path: request.path), method: .POST, body: request.body)
                    #expect(answered.status == 502, "\(request.family) answered \(answered.status): \(answered.body)")
                    #expect(answered.body.contains("response could not be read"), "\(request.family): \(answered.body)")
                }
            }
        } catch {
            try await proxy.shutdown()
            try await upstream.shutdown()
            throw error
        }
        try await proxy.shutdown()
        try await upstream.shutdown()
    }
}
