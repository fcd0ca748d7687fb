import ChimeraSimulator
import ChimeraTestSupport
import Foundation
import Testing

@Suite("Embeddings")
struct EmbeddingTests {
    private func vector(_ tree: JSONTree) -> [Double] {
        tree.array?.compactMap(\.double) ?? []
    }

    private func length(_ vector: [Double]) -> Double {
        vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    private func cosine(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (length(a) * length(b))
    }

    @Test func openAIEmbeddingsAreUnitVectorsOfTheModelsSizeAndDeterministic() async throws {
        try await withSimulator { simulator in
            let request = #"{"model":"text-embedding-3-small","input":["the cat sat","the cat sat","stock prices fell sharply"]}"#
            let body = try await post(.embeddings, request, to: simulator).json()
            #expect(body["object"].string == "list")
            #expect(body["model"].string == "text-embedding-3-small")
            #expect(body["data"].array?.map { $0["index"].int } == [0, 1, 2])
            #expect(body["data"][0]["object"].string == "embedding")
            let vectors = (0..<3).map { vector(body["data"][$0]["embedding"]) }
            #expect(vectors.allSatisfy { $0.count == 1536 && abs(length($0) - 1) < 1e-4 })
            #expect(vectors[0] == vectors[1])
            #expect(cosine(vectors[0], vectors[2]) < 0.5)
            #expect(body["usage"]["prompt_tokens"].int == 10)
            #expect(body["usage"]["total_tokens"].int == 10)
            let again = try await post(.embeddings, request, to: simulator).json()
            #expect(vector(again["data"][2]["embedding"]) == vectors[2])
        }
    }

    @Test func textsThatShareWordsPointAlike() async throws {
        try await withSimulator { simulator in
            let body = try await post(.embeddings, #"{"model":"text-embedding-3-small","input":["red apple pie","red apple tart","quantum field theory"]}"#, to: simulator).json()
            let vectors = (0..<3).map { vector(body["data"][$0]["embedding"]) }
            #expect(cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]))
        }
    }

    @Test func dimensionsTruncateAndRenormaliseAndBase64IsLittleEndianFloat32() async throws {
        try await withSimulator { simulator in
            let full = vector(try await post(.embeddings, #"{"model":"text-embedding-3-large","input":"hello world"}"#, to: simulator).json()["data"][0]["embedding"])
            #expect(full.count == 3072)
            let short = vector(try await post(.embeddings, #"{"model":"text-embedding-3-large","input":"hello world","dimensions":256}"#, to: simulator).json()["data"][0]["embedding"])
            #expect(short.count == 256)
            #expect(abs(length(short) - 1) < 1e-4)
            let scale = length(Array(full.prefix(256)))
            #expect(zip(short, full.prefix(256)).allSatisfy { abs($0 - $1 / scale) < 1e-5 })

            let encoded = try await post(.embeddings, #"{"model":"text-embedding-3-large","input":"hello world","dimensions":256,"encoding_format":"base64"}"#, to: simulator).json()
            let data = try #require(Data(base64Encoded: encoded["data"][0]["embedding"].string ?? ""))
            #expect(data.count == 256 * 4)
            let floats = stride(from: 0, to: data.count, by: 4).map { offset in
                Float(bitPattern: data[offset..<offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            }
            #expect(zip(floats, short).allSatisfy { abs(Double($0) - $1) < 1e-6 })
        }
    }

    @Test func tokenArraysAreEmbeddedToo() async throws {
        try await withSimulator { simulator in
            let body = try await post(.embeddings, #"{"model":"text-embedding-3-small","input":[[1,2,3],[4]]}"#, to: simulator).json()
            #expect(body["data"].array?.count == 2)
            #expect(body["usage"]["prompt_tokens"].int == 4)
        }
    }

    @Test func qwenEmbeddingsHaveTheirSizeAndAnID() async throws {
        try await withSimulator { simulator in
            let body = try await post(.embeddings, #"{"model":"text-embedding-v3","input":"hello"}"#, to: simulator).json()
            #expect(vector(body["data"][0]["embedding"]).count == 1024)
            #expect(body["id"].string?.isEmpty == false)
            #expect(simulator.stats.requests(for: .qwen) == 1)
        }
    }

    @Test func badEmbeddingRequestsAreRefusedInTheirProtocolsShape() async throws {
        try await withSimulator { simulator in
            let empty = try await post(.embeddings, #"{"model":"text-embedding-3-small","input":""}"#, to: simulator)
            #expect(empty.status == 400)
            #expect(try empty.json()["error"]["param"].string == "input")
            let tooLong = try await post(.embeddings, #"{"model":"text-embedding-3-small","input":"hi","dimensions":5000}"#, to: simulator)
            #expect(tooLong.status == 400)
            #expect(try tooLong.json()["error"]["param"].string == "dimensions")
            let deepSeek = try await post(.embeddings, #"{"model":"deepseek-chat","input":"hi"}"#, to: simulator)
            #expect(deepSeek.status == 404)
            #expect(try deepSeek.json()["error"]["code"].string == "model_not_found")
            let anthropic = try await post(.embeddings, #"{"model":"claude-sonnet-4-5","input":"hi"}"#, to: simulator, headers: Endpoint.anthropicMessages.credentials, authenticated: false)
            #expect(anthropic.status == 404)
            let error = try anthropic.json()
            #expect(error["type"].string == "error")
            #expect(error["error"]["type"].string == "not_found_error")
            let anonymous = try await post(.embeddings, #"{"model":"text-embedding-3-small","input":"hi"}"#, to: simulator, authenticated: false)
            #expect(anonymous.status == 401)
        }
    }

    @Test func faultSwitchesInTheModelApplyToEmbeddings() async throws {
        try await withSimulator { simulator in
            let request = #"{"model":"text-embedding-3-small@status=503,fail=1","input":"hi"}"#
            #expect(try await post(.embeddings, request, to: simulator).status == 503)
            #expect(try await post(.embeddings, request, to: simulator).status == 200)
            let gemini = try await post(.gemini(model: "text-embedding-004@status=500", method: "embedContent"), #"{"content":{"parts":[{"text":"hi"}]}}"#, to: simulator)
            #expect(gemini.status == 500)
            #expect(try gemini.json()["error"]["status"].string == "INTERNAL")
        }
    }

    @Test(arguments: ["v1beta", "v1"])
    func geminiEmbedContentAndBatchEmbedContents(version: String) async throws {
        try await withSimulator { simulator in
            let single = try await post(
                .gemini(model: "text-embedding-004", method: "embedContent", version: version),
                #"{"model":"models/text-embedding-004","content":{"parts":[{"text":"hello world"}]},"taskType":"RETRIEVAL_QUERY"}"#,
                to: simulator
            )
            #expect(single.status == 200)
            let values = vector(try single.json()["embedding"]["values"])
            #expect(values.count == 768)
            #expect(abs(length(values) - 1) < 1e-4)

            let batch = try await post(
                .gemini(model: "gemini-embedding-001", method: "batchEmbedContents", version: version),
                #"{"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"hello world"}]}},{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"hello world"}]},"outputDimensionality":768}]}"#,
                to: simulator
            ).json()
            let embeddings = try #require(batch["embeddings"].array)
            #expect(embeddings.map { vector($0["values"]).count } == [3072, 768])
            let empty = try await post(.gemini(model: "text-embedding-004", method: "embedContent", version: version), #"{"content":{"parts":[]}}"#, to: simulator)
            #expect(empty.status == 400)
            try expectInvalidRequest(.gemini, empty.json())
        }
    }
}
