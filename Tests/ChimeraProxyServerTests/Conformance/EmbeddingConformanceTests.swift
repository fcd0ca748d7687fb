import AsyncHTTPClient
import Chimera
import ChimeraTestSupport
import ChimeraTransport
import ChimeraWire
import Foundation
import Testing

/// The embeddings table of `docs/conformance.md`: every entry point × every provider, through a
/// real `chimera proxy` (or the library alone) in front of the simulator, over loopback. A cell
/// passes when the vectors that come back equal the ones the library gets directly (two inputs,
/// 256 dimensions asked for), or is the named refusal of a provider without embeddings.
///
/// Run `CHIMERA_WRITE_CONFORMANCE=1 swift test --filter EmbeddingConformanceTests` to regenerate
/// the table; without the variable the test fails when the file no longer says what the code does.
@Suite("Embedding conformance")
struct EmbeddingConformanceTests {
    /// The ways an embeddings request reaches an upstream.
    enum Entry: CaseIterable {
        case libraryDirect, libraryProxyJSON, libraryProxyProtobuf, openAIRoute, geminiEmbedContent, geminiBatch

        var title: String {
            switch self {
            case .libraryDirect: "`LLMService.embed`, direct mode"
            case .libraryProxyJSON: "`LLMService.embed` → `chimera proxy` (`PROXY_PROTOCOL=json`)"
            case .libraryProxyProtobuf: "`LLMService.embed` → `chimera proxy` (`Embed`, protobuf)"
            case .openAIRoute: "`POST /<route>/v1/embeddings` (`encoding_format: base64`)"
            case .geminiEmbedContent: "`POST /<route>/v1beta/models/{m}:embedContent`"
            case .geminiBatch: "`POST /<route>/v1/models/{m}:batchEmbedContents`"
            }
        }

        /// The texts sent: `embedContent` takes one.
        var inputs: [String] {
            self == .geminiEmbedContent ? ["the proxy hop"] : ["the proxy hop", "carries every vector"]
        }
    }

    /// What a cell found.
    enum Outcome: Equatable {
        case passed
        case refused(String)
        case failed(String)
    }

    static let dimensions = 256

    @Test func everyEntryPointEmbedsOrRefusesByName() async throws {
        var results: [Entry: [ProviderID: Outcome]] = [:]
        try await withProxy { proxy in
            try await withTransport { transport in
                for entry in Entry.allCases {
                    for upstream in ProviderID.allCases {
                        results[entry, default: [:]][upstream] = await Self.run(entry, upstream: upstream, proxy: proxy, transport: transport)
                    }
                }
            }
        }
        for (entry, byUpstream) in results {
            for (upstream, outcome) in byUpstream {
                if case .failed(let why) = outcome { Issue.record("\(entry.title) → \(upstream.displayName): \(why)") }
            }
        }
        let table = Self.render(results)
        let committed = try ConformanceDocument.committed()
        if ConformanceDocument.writes {
            try (committed.chat + table).write(to: ConformanceDocument.url, atomically: true, encoding: .utf8)
        } else {
            #expect(committed.embeddings == table, "docs/conformance.md is out of date: run CHIMERA_WRITE_CONFORMANCE=1 swift test --filter EmbeddingConformanceTests")
        }
    }

