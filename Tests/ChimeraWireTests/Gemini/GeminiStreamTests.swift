import ChimeraCore
import ChimeraWire
import Foundation
import Testing

@Suite("Gemini binding: streams")
struct GeminiStreamTests {
    /// A gemini-2.5-flash `streamGenerateContent?alt=sse` transcript with thought summaries, text,
    /// a signed function call and usage on every chunk, as the API sends it (CRLF line ends).
    static let toolStream = [
        #"data: {"candidates": [{"content": {"parts": [{"text": "**Planning** the lookup","thought": true}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 30,"totalTokenCount": 30},"modelVersion": "gemini-2.5-flash","responseId": "resp-7"}"#,
        #"data: {"candidates": [{"content": {"parts": [{"text": "Let me check 🌍. "}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 30,"totalTokenCount": 30},"modelVersion": "gemini-2.5-flash","responseId": "resp-7"}"#,
        #"data: {"candidates": [{"content": {"parts": [{"functionCall": {"name": "get_weather","args": {"city": "Paris"}},"thoughtSignature": "Q2lRQg=="},{"functionCall": {"name": "get_weather","args": {"city": "Rome"}}}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 30,"candidatesTokenCount": 20,"totalTokenCount": 95,"thoughtsTokenCount": 45},"modelVersion": "gemini-2.5-flash","responseId": "resp-7"}"#,
    ].map { $0 + "\r\n\r\n" }.joined()

    @Test(arguments: [Int.max, 1, 3, 17])
    func toolStreamDecodesWhateverTheChunking(_ chunkSize: Int) throws {
        let events = try GeminiHarness.decodeStream(Self.toolStream, chunkSize: chunkSize)
        let final = Usage(inputTokens: 30, outputTokens: 65, totalTokens: 95, reasoningTokens: 45)
        guard case .toolCallStart(let first)? = events.first(where: { if case .toolCallStart = $0 { true } else { false } }) else {
            Issue.record("no tool call in \(events)")
            return
        }
        let secondID = events.compactMap { if case .toolCallStart(let start) = $0, start.index == 1 { start.id } else { nil } }.first ?? ""
        #expect(events == [
            .start(id: "resp-7", model: "gemini-2.5-flash"),
            .reasoning("**Planning** the lookup"),
            .usage(Usage(inputTokens: 30, outputTokens: 0, totalTokens: 30)),
            .delta("Let me check 🌍. "),
            .toolCallStart(ToolCallStart(index: 0, id: first.id, name: "get_weather", signature: "Q2lRQg==")),
            .toolCallArguments(index: 0, fragment: #"{"city":"Paris"}"#),
            .toolCallEnd(index: 0),
            .toolCallStart(ToolCallStart(index: 1, id: secondID, name: "get_weather")),
            .toolCallArguments(index: 1, fragment: #"{"city":"Rome"}"#),
            .toolCallEnd(index: 1),
            .finish(.toolCalls),
            .usage(final),
        ])
        #expect(first.id != secondID)
    }

    @Test func streamedCallsGetTheIDsTheUnaryAnswerGives() throws {
        let events = try GeminiHarness.decodeStream(Self.toolStream)
        let streamed = assembled(events).parts.compactMap { if case .toolCall(let call) = $0 { call.id } else { nil } }
        let unary = #"{"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}},{"functionCall":{"name":"get_weather","args":{"city":"Rome"}}}],"role":"model"},"finishReason":"STOP"}]}"#
        let response = try GeminiHarness.binding.decodeResponse(Array(unary.utf8), for: GeminiHarness.request())
        #expect(streamed == response.toolCalls.map(\.id))
    }

