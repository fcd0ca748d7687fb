import AsyncHTTPClient
import Chimera
import ChimeraAPIServer
import ChimeraTestSupport
import ChimeraWire
import Foundation
import Testing

/// `POST /v1/embeddings` of `chimera serve`, over loopback, in direct mode and in proxy mode
/// (through `chimera proxy` in JSON and in protobuf) to the simulator.
@Suite("Embeddings route of chimera serve")
struct EmbeddingsRouteTests {
    enum Mode: CaseIterable { case direct, proxyJSON, proxyProtobuf }

    /// Runs `body` with a `chimera serve` in `mode` and an HTTP client.
    private func withServe(_ mode: Mode, _ body: (URL, HTTPClient) async throws -> Void) async throws {
        let proxy = try await startProxy()
        let configuration: ChimeraConfiguration
        switch mode {
        case .direct:
            configuration = directConfiguration(proxy.simulator)
        case .proxyJSON, .proxyProtobuf:
            var proxied = proxyConfiguration(proxy.baseURL)
            proxied.proxy.wireProtocol = mode == .proxyJSON ? .json : .protobuf
            configuration = proxied
        }
        let server = try await RunningAPIServer.start(configuration: configuration, port: 0)
        do {
            try await withHTTPClient { client in try await body(server.baseURL, client) }
            try await server.shutdown()
            try await proxy.shutdown()
        } catch {
            try await server.shutdown()
            try await proxy.shutdown()
            throw error
        }
    }

    private func vectors(_ body: String) throws -> [[Float]] {
        let count = try JSONValue(parsing: Array(body.utf8))["data"]?.array?.count ?? 0
        return try OpenAIEmbeddingCodec(provider: .openai)
            .decodeResponse(Array(body.utf8), for: EmbeddingRequest(provider: .openai, model: "m", inputs: Array(repeating: "x", count: count)))
            .embeddings.map(\.vector)
    }

    @Test(arguments: Mode.allCases)
    func theModelNamesTheProviderAndBothEncodingsAgree(_ mode: Mode) async throws {
        try await withServe(mode) { url, client in
            var answers: [[[Float]]] = []
            for (model, format) in [("openai/text-embedding-3-small", "float"), ("openai/text-embedding-3-small", "base64"), ("gemini/text-embedding-004", "base64")] {
                let reply = try await exchange(client, url.appending(path: "v1/embeddings"), method: .POST, body: """
                    {"model":"\(model)","input":["serve embeds","through any mode"],"encoding_format":"\(format)"}
                    """)
                #expect(reply.status == 200, "\(reply.body)")
                #expect(reply.headers["x-chimera-protocol"].first == (mode == .proxyProtobuf ? "protobuf" : "json"))
                answers.append(try vectors(reply.body))
            }
            #expect(answers[0].map(\.count) == [1536, 1536])
            #expect(answers[0] == answers[1])
            #expect(answers[2].map(\.count) == [768, 768])
        }
    }

    @Test func providersWithoutEmbeddingsAndUnnamedProvidersAreRefused() async throws {
        try await withServe(.direct) { url, client in
            let anthropic = try await exchange(client, url.appending(path: "v1/embeddings"), method: .POST, body: #"{"model":"anthropic/claude-sonnet-4-5","input":"hi"}"#)
            #expect(anthropic.status == 400)
            #expect(anthropic.body.contains("anthropic has no embeddings API; providers with embeddings: openai, gemini, qwen"))
            let unnamed = try await exchange(client, url.appending(path: "v1/embeddings"), method: .POST, body: #"{"model":"text-embedding-3-small","input":"hi"}"#)
            #expect(unnamed.status == 400)
            #expect(unnamed.body.contains("names no provider; write it as <provider>/<model>"))
            let dimensions = try await exchange(client, url.appending(path: "v1/embeddings"), method: .POST, body: #"{"model":"qwen/text-embedding-v3","input":"hi","dimensions":-4}"#)
            #expect(dimensions.status == 400)
            #expect(dimensions.body.contains("dimensions: -4 is out of range"))
        }
    }
}