    /// One cell: the entry point's vectors against the library's direct ones.
    static func run(_ entry: Entry, upstream: ProviderID, proxy: SimulatedProxy, transport: HTTPTransport) async -> Outcome {
        let request = EmbeddingRequest(provider: upstream, model: embeddingModels[upstream]!, inputs: entry.inputs, dimensions: dimensions)
        do {
            let reference = try await embed(request, configuration: proxy.simulator.configuring(ChimeraConfiguration())).embeddings.map(\.vector)
            let vectors: [[Float]]
            switch entry {
            case .libraryDirect:
                vectors = reference
            case .libraryProxyJSON, .libraryProxyProtobuf:
                let response = try await embed(request, configuration: proxyMode(proxy, entry == .libraryProxyJSON ? .json : .protobuf))
                let expected: WireProtocol = entry == .libraryProxyJSON ? .json : .protobuf
                guard response.wireProtocol == expected else { return .failed("travelled over \(response.wireProtocol), not \(expected)") }
                vectors = response.embeddings.map(\.vector)
            case .openAIRoute, .geminiEmbedContent, .geminiBatch:
                var routed = request
                let codec: any EmbeddingCodec
                let path: String
                switch entry {
                case .openAIRoute:
                    routed.encoding = .base64
                    codec = OpenAIEmbeddingCodec(provider: .openai)
                    path = "\(upstream.rawValue)/v1/embeddings"
                case .geminiEmbedContent:
                    codec = GeminiEmbeddingCodec(form: .single)
                    path = "\(upstream.rawValue)/v1beta/models/\(request.model):embedContent"
                default:
                    codec = GeminiEmbeddingCodec(form: .batch)
                    path = "\(upstream.rawValue)/v1/models/\(request.model):batchEmbedContents"
                }
                let reply = try await rawRequest(transport, proxy.baseURL.appending(path: path), body: String(decoding: codec.encodeRequest(routed), as: UTF8.self))
                guard reply.status == 200 else {
                    return refusal(status: reply.status, message: reply.body)
                }
                vectors = try codec.decodeResponse(Array(reply.body.utf8), for: routed).embeddings.map(\.vector)
            }
            guard vectors.count == request.inputs.count, vectors.allSatisfy({ $0.count == dimensions }) else {
                return .failed("expected \(request.inputs.count) vectors of \(dimensions), got \(vectors.map(\.count))")
            }
            return vectors == reference ? .passed : .failed("the vectors differ from the direct ones")
        } catch {
            let failure = ChimeraError(wrapping: error)
            return refusal(status: failure.httpStatus, message: failure.message)
        }
    }

    /// A refusal that names the missing embeddings API, or a failure.
    private static func refusal(status: Int, message: String) -> Outcome {
        guard status == 400, message.contains("has no embeddings API") else { return .failed("HTTP \(status): \(message.prefix(300))") }
        return .refused("no embeddings API; the 400 names the providers that have one")
    }

    /// `request` embedded by a service of `configuration`, which is shut down after.
    private static func embed(_ request: EmbeddingRequest, configuration: ChimeraConfiguration) async throws -> EmbeddingResponse {
        let service = LLMService(configuration: configuration)
        do {
            let response = try await service.embed(request)
            try await service.shutdown()
            return response
        } catch {
            try await service.shutdown()
            throw error
        }
    }

    private static func proxyMode(_ proxy: SimulatedProxy, _ wireProtocol: ProxyProtocolPreference) -> ChimeraConfiguration {
        var configuration = ChimeraConfiguration(connectionMode: .proxy)
        configuration.proxy.serverURL = proxy.baseURL
        configuration.proxy.wireProtocol = wireProtocol
        configuration.proxy.maxRetries = 0
        return configuration
    }

    /// The table as Markdown, after the marker.
    static func render(_ results: [Entry: [ProviderID: Outcome]]) -> String {
        var notes: [String] = []
        var text = ConformanceDocument.embeddingsMarker + """

            ## Embeddings

            Generated by `EmbeddingConformanceTests` (Tests/ChimeraProxyServerTests/Conformance): each cell
            embeds \(Entry.libraryDirect.inputs.count) texts (one for `embedContent`) at \(dimensions) dimensions over loopback, through
            `chimera proxy` or the library alone, to the provider simulator, and checks that the vectors are
            exactly the ones the library gets directly. Regenerate with
            `CHIMERA_WRITE_CONFORMANCE=1 swift test --filter EmbeddingConformanceTests`.

            ✓ passes · **R***n* refused with a 400 in the caller's shape (note *n*).


            """
        text += "| entry point | " + ProviderID.allCases.map(\.displayName).joined(separator: " | ") + " |\n"
        text += "|---|" + ProviderID.allCases.map { _ in "---|" }.joined() + "\n"
        for entry in Entry.allCases {
            let cells = ProviderID.allCases.map { upstream -> String in
                switch results[entry]?[upstream] {
                case .passed?: return "✓"
                case .refused(let why)?:
                    if !notes.contains(why) { notes.append(why) }
                    return "**R\(notes.firstIndex(of: why)! + 1)**"
                case .failed?: return "✗"
                case nil: return "?"
                }
            }
            text += "| \(entry.title) | " + cells.joined(separator: " | ") + " |\n"
        }
        text += "\n" + notes.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n") + "\n"
        return text
    }
}

/// The embedding model each provider is asked for (any name works for those without embeddings:
/// they are refused before the model matters).
let embeddingModels: [ProviderID: String] = [
    .openai: "text-embedding-3-small", .gemini: "gemini-embedding-001", .qwen: "text-embedding-v3",
    .anthropic: "claude-embed", .deepseek: "deepseek-embed", .cursor: "cursor-embed",
]
