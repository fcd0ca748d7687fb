import ChimeraCore
import ChimeraSimulator

/// Runs `body` with a provider simulator on a free loopback port, and stops it after whatever
/// happens.
@discardableResult
public func withSimulator<Result>(_ body: (RunningSimulator) async throws -> Result) async throws -> Result {
    let simulator = try await ProviderSimulator.start()
    do {
        let result = try await body(simulator)
        try await simulator.shutdown()
        return result
    } catch {
        try await simulator.shutdown()
        throw error
    }
}

/// A realistic model id per provider (the simulator gives DeepSeek's and Qwen's quirks to models
/// named after them).
public let modelNames: [ProviderID: String] = [
    .openai: "gpt-4.1", .anthropic: "claude-sonnet-4-5", .gemini: "gemini-2.5-flash",
    .deepseek: "deepseek-chat", .qwen: "qwen-plus", .cursor: "cursor-small",
]
