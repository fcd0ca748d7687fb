import AsyncHTTPClient
import Chimera
import ChimeraTestSupport
import ChimeraWire
import Foundation
import Testing

/// `chimera proxy`'s embeddings routes — OpenAI's `/v1/embeddings`, Gemini's `:embedContent` and
/// `:batchEmbedContents`, Connect's `Embed` — over loopback to the simulator.
@Suite("Embedding routes of chimera proxy")
struct EmbeddingRouteTests {
    @Test func openAIRouteAnswersBase64OrFloatAsAskedWithTheSameVectors() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                var vectors: [String: [[Float]]] = [:]
                for format in ["float", "base64"] {
                    let reply = try await rawRequest(transport, proxy.baseURL.appending(path: "v1/embeddings"), body: """
                        {"model":"text-embedding-3-small","input":["hello there","general kenobi"],"encoding_format":"\(format)"}
                        """)
                    #expect(reply.status == 200, "\(reply.body)")
                    #expect(reply.headers["x-chimera-route"].first == "direct")
                    let json = try JSONValue(parsing: Array(reply.body.utf8))
                    #expect(json["object"]?.string == "list")
                    #expect(json["usage"]?["prompt_tokens"]?.int == 4)
                    let data = json["data"]?.array ?? []
                    #expect(data.map { $0["index"]?.int } == [0, 1])
                    #expect(data.allSatisfy { $0["object"]?.string == "embedding" })
                    if format == "base64" { #expect(data.allSatisfy { $0["embedding"]?.string != nil }) }
                    vectors[format] = try OpenAIEmbeddingCodec(provider: .openai)
                        .decodeResponse(Array(reply.body.utf8), for: EmbeddingRequest(provider: .openai, model: "m", inputs: ["a", "b"]))
                        .embeddings.map(\.vector)
                }
                #expect(vectors["float"]?.first?.count == 1536)
                #expect(vectors["float"] == vectors["base64"])
            }
        }
    }

    @Test(arguments: ["v1beta", "v1"])
    func geminiRoutesAnswerInGeminiShape(_ version: String) async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let single = try await rawRequest(transport, proxy.baseURL.appending(path: "\(version)/models/gemini-embedding-001:embedContent"), body: """
                    {"content":{"parts":[{"text":"hello there"}]},"outputDimensionality":768}
                    """)
                #expect(single.status == 200, "\(single.body)")
                let one = try JSONValue(parsing: Array(single.body.utf8))
                #expect(one["embedding"]?["values"]?.array?.count == 768)

                let batch = try await rawRequest(transport, proxy.baseURL.appending(path: "\(version)/models/gemini-embedding-001:batchEmbedContents"), body: """
                    {"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"hello there"}]},"outputDimensionality":768},
                                 {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"general kenobi"}]},"outputDimensionality":768}]}
                    """)
                #expect(batch.status == 200, "\(batch.body)")
                let two = try JSONValue(parsing: Array(batch.body.utf8))
                let embeddings = two["embeddings"]?.array ?? []
                #expect(embeddings.count == 2)
                #expect(embeddings.first?["values"] == one["embedding"]?["values"])
            }
        }
    }

    @Test func aGeminiCallerReachesAnOpenAIUpstream() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let reply = try await rawRequest(transport, proxy.baseURL.appending(path: "openai-custom/v1beta/models/text-embedding-3-small:batchEmbedContents"), body: """
                    {"requests":[{"content":{"parts":[{"text":"cross family"}]},"taskType":"RETRIEVAL_DOCUMENT"}]}
                    """)
                #expect(reply.status == 200, "\(reply.body)")
                #expect(reply.headers["chimera-dropped-fields"].first == "task_type")
                let json = try JSONValue(parsing: Array(reply.body.utf8))
                #expect(json["embeddings"]?.array?.first?["values"]?.array?.count == 1536)
            }
        }
    }

    @Test func providersWithoutEmbeddingsAreRefusedInTheCallersShape() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let openAI = try await rawRequest(transport, proxy.baseURL.appending(path: "claude-custom/v1/embeddings"), body: #"{"model":"m","input":"hi"}"#)
                #expect(openAI.status == 400)
                let openAIError = try JSONValue(parsing: Array(openAI.body.utf8))["error"]
                #expect(openAIError?["type"]?.string == "invalid_request_error")
                #expect(openAIError?["message"]?.string?.contains("anthropic has no embeddings API; providers with embeddings: openai, gemini, qwen") == true)

                let gemini = try await rawRequest(
                    transport, proxy.baseURL.appending(path: "v1beta/models/m:embedContent"), headers: [("Model-Provider", "openai-custom-deepseek")],
                    body: #"{"content":{"parts":[{"text":"hi"}]}}"#
                )
                #expect(gemini.status == 400)
                let geminiError = try JSONValue(parsing: Array(gemini.body.utf8))["error"]
                #expect(geminiError?["status"]?.string == "INVALID_ARGUMENT")
                #expect(geminiError?["message"]?.string?.contains("deepseek has no embeddings API") == true)

                let message = Chimera_Proxy_V1_EmbedRequest(EmbeddingRequest(provider: .cursor, model: "m", inputs: ["hi"]))
                let connect = try await connectCall(transport, proxy, .embed, body: try message.protobufData())
                #expect(connect.status == 400)
                let connectError = ChimeraError(connectStatus: connect.status, body: connect.body, provider: nil)
                #expect(connectError.kind == .invalidRequest)
                #expect(connectError.message.contains("cursor has no embeddings API"))
            }
        }
    }

    @Test(arguments: [
        ("v1/embeddings", #"{"model":"text-embedding-3-small","input":[]}"#, "input: needs at least one text"),
        ("v1/embeddings", #"{"model":"text-embedding-3-small","input":[1,2,3]}"#, "input: token ids are not accepted"),
        ("v1/embeddings", #"{"model":"text-embedding-3-small","input":"a","dimensions":0}"#, "dimensions: 0 is out of range"),
        ("v1/embeddings", #"{"model":"text-embedding-3-small","input":"a","encoding_format":"hex"}"#, "encoding_format: \"hex\" is not an encoding; accepted: float, base64"),
        ("v1/embeddings", #"{"input":"a"}"#, "model: required"),
        ("v1beta/models/gemini-embedding-001:embedContent", #"{"content":{"parts":[{"text":"a"}]},"outputDimensionality":-1}"#, "outputDimensionality: -1 is out of range"),
        ("v1beta/models/gemini-embedding-001:batchEmbedContents", #"{"requests":[]}"#, "input: needs at least one text"),
        ("v1beta/models/gemini-embedding-001:batchEmbedContents",
         #"{"requests":[{"content":{"parts":[{"text":"a"}]}},{"content":{"parts":[{"text":"b"}]},"outputDimensionality":8}]}"#,
         "requests[1].outputDimensionality: must be the same in every request of a batch"),
    ])
    func badRequestsAreRefusedNamingTheField(_ path: String, _ body: String, _ message: String) async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let reply = try await rawRequest(transport, proxy.baseURL.appending(path: path), body: body)
                #expect(reply.status == 400)
                let error = try JSONValue(parsing: Array(reply.body.utf8))["error"]
                #expect(error?["message"]?.string?.contains(message) == true, "\(reply.body)")
                #expect(proxy.simulator.stats.totalRequests == 0)
            }
        }
    }

    @Test func tooManyInputsAreRefusedBeforeTheUpstream() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let inputs = Array(repeating: #""a""#, count: 2049).joined(separator: ",")
                let reply = try await rawRequest(transport, proxy.baseURL.appending(path: "v1/embeddings"), body: #"{"model":"text-embedding-3-small","input":[\#(inputs)]}"#)
                #expect(reply.status == 400)
                #expect(reply.body.contains("input: 2049 texts are more than OpenAI embeds in one request; accepted: 1 to 2048"))
                #expect(proxy.simulator.stats.totalRequests == 0)
            }
        }
    }

    @Test func theEmbedCallCarriesPackedFloats() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let request = EmbeddingRequest(provider: .openai, model: "text-embedding-3-small", inputs: ["packed floats"], dimensions: 512)
                let reply = try await connectCall(transport, proxy, .embed, prefix: "openai-custom", body: try request.protobufData())
                #expect(reply.status == 200)
                #expect(reply.contentType == "application/proto")
                let answer = try EmbeddingResponse(protobuf: reply.body)
                #expect(answer.embeddings.first?.vector.count == 512)
                // 512 floats packed are 2,048 bytes; the rest is the model, the usage and the framing.
                #expect(reply.body.count < 2_048 + 100)
            }
        }
    }
}
