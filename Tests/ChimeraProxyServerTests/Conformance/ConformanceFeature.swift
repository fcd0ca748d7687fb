import Chimera
import ChimeraSimulator
import Foundation

/// One feature of the conformance matrix: the request (or requests) that use it, and what the
/// answer must show, read back in the caller's own protocol.
///
/// Every check is against the simulator's documented behaviour (docs/simulator.md), so a cell
/// passes only when the feature really crossed both hops: a reply that quotes the tool result,
/// arguments built from the schema, a signature the simulator accepts back.
enum ConformanceFeature: String, CaseIterable, Sendable {
    case text = "text"
    case system = "system prompt"
    case multiTurn = "multi-turn"
    case image = "image (base64)"
    case toolCall = "tool call"
    case toolCallStreamed = "tool call, streamed"
    case parallelToolCalls = "parallel tool calls"
    case toolResult = "tool-result round trip"
    case thinking = "reasoning round trip"
    case jsonSchema = "JSON Schema output"
    case cachedTokens = "cached-token usage"
    case stopSequences = "stop sequences"
    case unknownField = "unknown field"

    /// What a cell found.
    enum Outcome: Equatable, Sendable {
        /// The answer showed the feature.
        case passed
        /// The request was refused with a 400 that names what cannot be sent and why.
        case refused(String)
        /// What a caller of this protocol cannot ask for at all, said in the matrix.
        case notExpressible(String)
        /// Anything else: a defect.
        case failed(String)
    }

    /// Where a cell's requests go.
    struct Cell: Sendable {
        var service: LLMService
        /// The provider the request names: the caller's family (routed by path) or the upstream.
        var requestProvider: ProviderID
        /// The upstream provider, whose simulated API answers.
        var upstream: ProviderID
        /// The caller's protocol family, whose extension slot carries unknown fields.
        var callerFamily: ProtocolFamily
        /// The caller's protocol, as the matrix names it.
        var callerName: String
        var simulator: RunningSimulator

        var model: String { ConformanceFeature.models[upstream]! }

        func request(_ messages: [ChatMessage], model: String? = nil) -> ChatRequest {
            ChatRequest(provider: requestProvider, model: model ?? self.model, messages: messages)
        }
    }

    /// The model each upstream is asked for.
    static let models: [ProviderID: String] = [
        .openai: "gpt-4.1", .anthropic: "claude-sonnet-4-5", .gemini: "gemini-2.5-flash",
        .deepseek: "deepseek-chat", .qwen: "qwen-plus", .cursor: "cursor-small",
    ]

