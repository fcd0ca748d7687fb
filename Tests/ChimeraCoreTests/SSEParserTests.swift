import ChimeraCore
import Testing

@Suite("SSE parser")
struct SSEParserTests {
    static let openAIStream = """
        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Héllo 👋🏽 世界"},"finish_reason":null}]}

        : keep-alive

        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

        data: {"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}

        data: [DONE]


        """

    static let anthropicStream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","usage":{"input_tokens":12,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type":"ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"こんにちは🎉"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":6}}

        event: message_stop
        data: {"type":"message_stop"}


        """

    static let geminiStream = """
        data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hel"}]},"index":0}],"modelVersion":"gemini-2.5-flash"}

        data: {"candidates":[{"content":{"role":"model","parts":[{"text":"lo, 🌍 Ünïcødé"}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"totalTokenCount":7}}
        """  // no trailing blank line: Gemini and proxies may close right after the last line

    static let streams = [openAIStream, anthropicStream, geminiStream]

    @Test func parsesOpenAIDataOnlyEventsAndSkipsComments() throws {
        let events = try parseWhole(Self.openAIStream)
        #expect(events.count == 5)
        #expect(events.allSatisfy { $0.event == nil })
        #expect(events.last?.data == "[DONE]")
        #expect(events[1].data.contains("Héllo 👋🏽 世界"))
    }

    @Test func parsesAnthropicNamedEvents() throws {
        let events = try parseWhole(Self.anthropicStream)
        #expect(events.map(\.event) == [
            "message_start", "content_block_start", "ping", "content_block_delta",
            "content_block_stop", "message_delta", "message_stop",
        ])
    }

    @Test func dispatchesAFinalEventWithoutTrailingBlankLine() throws {
        let events = try parseWhole(Self.geminiStream)
        #expect(events.count == 2)
        #expect(events[1].data.hasSuffix(#""totalTokenCount":7}}"#))
    }

    @Test func joinsMultiLineDataAndReadsAllFields() throws {
        let events = try parseWhole("event: update\nid: 42\nretry: 1500\ndata: first\ndata:second\ndata\n\n")
        #expect(events == [SSEEvent(event: "update", data: "first\nsecond\n", id: "42", retry: 1500)])
    }

    @Test func acceptsCRAndCRLFLineEnds() throws {
        let lf = try parseWhole("data: a\n\ndata: b\n\n")
        #expect(try parseWhole("data: a\r\n\r\ndata: b\r\n\r\n") == lf)
        #expect(try parseWhole("data: a\r\rdata: b\r\r") == lf)
        #expect(try parseWhole("data: a\r\n\ndata: b\n\r\n") == lf)
    }

    @Test func stripsOnlyOneSpaceAfterTheColonAndALeadingBOM() throws {
        let events = try parseWhole("\u{FEFF}data:  two spaces\n\n")
        #expect(events == [SSEEvent(data: " two spaces")])
    }

    @Test func ignoresUnknownFieldsAndInvalidRetry() throws {
        let events = try parseWhole("foo: bar\nretry: 12a\ndata: x\n\n")
        #expect(events == [SSEEvent(data: "x")])
    }

    @Test func dispatchesANamedEventWithoutDataInsteadOfDroppingIt() throws {
        #expect(try parseWhole("event: ping\n\n") == [SSEEvent(event: "ping", data: "")])
    }

    @Test func commentOnlyStreamHasNoEvents() throws {
        #expect(try parseWhole(": keep-alive\n\n: keep-alive\n").isEmpty)
    }

    @Test func rejectsALineOverTheLimit() {
        var parser = SSEParser(maxLineBytes: 16)
        #expect(throws: ChimeraError.self) {
            _ = try parser.parse(Array("data: 0123456789abcdef\n".utf8))
        }
    }

    @Test(arguments: streams)
    func splittingAtEveryByteOffsetGivesIdenticalEvents(_ stream: String) throws {
        let bytes = Array(stream.utf8)
        let expected = try parseWhole(stream)
        for offset in 0...bytes.count {
            #expect(try parse(chunks: [Array(bytes[..<offset]), Array(bytes[offset...])]) == expected, "split at \(offset)")
        }
    }

    @Test(arguments: streams)
    func oneByteAtATimeGivesIdenticalEvents(_ stream: String) throws {
        let bytes = Array(stream.utf8)
        #expect(try parse(chunks: bytes.map { [$0] }) == parseWhole(stream))
    }

    @Test func randomChunkingsGiveIdenticalEvents() throws {
        var generator = SplitMix64(seed: 0x5EED)
        for stream in Self.streams + [Self.openAIStream.replacingOccurrences(of: "\n", with: "\r\n")] {
            let bytes = Array(stream.utf8)
            let expected = try parseWhole(stream)
            for _ in 0..<400 {
                var chunks: [[UInt8]] = []
                var start = 0
                while start < bytes.count {
                    let length = Int.random(in: 1...max(1, min(17, bytes.count - start)), using: &generator)
                    chunks.append(Array(bytes[start..<start + length]))
                    start += length
                }
                #expect(try parse(chunks: chunks) == expected)
            }
        }
    }

    private func parseWhole(_ text: String) throws -> [SSEEvent] {
        try parse(chunks: [Array(text.utf8)])
    }

    private func parse(chunks: [[UInt8]]) throws -> [SSEEvent] {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        for chunk in chunks {
            events += try parser.parse(chunk)
        }
        if let last = parser.finish() { events.append(last) }
        return events
    }
}

/// A small seeded generator so random tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
