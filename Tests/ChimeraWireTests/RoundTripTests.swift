import ChimeraCore
import ChimeraWire
import Foundation
import Testing

/// What one side of Chimera writes, the other side reads back unchanged: client requests through
/// the proxy server's decoder, and the proxy server's answers through the client's decoders.
@Suite("Codec round trips")
struct RoundTripTests {
    static let conversation: [ChatMessage] = [
        .system("Be terse."), .user("Hi 👋 \"quoted\" \\ back\nslash"), .assistant("Hello, 世界"), .user("Again"),
    ]

    /// The URL parts of a Gemini request, which carries its model and stream flag outside the body.
    static func urlParts(of request: ChatRequest) -> (model: String?, stream: Bool?) {
        request.provider.family == .geminiGenerateContent ? (request.model, request.stream) : (nil, nil)
    }

    @Test(arguments: ProviderID.allCases, [false, true])
    func requestWithEveryOptionSurvivesEncodingAndDecoding(_ provider: ProviderID, _ stream: Bool) throws {
        let request = ChatRequest(
            provider: provider, model: "model-\(provider)", messages: Self.conversation,
            temperature: 0.5, topP: 0.9, maxTokens: 256, stopSequences: ["END", "STOP"], stream: stream
        )
        let codec = LegacyCodecs.codec(for: provider)
        let url = Self.urlParts(of: request)
        let decoded = try codec.decodeRequest(try codec.encodeRequest(request), provider: provider, model: url.model, stream: url.stream)
        #expect(decoded == request)
    }

    @Test(arguments: ProviderID.allCases)
    func requestWithoutOptionsSurvivesExceptAnthropicsRequiredMaxTokens(_ provider: ProviderID) throws {
        let request = ChatRequest(provider: provider, model: "m", messages: [.user("Hi")])
        let codec = LegacyCodecs.codec(for: provider)
        let url = Self.urlParts(of: request)
        var expected = request
        if provider == .anthropic { expected.maxTokens = LegacyAnthropicCodec.defaultMaxTokens }
        #expect(try codec.decodeRequest(try codec.encodeRequest(request), provider: provider, model: url.model, stream: url.stream) == expected)
    }

    static let finishReasons: [(ProtocolFamily, FinishReason)] = [
        (.openAIChat, .stop), (.openAIChat, .length), (.openAIChat, .toolCalls), (.openAIChat, .contentFilter),
        (.openAIChat, .unknown("insufficient_system_resource")),
        (.anthropicMessages, .stop), (.anthropicMessages, .stopSequence), (.anthropicMessages, .length),
        (.anthropicMessages, .toolCalls), (.anthropicMessages, .contentFilter), (.anthropicMessages, .unknown("pause_turn")),
        (.geminiGenerateContent, .stop), (.geminiGenerateContent, .length), (.geminiGenerateContent, .contentFilter),
        (.geminiGenerateContent, .unknown("OTHER")),
    ]

    @Test(arguments: finishReasons)
    func responseSurvivesEncodingAndDecoding(_ family: ProtocolFamily, _ reason: FinishReason) throws {
        let codec = LegacyCodecs.codec(for: family)
        let provider = family.sampleProvider
        let response = ChatResponse(
            id: "resp-42", provider: provider, model: "model-1", text: "Hello, 世界 👋🏽\nline two",
            finishReason: reason, usage: Usage(inputTokens: 10, outputTokens: 5)
        )
        #expect(try codec.decodeResponse(codec.encodeResponse(response), provider: provider) == response)
    }

    @Test(arguments: [
        (ProtocolFamily.openAIChat, FinishReason.stopSequence, FinishReason.stop),
        (.geminiGenerateContent, .stopSequence, .stop),
        (.geminiGenerateContent, .toolCalls, .stop),
    ])
    func finishReasonsAProtocolCannotTellApartReadBackAsTheirNearest(_ family: ProtocolFamily, _ written: FinishReason, _ read: FinishReason) throws {
        let codec = LegacyCodecs.codec(for: family)
        let response = ChatResponse(id: "r", provider: family.sampleProvider, model: "m", text: "x", finishReason: written, usage: nil)
        #expect(try codec.decodeResponse(codec.encodeResponse(response), provider: family.sampleProvider).finishReason == read)
    }

    @Test(arguments: ProtocolFamily.allCases, [Int.max, 1, 3])
    func streamSurvivesTheEncoderTheWireAndTheDecoder(_ family: ProtocolFamily, _ chunkSize: Int) throws {
        let codec = LegacyCodecs.codec(for: family)
        let events: [ChatStreamEvent] = [
            .delta("Hel"), .delta("lo, 世界 👋🏽"), .delta("\nline\r\ntwo: data: [DONE]"),
            .finish(.length), .usage(Usage(inputTokens: 12, outputTokens: 34)),
        ]
        let wire = StreamHarness.encode(events, codec: codec)
        #expect(try StreamHarness.decode(wire, codec: codec, provider: family.sampleProvider, chunkSize: chunkSize) == events)
    }

    @Test(arguments: ProtocolFamily.allCases)
    func streamWithoutFinishOrUsageStillReadsAsComplete(_ family: ProtocolFamily) throws {
        let codec = LegacyCodecs.codec(for: family)
        let decoded = try StreamHarness.decode(StreamHarness.encode([.delta("Hi")], codec: codec), codec: codec, provider: family.sampleProvider)
        #expect(StreamSummary(decoded).text == "Hi")
    }

    static let streamErrors: [ChimeraError] = [
        ChimeraError(kind: .rateLimited, message: "slow down", status: 429, upstreamMessage: "Rate limit reached", isRetryable: true),
        ChimeraError(kind: .upstream, message: "overloaded", status: 529, isRetryable: true),
        ChimeraError(kind: .invalidRequest, message: "bad", status: 400),
        ChimeraError(kind: .authentication, message: "bad key", status: 401),
    ]

    @Test(arguments: ProtocolFamily.allCases, streamErrors)
    func errorAfterTheStreamBeganReadsBackAsTheSameError(_ family: ProtocolFamily, _ original: ChimeraError) throws {
        let codec = LegacyCodecs.codec(for: family)
        var encoder = codec.makeStreamEncoder(id: "r", model: "m")
        let sse = encoder.start() + encoder.encode(.delta("Partial")) + [encoder.encodeError(original)]
        let error = try #require(StreamHarness.error(decoding: sse.map(\.serialized).joined(), codec: codec, provider: family.sampleProvider))
        #expect(error.kind == original.kind)
        #expect(error.isRetryable == original.isRetryable)
        #expect(error.upstreamMessage == (original.upstreamMessage ?? original.message))
        // OpenAI's error types have one name for every 5xx, so only 500 can come back.
        #expect(error.status == (family == .openAIChat && original.status == 529 ? 500 : original.status))
    }
}
