import Chimera
import ChimeraSimulator
import ChimeraTestSupport
import Foundation
import Testing

/// `LLMService.embed` in direct mode, against the simulator's embeddings APIs over loopback.
@Suite("Embeddings, direct mode")
struct EmbeddingDirectTests {
    @Test func openAIEmbedsABatchInInputOrder() async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator) { service in
                let answer = try await service.embed(EmbeddingRequest(provider: .openai, model: "text-embedding-3-small", inputs: ["alpha beta", "gamma", "alpha beta"]))
                #expect(answer.embeddings.map(\.index) == [0, 1, 2])
                #expect(answer.embeddings.allSatisfy { $0.vector.count == 1536 })
                #expect(answer.embeddings[0].vector == answer.embeddings[2].vector)
                #expect(answer.embeddings[0].vector != answer.embeddings[1].vector)
                #expect(abs(length(answer.embeddings[1].vector) - 1) < 1e-4)
                // The simulator counts words as tokens.
                #expect(answer.usage?.inputTokens == 5)
                #expect(answer.route == .direct)
                #expect(simulator.recordedRequests(limit: 1).first?.path == "/v1/embeddings")
            }
        }
    }

    @Test(arguments: [ProviderID.openai, .qwen])
    func base64AndFloatGiveTheSameVectors(_ provider: ProviderID) async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator) { service in
                let model = provider == .qwen ? "text-embedding-v3" : "text-embedding-3-small"
                var request = EmbeddingRequest(provider: provider, model: model, inputs: ["the quick brown fox", "jumps over"], encoding: .float)
                let floats = try await service.embed(request)
                request.encoding = .base64
                let base64 = try await service.embed(request)
                #expect(floats.embeddings == base64.embeddings)
                // DashScope documents only float, so Qwen is always asked for it.
                let sent = simulator.recordedRequests(limit: 1).first?.body ?? ""
                #expect(sent.contains(#""encoding_format":"\#(provider == .qwen ? "float" : "base64")""#))
            }
        }
    }

    @Test(arguments: [
        (ProviderID.openai, "text-embedding-3-large", 256),
        (.gemini, "gemini-embedding-001", 768),
        (.qwen, "text-embedding-v4", 512),
    ])
    func dimensionsShortenTheVectors(_ provider: ProviderID, _ model: String, _ dimensions: Int) async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator) { service in
                let answer = try await service.embed(EmbeddingRequest(provider: provider, model: model, inputs: ["shorter vectors please", "and again"], dimensions: dimensions))
                #expect(answer.embeddings.map(\.vector.count) == [dimensions, dimensions])
            }
        }
    }

    @Test func geminiSendsOneTextToEmbedContentAndSeveralToBatchEmbedContents() async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator) { service in
                let one = try await service.embed(EmbeddingRequest(provider: .gemini, model: "text-embedding-004", inputs: ["one text"], taskType: "RETRIEVAL_QUERY"))
                #expect(simulator.recordedRequests(limit: 1).first?.path == "/v1beta/models/text-embedding-004:embedContent")
                #expect(simulator.recordedRequests(limit: 1).first?.body.contains(#""taskType":"RETRIEVAL_QUERY""#) == true)
                let two = try await service.embed(EmbeddingRequest(provider: .gemini, model: "text-embedding-004", inputs: ["one text", "two texts"], user: "u-1"))
                #expect(simulator.recordedRequests(limit: 1).first?.path == "/v1beta/models/text-embedding-004:batchEmbedContents")
                #expect(one.embeddings[0].vector.count == 768)
                #expect(two.embeddings[0].vector == one.embeddings[0].vector)
                #expect(two.usage == nil)
                #expect(two.droppedFields == ["user"])
            }
        }
    }

    @Test(arguments: [ProviderID.anthropic, .deepseek, .cursor])
    func providersWithoutEmbeddingsAreRefusedBeforeAnythingIsSent(_ provider: ProviderID) async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator) { service in
                let error = await #expect(throws: ChimeraError.self) {
                    try await service.embed(EmbeddingRequest(provider: provider, model: "any-model", inputs: ["hello"]))
                }
                #expect(error?.kind == .invalidRequest)
                #expect(error?.httpStatus == 400)
                #expect(error?.message.contains("\(provider) has no embeddings API; providers with embeddings: openai, gemini, qwen, or any OpenAI-compatible base URL") == true)
                #expect(simulator.stats.totalRequests == 0)
            }
        }
    }

    @Test(arguments: [
        (EmbeddingRequest(provider: .openai, model: "text-embedding-3-small", inputs: []), "input: needs at least one text"),
        (EmbeddingRequest(provider: .openai, model: "text-embedding-3-small", inputs: ["a", ""]), "input[1]: must not be empty"),
        (EmbeddingRequest(provider: .qwen, model: "text-embedding-v3", inputs: Array(repeating: "a", count: 26)), "input: 26 texts are more than Qwen embeds in one request; accepted: 1 to 25"),
        (EmbeddingRequest(provider: .gemini, model: "gemini-embedding-001", inputs: ["a"], dimensions: 0), "dimensions: 0 is out of range"),
        (EmbeddingRequest(provider: .openai, model: "", inputs: ["a"]), "model: must not be empty"),
    ])
    func badRequestsNameTheField(_ request: EmbeddingRequest, _ message: String) async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator) { service in
                let error = await #expect(throws: ChimeraError.self) { try await service.embed(request) }
                #expect(error?.httpStatus == 400)
                #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
                #expect(simulator.stats.totalRequests == 0)
            }
        }
    }

    @Test func theProvidersOwnRefusalKeepsItsStatusAndMessage() async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator) { service in
                let error = await #expect(throws: ChimeraError.self) {
                    try await service.embed(EmbeddingRequest(provider: .openai, model: "text-embedding-ada-002", inputs: ["a"], dimensions: 256))
                }
                #expect(error?.status == 400)
                #expect(error?.upstreamMessage == "This model does not support specifying dimensions.")
            }
        }
    }

    private func length(_ vector: [Float]) -> Float {
        vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
}
