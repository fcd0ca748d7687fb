import ChimeraCore
import ChimeraWire
import Testing

/// Untrusted bytes (upstream answers, inbound requests) must never crash a decoder: each either
/// reads or fails with the error kind its caller expects.
@Suite("Garbage input")
struct GarbageInputTests {
    /// Valid payloads of every kind, which mutation turns into near-valid ones.
    static let seeds: [String] = [
        #"{"id":"c","object":"chat.completion","model":"gpt","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#,
        #"{"model":"m","max_tokens":5,"stop":["x"],"messages":[{"role":"developer","content":[{"type":"text","text":"a"}]},{"role":"user","content":"b"}]}"#,
        #"{"id":"m","type":"message","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":2,"cache_read_input_tokens":3}}"#,
        #"{"model":"c","max_tokens":10,"system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}"#,
        #"{"candidates":[{"content":{"role":"model","parts":[{"text":"Hi","thought":false}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":2,"thoughtsTokenCount":1,"totalTokenCount":4},"promptFeedback":{"blockReason":"SAFETY"}}"#,
        #"{"system_instruction":{"parts":[{"text":"s"}]},"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"generationConfig":{"maxOutputTokens":3,"stopSequences":["e"]}}"#,
        #"{"error":{"code":429,"message":"slow","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"},{"reason":"API_KEY_INVALID"}]}}"#,
        #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        #"{"type":"message_start","message":{"id":"m","usage":{"input_tokens":3,"output_tokens":1}}}"#,
        #"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":6,"input_tokens":2}}"#,
        #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#,
        #"{"object":"list","data":[{"id":"gpt","object":"model","created":1,"owned_by":"openai"}]}"#,
        #"{"data":[{"type":"model","id":"claude","display_name":"Claude"}],"has_more":false}"#,
        #"{"models":[{"name":"models/gemini","displayName":"G","supportedGenerationMethods":["generateContent"]}]}"#,
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    ]

    /// Inputs chosen to hit arithmetic and parser limits rather than found by chance.
    static let hostile: [String] = [
        #"{"content":[],"usage":{"input_tokens":9223372036854775807,"cache_creation_input_tokens":9223372036854775807,"cache_read_input_tokens":1,"output_tokens":-9223372036854775808}}"#,
        #"{"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":9223372036854775807,"completion_tokens":9223372036854775807}}"#,
        #"{"candidates":[{"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":-9223372036854775808,"candidatesTokenCount":-9223372036854775808,"thoughtsTokenCount":-1}}"#,
        #"{"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":1e400}}"#,
        #"{"model":"m","max_tokens":99999999999999999999999,"messages":[]}"#,
        #"{"model":"m","temperature":1e308,"messages":[{"role":"user","content":"x"}]}"#,
        String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000),
        String(repeating: #"{"a":"#, count: 5_000) + "1" + String(repeating: "}", count: 5_000),
        "\u{FEFF}{\"choices\":[]}",
        "{\"model\":\"m\u{0}\",\"messages\":[{\"role\":\"user\",\"content\":\"\u{0}\"}]}",
        #"{"error":{"code":1e300,"details":[{"retryDelay":"1e300s"},{"retryDelay":"NaNs"},{"retryDelay":"-5s"},{"retryDelay":"s"}]}}"#,
        #"{"error":null}"#, #"{"error":[]}"#, #"{"error":{"message":{"nested":true},"type":7,"code":[1]}}"#,
        "null", "true", "0", "\"\"", "[]", "{}", "",
    ]

    static let bindings: [any ProtocolBinding] = ProtocolFamily.allCases.map(ProtocolBindings.binding(for:))

    /// What the decoders of answers and streams are told was asked.
    static func request(to provider: ProviderID) -> ChatRequest {
        ChatRequest(provider: provider, model: "m", messages: [.user("Hi")], stream: true)
    }

    @Test func randomAndMutatedBytesNeverCrashAnyDecoder() async throws {
        var random = SeededGenerator(seed: 0xC41_3E7A)
        var inputs = (Self.seeds + Self.hostile).map { Array($0.utf8) } + [[0xFF, 0xFE, 0x00], [0xC3], Array("data: {\"a\":\"\u{1F600}".utf8.dropLast(2))]
        for _ in 0..<400 {
            inputs.append(random.mutate(Array(Self.seeds.randomElement(using: &random)!.utf8)))
        }
        for _ in 0..<400 {
            inputs.append(random.bytes(count: Int.random(in: 0...200, using: &random)))
        }
        for (index, bytes) in inputs.enumerated() {
            try Self.feed(bytes)
            await yieldNowAndThen(index)
        }
    }

    @Test func countsThatWouldOverflowSaturate() throws {
        let anthropic = try AnthropicMessagesBinding().decodeResponse(Array(Self.hostile[0].utf8), for: Self.request(to: .anthropic))
        #expect(anthropic.usage?.inputTokens == .max)
        #expect(anthropic.usage?.outputTokens == .min)
        let openAI = try OpenAIChatBinding(provider: .openai).decodeResponse(Array(Self.hostile[1].utf8), for: Self.request(to: .openai))
        #expect(openAI.usage?.totalTokens == .max)
        let gemini = try GeminiBinding().decodeResponse(Array(Self.hostile[2].utf8), for: Self.request(to: .gemini))
        #expect(gemini.usage?.outputTokens == .min)
    }

    @Test func nestingBeyondTheParsersLimitIsAnError() {
        for binding in Self.bindings {
            let provider = binding.family.sampleProvider
            #expect(thrownError { try binding.decodeResponse(Array(Self.hostile[6].utf8), for: Self.request(to: provider)) }?.kind == .decoding)
            #expect(thrownError { try binding.decodeRequest(Array(Self.hostile[7].utf8), provider: provider, model: "m", stream: nil) }?.kind == .invalidRequest)
        }
    }

    /// Every decoder of every binding reads `bytes`; failures must be of the kind the caller expects.
    static func feed(_ bytes: [UInt8]) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        for binding in bindings {
            let provider = binding.family.sampleProvider
            let request = request(to: provider)
            if let error = thrownError({ try binding.decodeResponse(bytes, for: request) }) {
                #expect(isAnswerFailure(error), "\(error)")
            }
            if let error = thrownError({ try binding.decodeRequest(bytes, provider: provider, model: "m", stream: nil) }) {
                #expect(error.kind == .invalidRequest, "\(error)")
            }
            if let error = thrownError({ try binding.decodeModelList(bytes, provider: provider) }) {
                #expect(error.kind == .decoding, "\(error)")
            }
            let error = binding.decodeError(status: 503, headers: [("retry-after", text), ("retry-after-ms", text)], body: bytes, provider: provider)
            // 503 is retried unless the body says money ran out, which is also when a hint is given.
            #expect(error.status == 503 && error.provider == provider && error.isRetryable == (error.hint == nil), "\(error)")

            // As a whole body, and as one event's data.
            let streamed = StreamHarness.error(decoding: text, binding: binding, request: request)
            var decoder = binding.makeStreamDecoder(for: request)
            let single = thrownError { try decoder.decode(SSEEvent(data: text)) + decoder.finish() }
            for failure in [streamed, single].compactMap({ $0 }) {
                #expect(isAnswerFailure(failure), "\(failure)")
            }
        }
    }

    /// Whether an answer or a stream failed as its reader expects: unreadable (`decoding`), an
    /// error the upstream sent in it, or a prompt Gemini blocked, which is the caller's to change.
    static func isAnswerFailure(_ error: ChimeraError) -> Bool {
        error.kind == .decoding || error.message.contains("sent an error") || error.message.contains("blocked the prompt")
    }
}