    static let weather = Tool(
        name: "get_weather", description: "The weather in a city",
        parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]]
    )
    static let time = Tool(
        name: "get_time", description: "The time in a zone",
        parameters: ["type": "object", "properties": ["zone": ["type": "string"]], "required": ["zone"]]
    )
    /// A 1×1 PNG, 70 bytes.
    static let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

    /// Runs the feature in `cell` and judges the answer.
    func run(in cell: Cell) async -> Outcome {
        do {
            return try await check(cell)
        } catch let error where error.kind == .invalidRequest && error.httpStatus == 400 {
            return .refused(error.upstreamMessage ?? error.message)
        } catch {
            return .failed(error.description)
        }
    }

    private func check(_ cell: Cell) async throws(ChimeraError) -> Outcome {
        let service = cell.service
        switch self {
        case .text:
            let answer = try await service.complete(cell.request([.user("Hello matrix")]))
            return expect(answer.text.hasPrefix("Simulated reply from \(cell.model): Hello matrix") && answer.finishReason == .stop, answer)
        case .system:
            let answer = try await service.complete(cell.request([.system("Answer briefly please"), .user("Hello matrix")]))
            // The simulator counts the system prompt's words as input: 3 + 2.
            return expect(answer.usage?.inputTokens == 5, answer)
        case .multiTurn:
            let answer = try await service.complete(cell.request([.user("My name is Ada"), .assistant("Hello Ada"), .user("What is my name")]))
            return expect(answer.text.hasSuffix(": What is my name") && answer.usage?.inputTokens == 10, answer)
        case .image:
            let answer = try await service.complete(cell.request([.user([.text("Describe"), .image(base64: Self.png, mediaType: "image/png")])]))
            return expect(answer.text.contains("[image image/png 70 bytes]"), answer)
        case .toolCall, .toolCallStreamed:
            var request = cell.request([.user("Weather in Paris?")])
            request.tools = [Self.weather]
            request.stream = self == .toolCallStreamed
            let answer = try await Self.answer(request, through: service)
            let call = answer.toolCalls.first
            return expect(answer.toolCalls.count == 1 && call?.name == "get_weather" && !(call?.id.isEmpty ?? true)
                          && call?.parsedArguments == ["city": "sample-city"] && answer.finishReason == .toolCalls, answer)
        case .parallelToolCalls:
            var request = cell.request([.user("Weather and time in Paris?")], model: cell.model + "@parallel-tools")
            request.tools = [Self.weather, Self.time]
            let answer = try await service.complete(request)
            let calls = answer.toolCalls
            return expect(calls.map(\.name) == ["get_weather", "get_time"] && Set(calls.map(\.id)).count == 2
                          && calls.last?.parsedArguments == ["zone": "sample-zone"], answer)
        case .toolResult:
            var request = cell.request([
                .user("Weather in Paris?"),
                .assistant([.toolCall(ToolCall(id: "call_matrix_1", name: "get_weather", arguments: #"{"city":"Paris"}"#))]),
                .toolResult(ToolResult(toolCallID: "call_matrix_1", name: "get_weather", text: #"{"temp":21}"#)),
            ])
            request.tools = [Self.weather]
            let answer = try await service.complete(request)
            return expect(answer.text.contains(#"Tool get_weather returned: {"temp":21}"#), answer)
        case .thinking:
            return try await thinkingRoundTrip(cell)
        case .jsonSchema:
            var request = cell.request([.user("Weather for Paris as JSON")])
            let schema: JSONValue = ["type": "object", "properties": ["city": ["type": "string"], "days": ["type": "integer"]], "required": ["city", "days"]]
            request.responseFormat = .jsonSchema(JSONSchemaFormat(name: "forecast", schema: schema, strict: true))
            let answer = try await service.complete(request)
            // Text that is not JSON fails the cell below, with the answer in its message.
            let json = try? JSONValue(parsing: Array(answer.text.utf8))
            return expect(json?["city"]?.string == "sample-city" && json?["days"]?.int == 1, answer)
        case .cachedTokens:
            return try await cachedTokens(cell)
        case .stopSequences:
            var request = cell.request([.user("Count")], model: cell.model + "@words=10")
            request.stopSequences = ["w4"]
            let answer = try await service.complete(request)
            return expect(answer.text.contains("w3") && !answer.text.contains("w4"), answer)
        case .unknownField:
            return try await unknownField(cell)
        }
    }

    /// The answer has reasoning (its text, or its token count where the provider shows only
    /// that), and the conversation with that answer in it goes on: the simulator refuses a
    /// thinking block or a thought signature it did not issue, so a lost or altered signature fails.
    private func thinkingRoundTrip(_ cell: Cell) async throws(ChimeraError) -> Outcome {
        var request = cell.request([.user("Think, then answer")])
        request.reasoning = ReasoningOptions(budgetTokens: 1024, includeThoughts: true)
        request.maxTokens = 4096
        let first = try await cell.service.complete(request)
        let reasoned = !first.reasoning.isEmpty || (first.usage?.reasoningTokens ?? 0) > 0
        if !reasoned, cell.upstream == .qwen, cell.callerFamily == .openAIChat {
            // Passed through as sent: Qwen's compatible mode thinks on its own `enable_thinking`,
            // which such a caller sends as it is; OpenAI's `reasoning_effort` means nothing to it.
            return .notExpressible("Qwen thinks on `enable_thinking: true`, not OpenAI's `reasoning_effort`; an OpenAI-protocol caller sends it as it is (it passes through)")
        }
        guard reasoned else { return .failed("no reasoning in the answer: \(Self.summary(first))") }
        request.messages += [first.message, .user("Go on")]
        let second = try await cell.service.complete(request)
        return expect(second.text.hasSuffix(": Go on"), second)
    }

    /// Why a caller of a family sends Anthropic no cache marker here.
    static let missingCacheMarker: [ProtocolFamily: String] = [
        .openAIChat: "OpenAI Chat marks a cache breakpoint only with a content part's `prompt_cache_breakpoint`, which Chimera writes for gpt-5.6 and later only, and this request names a Claude model (the Python SDK tests send the marker and see the cache read)",
        .geminiGenerateContent: "Gemini generateContent has no cache marker (it caches implicitly, or by `cachedContent`)",
        .openAIResponses: "OpenAI Responses has no cache marker (OpenAI caches a seen prefix by itself)",
    ]

    /// The same long prompt twice: the second answer reports cached input tokens. A marker on
    /// the system prompt makes Anthropic cache it; the others cache a seen prefix of 1024 words
    /// or more by themselves.
    private func cachedTokens(_ cell: Cell) async throws(ChimeraError) -> Outcome {
        let long = (1...1100).map { "word\($0 % 50)" }.joined(separator: " ")
        let request = cell.request([
            ChatMessage(role: .system, parts: [.text(long, cacheControl: CacheControl())]),
            .user("Hello cache \(cell.callerFamily.rawValue)"),
        ])
        _ = try await cell.service.complete(request)
        let second = try await cell.service.complete(request)
        let cached = second.usage?.cachedInputTokens ?? 0
        if cached == 0, cell.upstream == .anthropic, let missing = Self.missingCacheMarker[cell.callerFamily] {
            // Anthropic caches only what a marker ends; these callers' requests carry none.
            return .notExpressible(missing + "; Anthropic caches only marked prefixes")
        }
        return expect(cached > 0, second)
    }

    /// A member the caller's protocol does not define reaches a same-family upstream as sent;
    /// to another family, which has no place for it, it is left out and named in
    /// `chimera-dropped-fields`.
    private func unknownField(_ cell: Cell) async throws(ChimeraError) -> Outcome {
        let probe = "probe-\(UUID().uuidString.prefix(8))"
        var request = cell.request([.user("Hello probe")])
        request.extensions[cell.callerFamily] = ["x_conformance_probe": .string(probe)]
        let answer = try await cell.service.complete(request)
        let arrived = cell.simulator.recordedRequests(limit: 5).contains { $0.body.contains(probe) }
        // OpenAI's API speaks both of its protocols, so a Responses caller's body reaches it as sent too.
        if cell.callerFamily == cell.upstream.family || (cell.callerFamily == .openAIResponses && cell.upstream == .openai) {
            return arrived ? .passed : .failed("the unknown field did not reach the upstream")
        }
        return !arrived && answer.droppedFields.contains("x_conformance_probe")
            ? .passed
            : .failed("to another family the field must be dropped and named: arrived \(arrived), dropped \(answer.droppedFields)")
    }

    private func expect(_ condition: Bool, _ answer: ChatResponse) -> Outcome {
        condition ? .passed : .failed(Self.summary(answer))
    }

    /// The whole answer of a unary or streamed request.
    private static func answer(_ request: ChatRequest, through service: LLMService) async throws(ChimeraError) -> ChatResponse {
        guard request.stream else { return try await service.complete(request) }
        let stream = try await service.stream(request)
        var assembler = ChatResponseAssembler()
        for try await event in stream { assembler.add(event) }
        return ChatResponse(
            id: assembler.id ?? "", provider: request.provider, model: assembler.model ?? request.model, parts: assembler.parts,
            finishReason: assembler.finishReason, usage: assembler.usage, route: stream.route, wireProtocol: stream.wireProtocol
        )
    }

    private static func summary(_ answer: ChatResponse) -> String {
        "text \(answer.text.prefix(120).debugDescription), calls \(answer.toolCalls.map { "\($0.name)(\($0.arguments)) id \($0.id)" }), finish \(String(describing: answer.finishReason)), usage \(String(describing: answer.usage))"
    }
}
