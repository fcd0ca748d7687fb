import Chimera
import ChimeraSimulator
import ChimeraTestSupport
import Foundation
import Testing

@Suite("Direct mode against the provider simulator")
struct DirectModeTests {
    static let streaming = [false, true]

    @Test(arguments: ProviderID.allCases, streaming)
    func answersWithTextFinishReasonAndUsage(provider: ProviderID, stream: Bool) async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator) { service in
                let response = try await answer(service, sampleRequest(provider, stream: stream))
                #expect(response.text.contains("Hello wörld 🌍 こんにちは friends"))
                #expect(response.text.contains(modelNames[provider]!))
                #expect(response.finishReason == .stop)
                #expect(response.usage?.inputTokens == 7)
                #expect(response.usage?.outputTokens == wordCount(response.text))
                #expect(response.usage?.totalTokens == 7 + wordCount(response.text))
                #expect(response.route == .direct)
                #expect(response.wireProtocol == .json)
            }
        }
    }

    @Test(arguments: ProviderID.allCases, streaming)
    func maxTokensEndsWithLength(provider: ProviderID, stream: Bool) async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator) { service in
                let response = try await answer(service, sampleRequest(provider, stream: stream, maxTokens: 3))
                #expect(response.finishReason == .length)
                #expect(response.usage?.outputTokens == 3)
                #expect(wordCount(response.text) == 3)
            }
        }
    }

    @Test(arguments: ProviderID.allCases)
    func awkwardChunkingGivesTheSameText(provider: ProviderID) async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator) { service in
                let plain = try await answer(service, sampleRequest(provider, stream: true))
                for switches in ["split=1", "split=2,crlf", "split=3", "split=7,crlf"] {
                    let split = try await answer(service, sampleRequest(provider, switches: switches, stream: true))
                    #expect(split.text == plain.text, "\(switches)")
                    #expect(split.usage == plain.usage, "\(switches)")
                    #expect(split.finishReason == plain.finishReason, "\(switches)")
                }
            }
        }
    }

    @Test(arguments: ProviderID.allCases)
    func listsModels(provider: ProviderID) async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator) { service in
                let models = try await service.listModels(provider)
                #expect(!models.isEmpty)
                #expect(models.allSatisfy { $0.provider == provider && !$0.id.isEmpty })
            }
        }
    }

    @Test func cursorWithoutBaseURLIsAClearConfigurationError() async throws {
        let service = LLMService(configuration: ChimeraConfiguration())
        let error = await #expect(throws: ChimeraError.self) {
            try await service.complete(sampleRequest(.cursor))
        }
        #expect(error?.kind == .configuration)
        #expect(error?.description.contains("CURSOR_BASE_URL") == true)
        try await service.shutdown()
    }

    @Test func missingKeyNamesTheVariable() async throws {
        let service = LLMService(configuration: ChimeraConfiguration())
        let error = await #expect(throws: ChimeraError.self) {
            try await service.complete(sampleRequest(.deepseek))
        }
        #expect(error?.kind == .configuration)
        #expect(error?.description.contains("DEEPSEEK_API_KEY") == true)
        try await service.shutdown()
    }

    @Test func invalidRequestIsRejectedBeforeSending() async throws {
        try await withSimulator { simulator in
            try await withDirectService(simulator) { service in
                var request = sampleRequest(.openai)
                request.temperature = 7
                let error = await #expect(throws: ChimeraError.self) { try await service.complete(request) }
                #expect(error?.kind == .invalidRequest)
                #expect(error?.message.hasPrefix("temperature") == true)
            }
        }
    }
}
