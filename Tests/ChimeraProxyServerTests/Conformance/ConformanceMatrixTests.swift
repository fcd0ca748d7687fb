import Chimera
import ChimeraTestSupport
import Foundation
import Testing

/// The conformance matrix (issue 14): every inbound protocol × every upstream provider × every
/// feature, through a real `chimera proxy` (or, for the library, straight to the provider) in
/// front of the simulator, over loopback. Every cell must pass or be a named refusal.
///
/// The matrix is `docs/conformance.md`, which this test writes and then holds to: run
/// `CHIMERA_WRITE_CONFORMANCE=1 swift test --filter ConformanceMatrixTests` to regenerate it;
/// without the variable the test fails when the file no longer says what the code does.
@Suite("Conformance matrix")
struct ConformanceMatrixTests {
    /// The ways a request reaches an upstream.
    enum Inbound: CaseIterable {
        case openAIChat, openAIResponses, anthropicMessages, gemini, connect, library

        var title: String {
            switch self {
            case .openAIChat: "OpenAI Chat Completions"
            case .openAIResponses: "OpenAI Responses"
            case .anthropicMessages: "Anthropic Messages"
            case .gemini: "Gemini generateContent"
            case .connect: "Connect (protobuf)"
            case .library: "Library (direct)"
            }
        }

        var route: String {
            switch self {
            case .openAIChat: "`POST /<route>/v1/chat/completions` on `chimera proxy`"
            case .openAIResponses: "`POST /<route>/v1/responses` on `chimera proxy`"
            case .anthropicMessages: "`POST /<route>/v1/messages` on `chimera proxy`"
            case .gemini: "`POST /<route>/v1beta/models/{model}:generateContent` on `chimera proxy`"
            case .connect: "`chimera.proxy.v1.ProxyService` on `chimera proxy` (`PROXY_PROTOCOL=protobuf`)"
            case .library: "`LLMService` in direct mode, no proxy"
            }
        }

        /// The provider whose protocol a JSON caller speaks; `nil` when the request names the upstream itself.
        var callerProvider: ProviderID? {
            switch self {
            case .openAIChat, .openAIResponses: .openai
            case .anthropicMessages: .anthropic
            case .gemini: .gemini
            case .connect, .library: nil
            }
        }
    }

    static let upstreams = ProviderID.allCases

    @Test func everyCellPassesOrIsANamedRefusalAndTheDocumentSaysSo() async throws {
        let proxy = try await SimulatedProxy.start()
        var results: [Inbound: [ProviderID: [ConformanceFeature: ConformanceFeature.Outcome]]] = [:]
        do {
            for inbound in Inbound.allCases {
                for upstream in Self.upstreams {
                    let (service, requestProvider) = Self.service(inbound, upstream: upstream, proxy: proxy)
                    let cell = ConformanceFeature.Cell(
                        service: service, requestProvider: requestProvider, upstream: upstream,
                        callerFamily: inbound == .openAIResponses ? .openAIResponses : (inbound.callerProvider ?? upstream).family,
                        callerName: inbound.title, simulator: proxy.simulator
                    )
                    for feature in ConformanceFeature.allCases {
                        results[inbound, default: [:]][upstream, default: [:]][feature] = await feature.run(in: cell)
                    }
                    try await service.shutdown()
                }
            }
        } catch {
            try await proxy.shutdown()
            throw error
        }
        try await proxy.shutdown()

        for (inbound, byUpstream) in results {
            for (upstream, byFeature) in byUpstream {
                for (feature, outcome) in byFeature {
                    if case .failed(let why) = outcome {
                        Issue.record("\(inbound.title) → \(upstream.displayName), \(feature.rawValue): \(why)")
                    }
                }
            }
        }
        let document = Self.render(results)
        // The file's embeddings part is EmbeddingConformanceTests'; this test keeps it as it is.
        let committed = try ConformanceDocument.committed()
        if ConformanceDocument.writes {
            try (document + committed.embeddings).write(to: ConformanceDocument.url, atomically: true, encoding: .utf8)
        } else {
            #expect(committed.chat == document, "docs/conformance.md is out of date: run CHIMERA_WRITE_CONFORMANCE=1 swift test --filter ConformanceMatrixTests")
        }
    }

