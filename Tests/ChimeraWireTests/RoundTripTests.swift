import ChimeraCore
import ChimeraWire
import Testing

/// What one side of Chimera writes, the other side reads back unchanged: client requests through
/// the proxy server's decoder, and the proxy server's answers through the client's decoders.
@Suite("Binding round trips")
struct RoundTripTests {
    static let conversation: [ChatMessage] = [
        .system("Be terse."), .user("Hi 👋 \"quoted\" \\ back\nslash"), .assistant("Hello, 世界"), .user("Again"),
    ]

    /// The URL parts of a Gemini request, which carries its model and stream flag outside the body.
    static func urlParts(of request: ChatRequest) -> (model: String?, stream: Bool?) {
        request.provider.family == .geminiGenerateContent ? (request.model, request.stream) : (nil, nil)
    }

    /// A request to the family's sample provider, as the answer and stream codecs need one; an
    /// OpenAI caller asks for the usage chunk, without which the encoder leaves usage out.
    static func request(of family: ProtocolFamily, stream: Bool = false) -> ChatRequest {
        var request = ChatRequest(provider: family.sampleProvider, model: "model-1", messages: conversation, stream: stream)
        request.extensions[.openAIChat] = ["stream_options": ["include_usage": true]]
        return request
    }

    /// The usage a family reads back from what it wrote: Anthropic states its cache counts, zero
    /// when nothing was cached.
    static func readBack(_ usage: Usage, in family: ProtocolFamily) -> Usage {
        var stated = usage
        switch family {
        case .anthropicMessages:
            stated.cachedInputTokens = usage.cachedInputTokens ?? 0
            stated.cacheWriteTokens = usage.cacheWriteTokens ?? 0
        case .openAIResponses:
            // The Responses API's usage always states both details.
            stated.cachedInputTokens = usage.cachedInputTokens ?? 0
            stated.reasoningTokens = usage.reasoningTokens ?? 0
        case .openAIChat, .geminiGenerateContent:
            break
        }
        return stated
    }

    @Test(arguments: ProviderID.allCases, [false, true])
    func requestWithEveryOptionSurvivesEncodingAndDecoding(_ provider: ProviderID, _ stream: Bool) throws {
        let request = ChatRequest(
            provider: provider, model: "model-\(provider)", messages: Self.conversation,
            temperature: 0.5, topP: 0.9, maxTokens: 256, stopSequences: ["END", "STOP"], stream: stream
        )
        let binding = ProtocolBindings.binding(for: provider)
        let url = Self.urlParts(of: request)
        let decoded = try binding.decodeRequest(try binding.encodeRequest(request), provider: provider, model: url.model, stream: url.stream)
        var expected = request
        // An OpenAI-family stream asks for its usage chunk, and the member comes back as the extension it is.
        if provider.family == .openAIChat && stream { expected.extensions[.openAIChat] = ["stream_options": ["include_usage": true]] }
        #expect(decoded == expected)
    }

    @Test(arguments: ProviderID.allCases)
    func requestWithoutOptionsSurvivesExceptAnthropicsRequiredMaxTokens(_ provider: ProviderID) throws {
        let request = ChatRequest(provider: provider, model: "m", messages: [.user("Hi")])
        let binding = ProtocolBindings.binding(for: provider)
        let url = Self.urlParts(of: request)
        var expected = request
        // The default the Anthropic binding sends when a request sets no limit.
        if provider == .anthropic { expected.maxTokens = 4096 }
        #expect(try binding.decodeRequest(try binding.encodeRequest(request), provider: provider, model: url.model, stream: url.stream) == expected)
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
        let binding = ProtocolBindings.binding(for: family)
        let request = Self.request(of: family)
        let response = ChatResponse(
            id: "resp-42", provider: request.provider, model: "model-1", text: "Hello, 世界 👋🏽\nline two",
            finishReason: reason, usage: Usage(inputTokens: 10, outputTokens: 5)
        )
        var decoded = try binding.decodeResponse(binding.encodeResponse(response, for: request), for: request)
        // What the family writes beyond the domain (OpenAI's `created`, `logprobs`) comes back as extensions.
        decoded.extensions = [:]
        var expected = response
        expected.usage = expected.usage.map { Self.readBack($0, in: family) }
        #expect(decoded == expected)
    }

