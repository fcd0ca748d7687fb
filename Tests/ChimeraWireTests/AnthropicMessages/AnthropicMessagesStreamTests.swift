import ChimeraCore
import ChimeraWire
import Testing

private typealias H = AnthropicMessagesHarness

@Suite("Anthropic Messages binding: streams")
struct AnthropicMessagesStreamTests {
    /// A stream as the API sends it with thinking and a tool call (the streaming guide's
    /// transcripts), with a ping, non-ASCII text and CRLF line ends in one event.
    static let transcript = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-sonnet-4-5","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2,"cache_creation_input_tokens":10,"cache_read_input_tokens":20},"content":[],"stop_reason":null}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me solve"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":" this."}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta\r
        data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Okay, let's check — こんにちは"}}\r
        \r
        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: content_block_start
        data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":" \\"San Francisco, CA\\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":2}

        event: content_block_start
        data: {"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_02__sig_c2ln","name":"get_time","input":{}}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":3}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

        event: message_stop
        data: {"type":"message_stop"}


        """

    static let transcriptEvents: [ChatStreamEvent] = [
        .start(id: "msg_014p7gG3wDgGV9EUtLvnow3U", model: "claude-sonnet-4-5"),
        .reasoning("Let me solve"),
        .reasoning(" this."),
        .reasoningSignature("EqQBCgIYAhIM1gbcDa9GJwZA"),
        .delta("Okay, let's check — こんにちは"),
        .toolCallStart(ToolCallStart(index: 0, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather")),
        .toolCallArguments(index: 0, fragment: #"{"location":"#),
        .toolCallArguments(index: 0, fragment: #" "San Francisco, CA"}"#),
        .toolCallEnd(index: 0),
        .toolCallStart(ToolCallStart(index: 1, id: "toolu_02", name: "get_time", signature: "c2ln")),
        .toolCallEnd(index: 1),
        .finish(.toolCalls),
        .usage(Usage(inputTokens: 502, outputTokens: 89, cachedInputTokens: 20, cacheWriteTokens: 10)),
    ]

    @Test(arguments: H.chunkSizes)
    func aStreamDecodesWhereverItIsSplit(_ chunkSize: Int) throws {
        #expect(try H.decodeStream(Self.transcript, chunkSize: chunkSize) == Self.transcriptEvents)
    }

    @Test func eventsWithoutEventLinesAndAProxysTrailingMessageStopDecodeAlike() throws {
        // Split the bytes: to String, CR LF is one character.
        let lines = Array(Self.transcript.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let dataOnly = lines.map { String(decoding: $0, as: UTF8.self) }.filter { !$0.hasPrefix("event:") }.joined(separator: "\n")
        let withDuplicate = dataOnly + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\ndata: not json\n\n"
        #expect(try H.decodeStream(withDuplicate) == Self.transcriptEvents)
    }

    @Test func anErrorEventIsThrownAsTheErrorItStandsFor() throws {
        let text = """
            event: message_start
            data: {"type":"message_start","message":{"id":"m","model":"x","usage":{"input_tokens":1,"output_tokens":0}}}

            event: error
            data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}


            """
        let error = try #require(H.error { () throws(ChimeraError) in try H.decodeStream(text) })
        #expect(error.status == 529)
        #expect(error.isRetryable)
        #expect(error.upstreamMessage == "Overloaded")
    }

    @Test(arguments: [
        ("overloaded_error", 529, true, ChimeraError.Kind.upstream),
        ("rate_limit_error", 429, true, .rateLimited),
        ("api_error", 500, true, .upstream),
        ("invalid_request_error", 400, false, .invalidRequest),
        ("authentication_error", 401, false, .authentication),
    ])
    func anErrorEventOfEachTypeIsThrownWithItsStatus(_ type: String, _ status: Int, _ retryable: Bool, _ kind: ChimeraError.Kind) throws {
        let text = """
            event: message_start
            data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":3,"output_tokens":1}}}

            event: error
            data: {"type":"error","error":{"type":"\(type)","message":"It failed"}}

            """
        let error = try #require(H.error { () throws(ChimeraError) in try H.decodeStream(text) })
        #expect(error.status == status)
        #expect(error.isRetryable == retryable)
        #expect(error.kind == kind)
        #expect(error.upstreamMessage == "It failed")
        #expect(error.message.contains(type), "\(error.message)")
    }

    @Test func aMessageDeltasInputCountReplacesTheStartsAndItsOutputCountIsCumulative() throws {
        let text = """
            data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":0,"output_tokens":0}}}

            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"A"}}

            data: {"type":"message_delta","delta":{},"usage":{"output_tokens":3}}

            data: {"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"input_tokens":20,"output_tokens":5}}

            data: {"type":"message_stop"}

            """
        let events = try H.decodeStream(text)
        #expect(events.last == .usage(Usage(inputTokens: 20, outputTokens: 5)), "\(events)")
        #expect(events.contains(.finish(.length)))
    }

    @Test func aStreamCutOffIsAnError() throws {
        let cutInATool = Self.transcript.components(separatedBy: "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":2}")[0]
        let error = try #require(H.error { () throws(ChimeraError) in try H.decodeStream(cutInATool) })
        #expect(error.kind == .decoding)
        #expect(error.message.contains("truncated"))
        // Ending after the stop reason, without message_stop, is a complete answer.
        let withoutStop = Self.transcript.components(separatedBy: "event: message_stop")[0]
        #expect(try H.decodeStream(withoutStop) == Self.transcriptEvents)
    }

    @Test func theForcedJSONToolStreamsAsText() throws {
        let text = """
            event: message_start
            data: {"type":"message_start","message":{"id":"m","model":"x","usage":{"input_tokens":3,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"json_object","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"a\\":"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"1}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":5}}

            event: message_stop
            data: {"type":"message_stop"}


            """
        let events = try H.decodeStream(text, for: H.request(responseFormat: .jsonObject, stream: true))
        #expect(events == [
            .start(id: "m", model: "x"), .delta(#"{"a":"#), .delta("1}"), .finish(.stop),
            .usage(Usage(inputTokens: 3, outputTokens: 5, cachedInputTokens: nil, cacheWriteTokens: nil)),
        ])
    }

    // MARK: Encoding

    @Test func anyFamilysEventsAreWrittenInAnthropicsOrder() throws {
        // An OpenAI-compatible upstream: parallel calls whose pieces interleave, a `stop`
        // finish although it called tools, the usage after the finish.
        let events: [ChatStreamEvent] = [
            .start(id: "chatcmpl-9", model: "gpt-4.1"),
            .delta("Checking"), .delta(" both."),
            .toolCallStart(ToolCallStart(index: 0, id: "call_a", name: "f")),
            .toolCallArguments(index: 0, fragment: #"{"x":"#),
            .toolCallStart(ToolCallStart(index: 1, id: "call_b", name: "g", signature: "c2ln")),
            .toolCallArguments(index: 1, fragment: #"{"y":2}"#),
            .toolCallArguments(index: 0, fragment: "1}"),
            .delta("late text"),
            .toolCallEnd(index: 0),
            .toolCallEnd(index: 1),
            .finish(.stop),
            .usage(Usage(inputTokens: 50, outputTokens: 9, cachedInputTokens: 40)),
        ]
        let text = H.encodeStream(events)
        let payloads = try H.payloads(text)
        let lines = payloads.map { $0.data.serialized() }
        #expect(lines == [
            #"{"type":"message_start","message":{"id":"chatcmpl-9","type":"message","role":"assistant","model":"gpt-4.1","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}}}"#,
            #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking"}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" both."}}"#,
            #"{"type":"content_block_stop","index":0}"#,
            #"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"call_a","name":"f","input":{}}}"#,
            #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"x\":"}}"#,
            #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"1}"}}"#,
            #"{"type":"content_block_stop","index":1}"#,
            #"{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"call_b__sig_c2ln","name":"g","input":{}}}"#,
            #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"y\":2}"}}"#,
            #"{"type":"content_block_stop","index":2}"#,
            #"{"type":"content_block_start","index":3,"content_block":{"type":"text","text":""}}"#,
            #"{"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"late text"}}"#,
            #"{"type":"content_block_stop","index":3}"#,
            #"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":40,"output_tokens":9}}"#,
            #"{"type":"message_stop"}"#,
        ])
        // Every event names its type on its event line too.
        #expect(payloads.allSatisfy { $0.event == $0.data["type"]?.string })
    }

    @Test func reasoningEndsWithItsSignatureAndRedactedReasoningIsOneBlock() throws {
        let text = H.encodeStream([
            .reasoning("Hmm"), .reasoningSignature("sig-1"), .redactedReasoning("opaque"),
            .reasoningSignature("gemini-only"), .delta("Answer"), .finish(.length),
        ])
        let lines = try H.payloads(text).dropFirst().map { $0.data.serialized() }
        #expect(lines == [
            #"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm"}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig-1"}}"#,
            #"{"type":"content_block_stop","index":0}"#,
            #"{"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"opaque"}}"#,
            #"{"type":"content_block_stop","index":1}"#,
            #"{"type":"content_block_start","index":2,"content_block":{"type":"thinking","thinking":"","signature":""}}"#,
            #"{"type":"content_block_delta","index":2,"delta":{"type":"signature_delta","signature":"gemini-only"}}"#,
            #"{"type":"content_block_stop","index":2}"#,
            #"{"type":"content_block_start","index":3,"content_block":{"type":"text","text":""}}"#,
            #"{"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"Answer"}}"#,
            #"{"type":"content_block_stop","index":3}"#,
            #"{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}"#,
            #"{"type":"message_stop"}"#,
        ])
    }

    @Test(arguments: H.chunkSizes)
    func whatTheEncoderWritesTheDecoderReadsBack(_ chunkSize: Int) throws {
        let text = H.encodeStream(Self.transcriptEvents)
        #expect(try H.decodeStream(text, chunkSize: chunkSize) == Self.transcriptEvents)
    }

    @Test func aFailedStreamEndsWithAnErrorEvent() throws {
        var encoder = H.binding.makeStreamEncoder(for: H.request(stream: true))
        #expect(encoder.contentType == "text/event-stream")
        var bytes = encoder.encode(.delta("partial"))
        bytes += encoder.fail(ChimeraError(kind: .rateLimited, message: "slow down", status: 429, isRetryable: true))
        bytes += encoder.finish()
        let events = try H.payloads(String(decoding: bytes, as: UTF8.self))
        #expect(events.last?.event == "error")
        #expect(events.last?.data == ["type": "error", "error": ["type": "rate_limit_error", "message": "slow down"]])
        #expect(!events.contains { $0.event == "message_stop" })
    }

    @Test func aStreamWithoutEventsStillOpensAndCloses() throws {
        let types = try H.payloads(H.encodeStream([])).map { $0.event }
        #expect(types == ["message_start", "message_delta", "message_stop"])
    }

    // MARK: Watching

    @Test func theWatcherReadsUsageFinishAndCompletion() throws {
        var watcher = H.binding.makeStreamWatcher(for: H.request(stream: true))
        for event in try H.sseEvents(Self.transcript) { #expect(watcher.observe(event) == nil) }
        #expect(watcher.isComplete)
        #expect(watcher.finishReason == .toolCalls)
        #expect(watcher.usage == Usage(inputTokens: 502, outputTokens: 89, cachedInputTokens: 20, cacheWriteTokens: 10))
        #expect(watcher.finish() == nil)
    }

    @Test func theWatcherSkipsContentEventsWithoutParsingThem() throws {
        var watcher = H.binding.makeStreamWatcher(for: H.request(stream: true))
        // Not JSON past its first member: a parse would fail, so the event was not parsed.
        #expect(watcher.observe(SSEEvent(data: #"{"type":"content_block_delta","index":0,"delta":{"#)) == nil)
        #expect(watcher.observe(SSEEvent(event: "content_block_delta", data: "{")) == nil)
        #expect(watcher.usage == nil)
    }

    @Test func theWatcherReportsErrorsAndTruncation() throws {
        var watcher = H.binding.makeStreamWatcher(for: H.request(stream: true))
        let error = watcher.observe(SSEEvent(data: #"{"type":"error","error":{"type":"api_error","message":"boom"}}"#))
        #expect(error?.status == 500)
        #expect(error?.upstreamMessage == "boom")
        var cut = H.binding.makeStreamWatcher(for: H.request(stream: true))
        for event in try H.sseEvents(Self.transcript.components(separatedBy: "event: message_delta")[0]) { _ = cut.observe(event) }
        #expect(cut.finish()?.message.contains("truncated") == true)
    }
}
