import Chimera
import ChimeraSimulator
import ChimeraTestSupport
import Foundation
import Testing

/// Runs `body` with a direct-mode service whose providers all point at `simulator`.
func withDirectService<Result>(
    _ simulator: RunningSimulator,
    maxRetries: Int = 2,
    timeouts: Timeouts = Timeouts(connect: .seconds(2), request: .seconds(10), streamIdle: .seconds(10)),
    _ body: (LLMService) async throws -> Result
) async throws -> Result {
    var configuration = ChimeraConfiguration(direct: DirectConfiguration(timeouts: timeouts, maxRetries: maxRetries))
    for id in ProviderID.allCases {
        configuration.providers[id]?.baseURL = simulator.baseURL(for: id)
        configuration.providers[id]?.apiKey = Secret("test-key-\(id)")
    }
    let service = LLMService(configuration: configuration)
    do {
        let result = try await body(service)
        try await service.shutdown()
        return result
    } catch {
        try await service.shutdown()
        throw error
    }
}

/// A request with a Unicode prompt, so text survives every codec and chunking.
func sampleRequest(_ provider: ProviderID, switches: String? = nil, stream: Bool = false, maxTokens: Int? = nil, stop: [String] = []) -> ChatRequest {
    let model = modelNames[provider]! + (switches.map { "@\($0)" } ?? "")
    return ChatRequest(
        provider: provider, model: model,
        messages: [.system("Be brief."), .user("Hello wörld 🌍 こんにちは friends")],
        maxTokens: maxTokens, stopSequences: stop, stream: stream
    )
}

/// Sends `request` unary or streamed, and gives the assembled answer either way.
func answer(_ service: LLMService, _ request: ChatRequest) async throws -> ChatResponse {
    if request.stream {
        return try await service.stream(request).collect(id: "stream", provider: request.provider, model: request.model)
    }
    return try await service.complete(request)
}

/// The number of whitespace-separated words, the simulator's unit of usage.
func wordCount(_ text: String) -> Int {
    text.split(whereSeparator: \.isWhitespace).count
}
