import ChimeraCore
import ChimeraWire
import Foundation
import Testing

@Suite("Protobuf: domain types to chimera.proxy.v1 messages and back")
struct ProtobufDomainMappingTests {
    static let requests: [ChatRequest] = [
        ChatRequest(
            provider: .anthropic, model: "claude-sonnet-4-5",
            messages: [.system("Be brief."), .user(ProtobufSamples.unicode), .assistant(""), .user("again")],
            temperature: 0.7, topP: 0.9, maxTokens: 1024, stopSequences: ["\n\n", "END", "✂︎"], stream: true
        ),
        // Zero is a value, not an absence: proto3 `optional` must keep it.
        ChatRequest(provider: .qwen, model: "qwen-max", messages: [.user("x")], temperature: 0, topP: 0),
        ChatRequest(
            provider: .cursor, model: "m", messages: [ChatMessage(role: .tool, content: "{}"), .user("")]
        ),
    ] + ProviderID.allCases.map { ChatRequest(provider: $0, model: "model-\($0)", messages: [.user("hi")]) }

    @Test(arguments: requests)
    func requestSurvivesTheRoundTripWithEveryField(_ request: ChatRequest) throws {
        let decoded = try ChatRequest(protobuf: try request.protobufData())
        #expect(decoded == request)
    }

    // Not among the arguments above: a test argument's description is printed whole.
    @Test func largeTextsSurviveTheRoundTrip() throws {
        let request = ChatRequest(provider: .gemini, model: "gemini-2.5-pro", messages: [.user(ProtobufSamples.largeText)])
        #expect(try ChatRequest(protobuf: try request.protobufData()) == request)
        let response = ChatResponse(
            id: "big", provider: .gemini, model: "gemini", text: ProtobufSamples.largeText,
            finishReason: .length, usage: Usage(inputTokens: 0, outputTokens: 0), route: .proxy, wireProtocol: .protobuf
        )
        #expect(try ChatResponse(protobuf: try response.protobufData()) == response)
    }

    @Test func absentOptionsAreNotSentAndSetOnesAre() throws {
        let bare = Chimera_Proxy_V1_ChatRequest(ChatRequest(provider: .openai, model: "m", messages: [.user("hi")]))
        #expect(!bare.hasTemperature && !bare.hasTopP && !bare.hasMaxTokens)
        let zeros = Chimera_Proxy_V1_ChatRequest(
            ChatRequest(provider: .openai, model: "m", messages: [.user("hi")], temperature: 0, topP: 0)
        )
        #expect(zeros.hasTemperature && zeros.hasTopP && !zeros.hasMaxTokens)
    }