    @Test(arguments: [
        (ProtocolFamily.openAIChat, FinishReason.stopSequence, FinishReason.stop),
        (.geminiGenerateContent, .stopSequence, .stop),
        (.geminiGenerateContent, .toolCalls, .stop),
    ])
    func finishReasonsAProtocolCannotTellApartReadBackAsTheirNearest(_ family: ProtocolFamily, _ written: FinishReason, _ read: FinishReason) throws {
        let binding = ProtocolBindings.binding(for: family)
        let request = Self.request(of: family)
        let response = ChatResponse(id: "r", provider: request.provider, model: "m", text: "x", finishReason: written, usage: nil)
        #expect(try binding.decodeResponse(binding.encodeResponse(response, for: request), for: request).finishReason == read)
    }

    @Test(arguments: ProtocolFamily.allCases, [Int.max, 1, 3])
    func streamSurvivesTheEncoderTheWireAndTheDecoder(_ family: ProtocolFamily, _ chunkSize: Int) throws {
        let binding = ProtocolBindings.binding(for: family)
        let request = Self.request(of: family, stream: true)
        let events: [ChatStreamEvent] = [
            .start(id: "resp-1", model: "model-1"),
            .delta("Hel"), .delta("lo, 世界 👋🏽"), .delta("\nline\r\ntwo: data: [DONE]"),
            .finish(.length), .usage(Usage(inputTokens: 12, outputTokens: 34)),
        ]
        let wire = StreamHarness.encode(events, binding: binding, request: request)
        let decoded = try StreamHarness.decode(wire, binding: binding, request: request, chunkSize: chunkSize)
        #expect(decoded == events.map { event in
            if case .usage(let usage) = event { .usage(Self.readBack(usage, in: family)) } else { event }
        })
    }

    @Test(arguments: ProtocolFamily.allCases)
    func streamWithoutFinishOrUsageStillReadsAsComplete(_ family: ProtocolFamily) throws {
        let binding = ProtocolBindings.binding(for: family)
        let request = Self.request(of: family, stream: true)
        let decoded = try StreamHarness.decode(StreamHarness.encode([.delta("Hi")], binding: binding, request: request), binding: binding, request: request)
        let text = decoded.map { if case .delta(let piece) = $0 { piece } else { "" } }.joined()
        #expect(text == "Hi")
    }

    static let streamErrors: [ChimeraError] = [
        ChimeraError(kind: .rateLimited, message: "slow down", status: 429, upstreamMessage: "Rate limit reached", isRetryable: true),
        ChimeraError(kind: .upstream, message: "overloaded", status: 529, isRetryable: true),
        ChimeraError(kind: .invalidRequest, message: "bad", status: 400),
        ChimeraError(kind: .authentication, message: "bad key", status: 401),
    ]

    @Test(arguments: ProtocolFamily.allCases, streamErrors)
    func errorAfterTheStreamBeganReadsBackAsTheSameError(_ family: ProtocolFamily, _ original: ChimeraError) throws {
        let binding = ProtocolBindings.binding(for: family)
        let request = Self.request(of: family, stream: true)
        var encoder = binding.makeStreamEncoder(for: request)
        let wire = encoder.encode(.delta("Partial")) + encoder.fail(original)
        let error = try #require(StreamHarness.error(decoding: String(decoding: wire, as: UTF8.self), binding: binding, request: request))
        #expect(error.kind == original.kind)
        #expect(error.isRetryable == original.isRetryable)
        #expect(error.upstreamMessage == (original.upstreamMessage ?? original.message))
        // OpenAI's error types have one name for every 5xx, so only 500 can come back.
        #expect(error.status == ([.openAIChat, .openAIResponses].contains(family) && original.status == 529 ? 500 : original.status))
    }
}
