import Chimera
import ChimeraProxyServer
import ChimeraServerSupport
import ChimeraTestSupport
import Foundation
import Hummingbird
import NIOCore
import Synchronization
import Testing

/// Same-family pass-through (issue 13, item 3): a caller whose protocol is the upstream's gets
/// its body to the upstream exactly as sent, unknown members included, and the upstream's bytes
/// back exactly as the upstream wrote them — its spacing, its comments, its CRLFs, its vendor
/// members — unary and streamed, in every family. The upstream here is a fake that answers
/// canned bytes no encoder would write, so re-encoding anywhere on the way would show.
@Suite("Same-family pass-through")
struct PassThroughTests {
    struct Case: Sendable, CustomStringConvertible {
        var family: String
        var path: String
        var body: String
        var answer: String
        var contentType: String
        var description: String { "\(family) \(contentType)" }
    }

    static let cases: [Case] = [
        Case(
            family: "openai", path: "/v1/chat/completions",
            body: #"{"model":"gpt-4.1",  "messages":[{"role":"user","content":"Hi"}],"x_probe":{"nested":[1, 2.50]},"logit_bias":{"50256":-100}}"#,
            answer: #"{"id":"chatcmpl-pt","object":"chat.completion","created":1,"model":"gpt-4.1","choices":[{"index":0,"message":{"role":"assistant","content":"Hi there"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3},  "x_vendor" : true}"#,
            contentType: "application/json"
        ),
        Case(
            family: "openai", path: "/v1/chat/completions",
            body: #"{"model":"gpt-4.1","stream":true,"messages":[{"role":"user","content":"Hi"}],"x_probe":"kept"}"#,
            answer: ": keep-alive\n\n"
                + #"data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}],  "x_vendor":1}"# + "\n\n"
                + #"data:{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n"
                + "data: [DONE]\n\n",
            contentType: "text/event-stream"
        ),
        Case(
            family: "anthropic", path: "/v1/messages",
            body: #"{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Hi"}],"container":{"id":"c-1"}}"#,
            answer: "event: message_start\r\n"
                + #"data: {"type":"message_start","message":{"id":"msg_pt","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":1,"output_tokens":0}}}"# + "\r\n\r\n"
                + "event: content_block_start\r\n" + #"data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"# + "\r\n\r\n"
                + "event: ping\r\n" + #"data: {"type": "ping"}"# + "\r\n\r\n"
                + "event: content_block_delta\r\n" + #"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"# + "\r\n\r\n"
                + "event: content_block_stop\r\n" + #"data: {"type":"content_block_stop","index":0}"# + "\r\n\r\n"
                + "event: message_delta\r\n" + #"data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1}}"# + "\r\n\r\n"
                + "event: message_stop\r\n" + #"data: {"type":"message_stop"}"# + "\r\n\r\n",
            contentType: "text/event-stream"
        ),
        Case(
            family: "gemini", path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            body: #"{"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"safetySettings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_NONE"}],"x_probe":1}"#,
            answer: #"data: {"candidates": [{"content": {"parts": [{"text": "Hi"}],"role": "model"},"index": 0}],"modelVersion": "gemini-2.5-flash"}"# + "\r\n\r\n"
                + #"data: {"candidates": [{"content": {"parts": [{"text": " there"}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 1,"candidatesTokenCount": 2,"totalTokenCount": 3}}"# + "\r\n\r\n",
            contentType: "text/event-stream"
        ),
    ]

    /// What the fake upstream received.
    final class Received: Sendable {
        let requests = Mutex<[(path: String, headers: [(String, String)], body: String)]>([])
    }

    @Test(arguments: cases)
    func theBodyGoesUpAsSentAndTheAnswerComesBackAsWritten(_ testCase: Case) async throws {
        let received = Received()
        let router = Router()
        router.post("**") { request, _ in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let path = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
            received.requests.withLock { $0.append((path, request.headers.map { ($0.name.canonicalName, $0.value) }, body)) }
            return Response(status: .ok, headers: [.contentType: testCase.contentType], body: .init(byteBuffer: ByteBuffer(string: testCase.answer)))
        }
        let upstream = try await RunningServer.start(router: router)
        var configuration = ChimeraConfiguration()
        configuration.direct.maxRetries = 0
        configuration.providers[.openai]?.baseURL = upstream.baseURL.appending(path: "v1")
        for id in [ProviderID.openai, .anthropic, .gemini] {
            configuration.providers[id]?.apiKey = Secret("upstream-key-\(id.rawValue)")
            if id != .openai { configuration.providers[id]?.baseURL = upstream.baseURL }
        }
        let proxy = try await RunningProxy.start(configuration: configuration, port: 0)
        let outcome: (status: Int, body: String)
        do {
            outcome = try await Self.post(testCase, to: proxy.baseURL)
        } catch {
            try await proxy.shutdown()
            try await upstream.shutdown()
            throw error
        }
        try await proxy.shutdown()
        try await upstream.shutdown()

        #expect(outcome.status == 200, "\(outcome.body)")
        #expect(outcome.body == testCase.answer, "the caller got other bytes than the upstream wrote")
        let sent = try #require(received.requests.withLock { $0 }.first)
        #expect(sent.body == testCase.body, "the upstream got other bytes than the caller sent")
        // Headers the provider's protocol wants pass; the caller's credentials never do.
        let headers = Dictionary(sent.headers, uniquingKeysWith: { first, _ in first })
        if testCase.family == "anthropic" {
            #expect(headers["anthropic-beta"] == "pass-through-test")
            #expect(headers["x-api-key"] == "upstream-key-anthropic")
        }
        #expect(!sent.headers.contains { $0.1.contains("caller-secret") }, "\(sent.headers)")
    }

    private static func post(_ testCase: Case, to base: URL) async throws -> (status: Int, body: String) {
        try await withHTTPClient { client in
            let answer = try await exchange(
                client, URL(string: base.absoluteString + testCase.path)!, method: .POST,
                headers: [("anthropic-beta", "pass-through-test"), ("authorization", "Bearer caller-secret")],
                body: testCase.body, timeout: .seconds(30)
            )
            return (answer.status, answer.body)
        }
    }
}
