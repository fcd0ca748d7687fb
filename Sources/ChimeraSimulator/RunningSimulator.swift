public import ChimeraCore
import ChimeraServerSupport
public import Foundation

/// A running ``ProviderSimulator``: where it listens, what it has seen, and how to stop it.
public struct RunningSimulator: Sendable {
    private let server: RunningServer
    private let state: SimulatorState

    init(server: RunningServer, state: SimulatorState) {
        self.server = server
        self.state = state
    }

    /// The host the simulator listens on.
    public var host: String { server.host }

    /// The port the simulator listens on.
    public var port: Int { server.port }

    /// The value to put in `<PROVIDER>_BASE_URL` to send a provider's traffic here.
    ///
    /// It has the meaning the providers' SDKs give it: OpenAI-compatible providers (OpenAI,
    /// DeepSeek, Qwen, Cursor) get `http://<host>:<port>/v1`, to which clients append
    /// `/chat/completions` and `/models`; Anthropic and Gemini get `http://<host>:<port>`, to
    /// which clients append `/v1/messages` and `/v1beta/models/…`.
    public func baseURL(for provider: ProviderID) -> URL {
        switch provider.family {
        case .openAIChat, .openAIResponses: server.baseURL.appendingPathComponent("v1")
        case .anthropicMessages, .geminiGenerateContent: server.baseURL
        }
    }

    /// `configuration` with every provider's base URL pointed here and a simulated key, so
    /// Chimera runs end to end offline (`chimera proxy --simulate`, `chimera demo`, tests).
    public func configuring(_ configuration: ChimeraConfiguration) -> ChimeraConfiguration {
        var configured = configuration
        for id in ProviderID.allCases {
            configured.providers[id]?.baseURL = baseURL(for: id)
            configured.providers[id]?.apiKey = Secret("simulated-key")
        }
        return configured
    }

    /// What the simulator has seen since it started or since ``resetStats()``.
    public var stats: SimulatorStats { state.snapshot }

    /// The newest requests the simulator received, oldest first (at most 200 are kept).
    ///
    /// The same as `GET /_simulator/requests?limit=<limit>`; see ``RecordedRequest``.
    public func recordedRequests(limit: Int = 20) -> [RecordedRequest] {
        state.requests.newest(limit)
    }

    /// Forgets the recorded requests, like `DELETE /_simulator/requests`.
    public func clearRecordedRequests() {
        state.requests.clear()
    }

    /// Clears the statistics and the `fail=` counters.
    ///
    /// Accepted connections count from zero again; open connections are unaffected.
    public func resetStats() { state.reset() }

    /// Stops the simulator gracefully and returns once it has stopped.
    ///
    /// Requests in flight finish; stalls and pauses end early.
    ///
    /// - Throws: The error the server failed with while running.
    public func shutdown() async throws {
        try await server.shutdown()
    }
}
