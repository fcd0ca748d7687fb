import ChimeraCore
import ChimeraWire
import Testing

private typealias H = OpenAIChatHarness

@Suite("OpenAI Chat binding: streams")
struct OpenAIChatStreamTests {
    /// A stream as OpenAI sends it with `include_usage`: role chunk, text with a multi-scalar
    /// emoji, a keep-alive comment, the finish chunk, the usage chunk and `[DONE]`.
    static let transcript = """
        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}],"usage":null}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"content":"lo 👋🏽"},"finish_reason":null}],"usage":null}

        : keep-alive

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}

        data: [DONE]


        """

    @Test(arguments: [Int.max, 1, 7])
    func theTranscriptDecodesToTextFinishAndUsageWhereverItIsSplit(_ chunkSize: Int) throws {
        #expect(try H.decodeStream(Self.transcript, chunkSize: chunkSize) == [
            .start(id: "chatcmpl-1", model: "gpt-4.1"),
            .delta("Hel"), .delta("lo 👋🏽"), .finish(.stop),
            .usage(Usage(inputTokens: 9, outputTokens: 2, totalTokens: 11)),
        ])
    }

    @Test func aFinishReasonWithoutDoneCompletesTheStream() throws {
        // AIClient-2-API 3.1.9 writes [DONE] only when no chunk carried a finish_reason.
        let stream = """
            data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

            data: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}

            """
        #expect(try H.decodeStream(stream) == [.delta("Hi"), .finish(.length), .usage(Usage(inputTokens: 3, outputTokens: 1, totalTokens: 4))])
    }

    @Test func aStreamEndingWithoutDoneOrFinishReasonIsTruncated() throws {
        let stream = """
            data: {"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}

            data: {"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}
            """
        let error = try #require(H.streamError(stream, provider: .qwen))
        #expect(error.kind == .decoding)
        #expect(error.message.contains("truncated"), "\(error.message)")
        #expect(error.provider == .qwen)
    }

    @Test func doneAloneCompletesTheStreamAndLaterEventsAreIgnored() throws {
        let stream = """
            data: {"choices":[{"index":0,"delta":{"content":"A"}}]}

            data: [DONE]

            data: {"choices":[{"index":0,"delta":{"content":"after"}}]}

            data: not json at all

            """
        #expect(try H.decodeStream(stream) == [.delta("A")])
    }

    @Test func reasoningDeltasAreReasoningNotText() throws {
        let stream = """
            data: {"choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"thinking…","content":null}}]}

            data: {"choices":[{"index":0,"delta":{"reasoning_content":"more","content":""}}]}

            data: {"choices":[{"index":0,"delta":{"content":"Answer"}}]}

            data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: [DONE]

            """
        #expect(try H.decodeStream(stream, provider: .deepseek) == [.reasoning("thinking…"), .reasoning("more"), .delta("Answer"), .finish(.stop)])
    }

    @Test func anInBandErrorIsThrownWithTheStatusItsTypeImplies() throws {
        // AIClient-2-API: {"error":{"message","type","code":null}} after the headers went out.
        let stream = """
            data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}

            data: {"error":{"message":"upstream overloaded","type":"server_error","code":null}}

            """
        let error = try #require(H.streamError(stream))
        #expect(error.kind == .upstream)
        #expect(error.status == 500)
        #expect(error.isRetryable)
        #expect(error.upstreamMessage == "upstream overloaded")
        #expect(error.message.contains("server_error"), "\(error.message)")
    }

    @Test func anInBandErrorWithNothingToImplyAStatusIsNotRetried() throws {
        let error = try #require(H.streamError(#"data: {"error":{"message":"something broke"}}"# + "\n\n", provider: .cursor))
        #expect(error.status == nil)
        #expect(error.kind == .upstream)
        #expect(!error.isRetryable)
        #expect(error.upstreamMessage == "something broke")
    }

    @Test func aMalformedChunkIsADecodingErrorNamingTheField() throws {
        let error = try #require(H.streamError("data: {\"choices\":[{\"delta\":{\"content\":[1]}}]}\n\n"))
        #expect(error.kind == .decoding)
        #expect(error.message.contains("choices[0].delta.content: expected a string"), "\(error.message)")
    }

    // MARK: Encoding

    @Test(arguments: [false, true])
    func theEncoderWritesChunksOpenAIClientsRead(_ includeUsage: Bool) throws {
        var request = H.request(stream: true)
        if includeUsage { request.extensions[.openAIChat] = ["stream_options": ["include_usage": true]] }
        var encoder = H.binding.makeStreamEncoder(for: request)
        #expect(encoder.encode(.start(id: "chatcmpl-9", model: "gpt-4.1")).isEmpty)
        // An empty delta writes nothing but the role chunk that opens every stream.
        let opening = try H.payloads(String(decoding: encoder.encode(.delta("")), as: UTF8.self))
        try #require(opening.count == 1)
        let first = opening[0]
        #expect(first["object"] == "chat.completion.chunk")
        #expect(first["id"] == "chatcmpl-9")
        #expect(first["model"] == "gpt-4.1")
        #expect(first["created"]?.int != nil)
        let choice = try #require(first["choices"]?.array?.first)
        #expect(choice["delta"]?["role"] == "assistant")
        #expect(choice["finish_reason"] == .null)
        #expect(encoder.encode(.usage(Usage(inputTokens: 1, outputTokens: 2))).isEmpty)

        let closing = String(decoding: encoder.finish(), as: UTF8.self)
        #expect(closing.hasSuffix("data: [DONE]\n\n"))
        let chunks = try H.payloads(closing)
        #expect(chunks.first?["choices"]?.array?.first?["finish_reason"] == "stop")
        // The usage chunk only for a caller that asked: the openai SDK's `choices[0]` loop fails on it.
        let usage = chunks.dropFirst().first
        #expect((usage != nil) == includeUsage)
        if includeUsage {
            #expect(usage?["choices"] == [])
            #expect(usage?["usage"]?["total_tokens"]?.int == 3)
        }
    }
}