    @Test func aSignatureOnATextPartComesBeforeItsText() throws {
        let text = """
            data: {"candidates":[{"content":{"parts":[{"text":"Hi","thoughtSignature":"c2ln"}],"role":"model"},"index":0}],"modelVersion":"gemini-3-pro-preview","responseId":"r"}

            data: {"candidates":[{"content":{"parts":[{"text":"","thoughtSignature":"c2lnMg=="}],"role":"model"},"finishReason":"STOP","index":0}],"modelVersion":"gemini-3-pro-preview","responseId":"r"}


            """
        let events = try GeminiHarness.decodeStream(text)
        #expect(events == [
            .start(id: "r", model: "gemini-3-pro-preview"),
            .reasoningSignature("c2ln"), .delta("Hi"),
            .reasoningSignature("c2lnMg=="),
            .finish(.stop),
        ])
    }

    @Test func aSyntheticTrailingStopAfterTheRealFinishIsIgnored() throws {
        let text = """
            data: {"candidates":[{"content":{"parts":[{"text":"Hello"}],"role":"model"},"finishReason":"MAX_TOKENS","index":0}],"usageMetadata":{"promptTokenCount":2,"candidatesTokenCount":1,"totalTokenCount":3}}

            data: {"candidates":[{"finishReason":"STOP"}]}

            """
        let events = try GeminiHarness.decodeStream(text)
        #expect(events.filter { if case .finish = $0 { true } else { false } } == [.finish(.length)])
        #expect(events.last == .usage(Usage(inputTokens: 2, outputTokens: 1, totalTokens: 3)))
    }

    @Test func aSyntheticStopAloneCompletesAStreamThatHadNone() throws {
        // AIClient-2-API appends {"candidates":[{"finishReason":"STOP"}]} when the upstream gave none.
        let text = """
            data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]},"index":0}]}

            data: {"candidates":[{"finishReason":"STOP"}]}

            """
        let events = try GeminiHarness.decodeStream(text)
        #expect(events.filter { if case .start = $0 { false } else { true } } == [.delta("Hi"), .finish(.stop)], "\(events)")
    }

    @Test func aStreamWithoutAFinishReasonIsTruncated() {
        let error = GeminiHarness.streamError(#"data: {"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}]}"# + "\n\n")
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("truncated") == true)
    }

    @Test func anInBandErrorIsThrownWithItsStatus() {
        let error = GeminiHarness.streamError("""
            data: {"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}]}

            data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}


            """)
        #expect(error?.kind == .upstream)
        #expect(error?.status == 503)
        #expect(error?.isRetryable == true)
        #expect(error?.upstreamMessage == "The model is overloaded.")
    }

    @Test func aBlockedPromptInAStreamIsThrown() {
        let error = GeminiHarness.streamError(#"data: {"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5}}"# + "\n\n")
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message.contains("SAFETY") == true)
    }

    @Test func aMalformedChunkNamesTheField() {
        let error = GeminiHarness.streamError(#"data: {"candidates":[{"content":{"parts":[{"functionCall":{"name":7}}]}}]}"# + "\n\n")
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("candidates[0].content.parts[0].functionCall.name: expected a string") == true, "\(String(describing: error))")
    }

    // MARK: Encoding

    @Test func anOpenAIStyleStreamEncodesAsGeminiChunks() throws {
        // Tool-call arguments arrive in fragments, interleaved between two calls.
        let text = GeminiHarness.encodeStream([
            .start(id: "chatcmpl-1", model: "gpt-4.1"),
            .reasoning("Thinking"), .reasoningSignature("c2ln"),
            .delta("Hel"), .delta("lo"),
            .toolCallStart(ToolCallStart(index: 0, id: "call_a", name: "f")),
            .toolCallStart(ToolCallStart(index: 1, id: "call_b", name: "g", signature: "Zw==")),
            .toolCallArguments(index: 0, fragment: #"{"x":"#),
            .toolCallArguments(index: 1, fragment: "{}"),
            .toolCallArguments(index: 0, fragment: "1}"),
            .toolCallEnd(index: 1),
            .toolCallEnd(index: 0),
            .finish(.toolCalls),
            .usage(Usage(inputTokens: 10, outputTokens: 5)),
        ])
        let payloads = try GeminiHarness.payloads(text)
        let parts = payloads.map { $0["candidates"]?.array?.first?["content"]?["parts"] ?? .null }
        #expect(parts == [
            try json(#"[{"text":"Thinking","thought":true}]"#),
            try json(#"[{"text":"","thought":true,"thoughtSignature":"c2ln"}]"#),
            try json(#"[{"text":"Hel"}]"#),
            try json(#"[{"text":"lo"}]"#),
            try json(#"[{"functionCall":{"name":"g","args":{},"id":"call_b"},"thoughtSignature":"Zw=="}]"#),
            try json(#"[{"functionCall":{"name":"f","args":{"x":1},"id":"call_a"}}]"#),
            try json(#"[{"text":""}]"#),
        ])
        #expect(payloads.allSatisfy { $0["responseId"] == "chatcmpl-1" && $0["modelVersion"] == "gpt-4.1" })
        let last = try #require(payloads.last)
        #expect(last["candidates"]?.array?.first?["finishReason"] == "STOP")
        #expect(last["usageMetadata"] == (try json(#"{"promptTokenCount":10,"candidatesTokenCount":5,"totalTokenCount":15}"#)))
        #expect(payloads.dropLast().allSatisfy { $0["candidates"]?.array?.first?["finishReason"] == nil })
    }

    @Test func encodedStreamsDecodeBackToTheSameAnswer() throws {
        let events: [ChatStreamEvent] = [
            .start(id: "r-1", model: "gemini-2.5-flash"),
            .reasoning("Plan"), .reasoningSignature("c2ln"),
            .delta("Hi "),
            .toolCallStart(ToolCallStart(index: 0, id: "call_x", name: "lookup", signature: "Zg==")),
            .toolCallArguments(index: 0, fragment: #"{"q":"a"}"#),
            .toolCallEnd(index: 0),
            .finish(.toolCalls),
            .usage(Usage(inputTokens: 3, outputTokens: 4, totalTokens: 7, reasoningTokens: 1)),
        ]
        let decoded = try GeminiHarness.decodeStream(GeminiHarness.encodeStream(events), chunkSize: 5)
        #expect(assembled(decoded).parts == assembled(events).parts)
        #expect(assembled(decoded).finishReason == .toolCalls)
        #expect(assembled(decoded).usage == Usage(inputTokens: 3, outputTokens: 4, totalTokens: 7, reasoningTokens: 1))
        #expect(decoded.first == .start(id: "r-1", model: "gemini-2.5-flash"))
    }

    @Test func invalidStreamedArgumentsEndTheStreamWithAnInBandError() throws {
        let text = GeminiHarness.encodeStream([
            .delta("x"),
            .toolCallStart(ToolCallStart(index: 0, id: "call_a", name: "f")),
            .toolCallArguments(index: 0, fragment: #"{"x":"#),
            .toolCallEnd(index: 0),
            .delta("never written"),
            .finish(.toolCalls),
        ])
        let payloads = try GeminiHarness.payloads(text)
        #expect(payloads.count == 2)
        let error = try #require(payloads.last?["error"])
        #expect(error["status"] == "INTERNAL")
        #expect(error["message"]?.string?.contains("not a JSON object") == true)
        #expect(!text.contains("never written"))
    }

    @Test func aStreamThatNeverSaidWhyItEndedEndsWithStop() throws {
        let payloads = try GeminiHarness.payloads(GeminiHarness.encodeStream([.delta("x")]))
        #expect(payloads.last?["candidates"]?.array?.first?["finishReason"] == "STOP")
        #expect(payloads.first?["responseId"]?.string?.hasPrefix("gemini-") == true)
        #expect(payloads.first?["modelVersion"] == "gemini-2.5-flash")
    }

    @Test func failWritesGeminisErrorBody() throws {
        var encoder = GeminiHarness.binding.makeStreamEncoder(for: GeminiHarness.request(stream: true))
        var error = ChimeraError(kind: .rateLimited, message: "slow down", provider: .gemini, status: 429, retryAfter: .seconds(3))
        error.upstreamMessage = "Quota exceeded"
        let bytes = encoder.encode(.delta("x")) + encoder.fail(error)
        let payloads = try GeminiHarness.payloads(String(decoding: bytes, as: UTF8.self))
        #expect(payloads.last == (try json(#"{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"3s"}]}}"#)))
        #expect(encoder.finish().isEmpty)
    }

    // MARK: Watching

    @Test func theWatcherSeesFinishUsageAndToolCalls() throws {
        let (watcher, error) = try GeminiHarness.watch(Self.toolStream)
        #expect(error == nil)
        #expect(watcher.finishReason == .toolCalls)
        #expect(watcher.usage == Usage(inputTokens: 30, outputTokens: 65, totalTokens: 95, reasoningTokens: 45))
        #expect(!watcher.isComplete)
    }

    @Test func theWatcherReportsInBandErrorsAndTruncation() throws {
        let failed = try GeminiHarness.watch(#"data: {"error":{"code":500,"message":"boom","status":"INTERNAL"}}"# + "\n\n")
        #expect(failed.error?.status == 500)
        let truncated = try GeminiHarness.watch(#"data: {"candidates":[{"content":{"parts":[{"text":"say \"finishReason\""}]}}]}"# + "\n\n")
        #expect(truncated.error?.message.contains("truncated") == true)
        #expect(truncated.watcher.finishReason == nil)
    }
}