    static func validMessage() -> Chimera_Proxy_V1_ChatRequest {
        Chimera_Proxy_V1_ChatRequest(
            ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.system("s"), .user("hi")])
        )
    }

    /// A way to spoil a valid request, and the field the refusal must name.
    enum Spoiled: String, CaseIterable, Sendable {
        case unknownProvider, emptyProvider, emptyModel, noMessages, onlySystem, emptyRole, temperature, topP, maxTokens

        func apply(to message: inout Chimera_Proxy_V1_ChatRequest) {
            switch self {
            case .unknownProvider: message.provider = "mistral"
            case .emptyProvider: message.provider = ""
            case .emptyModel: message.model = ""
            case .noMessages: message.messages = []
            case .onlySystem: message.messages.removeLast()
            case .emptyRole: message.messages[1].role = ""
            case .temperature: message.temperature = 2.5
            case .topP: message.topP = -0.1
            case .maxTokens: message.maxTokens = 0
            }
        }

        var field: String {
            switch self {
            case .unknownProvider, .emptyProvider: "provider: "
            case .emptyModel: "model: "
            case .noMessages, .onlySystem: "messages: "
            case .emptyRole: "messages[1].role: "
            case .temperature: "temperature: "
            case .topP: "top_p: "
            case .maxTokens: "max_tokens: "
            }
        }
    }

    @Test(arguments: Spoiled.allCases)
    func badRequestIsRefusedNamingTheField(_ spoiled: Spoiled) throws {
        var message = Self.validMessage()
        spoiled.apply(to: &message)
        let error = try #require(throws: ChimeraError.self) { try ChatRequest(protobuf: try message.protobufData()) }
        #expect(error.kind == .invalidRequest)
        #expect(error.status == 400)
        #expect(error.message.hasPrefix(spoiled.field), "\(error.message)")
    }

    @Test func providerNamesTheAcceptedValues() throws {
        var message = Self.validMessage()
        message.provider = "mistral"
        let error = try #require(throws: ChimeraError.self) { try ChatRequest(message) }
        #expect(error.message.contains("mistral"))
        #expect(error.message.contains("openai, anthropic, gemini, deepseek, qwen, cursor"))
    }

    static let responses: [ChatResponse] = [
        ChatResponse(id: "chatcmpl-1", provider: .openai, model: "gpt-4.1", text: ProtobufSamples.unicode,
                     finishReason: .stop, usage: Usage(inputTokens: 10, outputTokens: 20, totalTokens: 31)),
        ChatResponse(id: "", provider: .deepseek, model: "deepseek-chat", text: "", finishReason: nil, usage: nil),
    ] + [FinishReason.stop, .stopSequence, .length, .toolCalls, .contentFilter, .unknown("SAFETY"), .unknown("end_turn")].map {
        ChatResponse(id: "r", provider: .anthropic, model: "claude", text: "t", finishReason: $0, usage: nil)
    }

    @Test(arguments: responses)
    func responseSurvivesTheRoundTripAndIsMarkedAsServedByTheProxy(_ response: ChatResponse) throws {
        let decoded = try ChatResponse(protobuf: try response.protobufData())
        var expected = response
        expected.route = .proxy
        expected.wireProtocol = .protobuf
        #expect(decoded == expected)
    }

    @Test func responseFromAnUnknownProviderIsADecodingError() throws {
        var message = Chimera_Proxy_V1_ChatResponse(Self.responses[0])
        message.provider = "grok"
        let error = try #require(throws: ChimeraError.self) { try ChatResponse(message) }
        #expect(error.kind == .decoding)
        #expect(error.message.hasPrefix("provider: "))
    }

    @Test(arguments: ProtobufSamples.streamEvents)
    func streamEventSurvivesTheRoundTrip(_ event: ChatStreamEvent) throws {
        let frame = try Chimera_Proxy_V1_StreamFrame(protobuf: try Chimera_Proxy_V1_StreamFrame(event).protobufData())
        #expect(try ChatStreamEvent(frame) == event)
    }

    @Test func frameWithNothingSetIsSkipped() throws {
        #expect(try ChatStreamEvent(Chimera_Proxy_V1_StreamFrame()) == nil)
    }

    @Test func errorFrameThrowsTheErrorItCarries() throws {
        var frame = Chimera_Proxy_V1_StreamFrame()
        frame.error = Chimera_Proxy_V1_Error(ProtobufSamples.fullError)
        let error = try #require(throws: ChimeraError.self) { try ChatStreamEvent(frame) }
        #expect(error == ProtobufSamples.fullError)
    }

    static let errors: [ChimeraError] = [
        ProtobufSamples.fullError,
        ChimeraError(kind: .upstream, message: "Anthropic answered HTTP 529", provider: .anthropic, status: 529,
                     upstreamMessage: "Overloaded", body: String(repeating: "é", count: 2000), isRetryable: true),
        ChimeraError(kind: .timeout, message: "no byte for 30s", provider: .gemini, isRetryable: true, retryAfter: .seconds(90_000)),
        ChimeraError.invalidRequest("model: must not be empty", provider: .qwen),
        ChimeraError.decoding("bad JSON", provider: .cursor, body: "<html>"),
        ChimeraError.cancelled(),
        ChimeraError.configuration("OPENAI_API_KEY is not set", provider: .openai, hint: "export OPENAI_API_KEY"),
        ChimeraError(kind: .authentication, message: "bad key", provider: .deepseek, status: 401),
        ChimeraError(kind: .proxyUnavailable, message: "connection refused", isRetryable: true, hint: "start the proxy"),
        ChimeraError(kind: .protocolMismatch, message: "no protobuf here", status: 404),
    ]

    @Test(arguments: errors)
    func chimeraErrorSurvivesTheRoundTripWithEveryField(_ error: ChimeraError) throws {
        let message = try Chimera_Proxy_V1_Error(protobuf: try Chimera_Proxy_V1_Error(error).protobufData())
        #expect(ChimeraError(message) == error)
    }

    @Test func errorMessageSpellsFieldsAsTheSchemaSays() {
        let message = Chimera_Proxy_V1_Error(ProtobufSamples.fullError)
        #expect(message.kind == "rate_limited")
        #expect(message.status == 429)
        #expect(message.retryable)
        #expect(message.retryAfterMs == 1500)
        #expect(message.provider == "openai")
        let bare = Chimera_Proxy_V1_Error(ChimeraError.cancelled())
        #expect(bare.status == 0 && bare.retryAfterMs == 0 && bare.provider.isEmpty && bare.hint.isEmpty)
    }

    @Test func retryAfterRoundsUpToWholeMilliseconds() {
        var error = ProtobufSamples.fullError
        error.retryAfter = .microseconds(1)
        #expect(Chimera_Proxy_V1_Error(error).retryAfterMs == 1)
        error.retryAfter = .microseconds(1500)
        #expect(Chimera_Proxy_V1_Error(error).retryAfterMs == 2)
        error.retryAfter = .zero
        #expect(Chimera_Proxy_V1_Error(error).retryAfterMs == 0)
    }

    @Test func errorOfAKindThisVersionDoesNotKnowTakesTheFallbackKind() {
        var message = Chimera_Proxy_V1_Error(ProtobufSamples.fullError)
        message.kind = "quota_exceeded_v2"
        #expect(ChimeraError(message).kind == .upstream)
        #expect(ChimeraError(message, fallbackKind: .rateLimited).kind == .rateLimited)
    }

    @Test func errorWithoutAMessageStillSaysWhatHappened() {
        var message = Chimera_Proxy_V1_Error()
        message.kind = "rate_limited"
        #expect(ChimeraError(message).message == "the proxy reported a rate_limited error without a message")
    }

    /// Found by `Fuzz/fuzz.sh` (ProtobufFuzz, 26 Nov 2026): an error frame whose `Error` has no
    /// message made the stream decoder throw an error with an empty message.
    @Test func fuzzFoundErrorFrameWithoutAMessageEndsTheStreamWithAReadableError() throws {
        let input = try #require(Data(base64Encoded: "AwUAAAAADAoKU2ltdWxhdGVkIAAAAAAwMDAwMDAwMDAgICIAICYgcnVvZXOBgIDwcmNlX2U/eO3t7e0AMDAwMDAwMDAwT3BlL2HWaSGNdHR0dHR0dO3t7e3t7e3t7e3t7e3t7SAgNDgSBm//////////AQ=="))
        // The fuzz target's first two bytes pick the operation (the stream decoder) and the chunking.
        let result = ProtobufSamples.decodeStream([Array(input.dropFirst(2))], provider: .openai)
        let error = try #require(result.error)
        #expect(error.message.hasSuffix("error without a message"), "\(error)")
    }

    @Test func errorArrivingWithASecretIsRedacted() {
        var message = Chimera_Proxy_V1_Error(ProtobufSamples.fullError)
        message.message = "rejected key sk-SENTINEL1234567890"
        message.upstreamMessage = "Authorization: Bearer SENTINEL1234567890"
        message.bodyExcerpt = #"{"api_key": "SENTINEL1234567890"}"#
        let error = ChimeraError(message)
        #expect(!error.description.contains("SENTINEL"))
        #expect(!(error.bodyExcerpt ?? "").contains("SENTINEL"))
    }

    @Test func modelsAndCapabilitiesSurviveTheRoundTrip() throws {
        let models = [
            ModelInfo(id: "gpt-4.1", provider: .openai, displayName: "GPT-4.1"),
            ModelInfo(id: "claude-sonnet-4-5", provider: .anthropic),
            ModelInfo(id: "", provider: .cursor, displayName: ""),
        ]
        let sent = Chimera_Proxy_V1_Capabilities(encodings: [.json, .protobuf], providers: ProviderID.allCases, models: models)
        let received = try Chimera_Proxy_V1_Capabilities(protobuf: try sent.protobufData())
        #expect(received.protocolVersion == 1)
        #expect(received.offeredEncodings == [.json, .protobuf])
        #expect(received.servedProviders == ProviderID.allCases)
        #expect(received.knownModels == models)
    }

    @Test func capabilitiesOfANewerProxySkipWhatThisVersionDoesNotKnow() {
        var capabilities = Chimera_Proxy_V1_Capabilities(encodings: [.protobuf], providers: [.openai])
        capabilities.encodings.append("cbor")
        capabilities.providers.append("mistral")
        var model = Chimera_Proxy_V1_Model()
        model.id = "mistral-large"
        model.provider = "mistral"
        capabilities.models = [model, Chimera_Proxy_V1_Model(ModelInfo(id: "gpt-4.1", provider: .openai))]
        #expect(capabilities.offeredEncodings == [.protobuf])
        #expect(capabilities.servedProviders == [.openai])
        #expect(capabilities.knownModels == [ModelInfo(id: "gpt-4.1", provider: .openai)])
    }
}