    /// The service a caller of `inbound` uses to reach `upstream`, and the provider its requests name.
    static func service(_ inbound: Inbound, upstream: ProviderID, proxy: SimulatedProxy) -> (LLMService, ProviderID) {
        switch inbound {
        case .library:
            var configuration = proxy.simulator.configuring(ChimeraConfiguration())
            configuration.direct.maxRetries = 0
            return (LLMService(configuration: configuration), upstream)
        case .connect:
            return (LLMService(configuration: proxyMode(proxy, .protobuf)), upstream)
        case .openAIChat, .openAIResponses, .anthropicMessages, .gemini:
            // The caller speaks its own family; the path prefix sends it to the upstream.
            let caller = inbound.callerProvider!
            var configuration = proxyMode(proxy, .json)
            configuration.providers[caller]?.proxyRoute = upstream.rawValue
            if inbound == .openAIResponses { configuration.providers[caller]?.wireAPI = .responses }
            return (LLMService(configuration: configuration), caller)
        }
    }

    private static func proxyMode(_ proxy: SimulatedProxy, _ wireProtocol: ProxyProtocolPreference) -> ChimeraConfiguration {
        var configuration = ChimeraConfiguration(connectionMode: .proxy)
        configuration.proxy.serverURL = proxy.baseURL
        configuration.proxy.wireProtocol = wireProtocol
        configuration.proxy.maxRetries = 0
        return configuration
    }

    /// The matrix as Markdown: one table per inbound protocol, refusals and limits as numbered notes.
    static func render(_ results: [Inbound: [ProviderID: [ConformanceFeature: ConformanceFeature.Outcome]]]) -> String {
        var text = """
            # Conformance matrix

            Generated by `ConformanceMatrixTests` (Tests/ChimeraProxyServerTests/Conformance): every cell is a
            request over loopback through `chimera proxy` (or the library alone) to the provider simulator,
            whose answer is read back in the caller's protocol and checked — the reply quotes the tool
            result, the arguments follow the schema, the simulator accepts the thinking signature sent
            back. Regenerate with `CHIMERA_WRITE_CONFORMANCE=1 swift test --filter ConformanceMatrixTests`;
            the test fails when this file no longer matches the code.

            ✓ passes · **R***n* refused with a 400 naming what cannot be sent (note *n*) · **L***n* not
            expressible in the caller's protocol (note *n*). A failing cell fails the test, so none is shown.


            """
        for inbound in Inbound.allCases {
            var notes: [String] = []
            text += "## \(inbound.title)\n\n\(inbound.route)\n\n"
            text += "| feature | " + upstreams.map(\.displayName).joined(separator: " | ") + " |\n"
            text += "|---|" + upstreams.map { _ in "---|" }.joined() + "\n"
            for feature in ConformanceFeature.allCases {
                let cells = upstreams.map { upstream -> String in
                    switch results[inbound]?[upstream]?[feature] {
                    case .passed?: return "✓"
                    case .refused(let why)?: return "**R\(note(why, in: &notes))**"
                    case .notExpressible(let why)?: return "**L\(note(why, in: &notes))**"
                    case .failed?: return "✗"
                    case nil: return "?"
                    }
                }
                text += "| \(feature.rawValue) | " + cells.joined(separator: " | ") + " |\n"
            }
            if !notes.isEmpty {
                text += "\n" + notes.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n") + "\n"
            }
            text += "\n"
        }
        return text
    }

    /// The number of `why` among the notes, added when new.
    private static func note(_ why: String, in notes: inout [String]) -> Int {
        let line = why.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        if let index = notes.firstIndex(of: line) { return index + 1 }
        notes.append(line)
        return notes.count
    }
}
