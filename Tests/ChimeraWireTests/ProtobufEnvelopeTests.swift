import ChimeraCore
import ChimeraWire
import Foundation
import Testing

@Suite("Protobuf: Connect envelopes and the stream decoder")
struct ProtobufEnvelopeTests {
    // The example of docs/binary-protocol.md: a StreamFrame whose delta is "Hi".
    @Test func envelopeIsFlagsThenBigEndianLengthThenPayload() throws {
        #expect(try [UInt8](Chimera_Proxy_V1_StreamFrame(.delta("Hi")).protobufData()) == [0x0A, 0x02, 0x48, 0x69])
        #expect([UInt8](try ConnectEnvelope(.delta("Hi")).encoded()) == [0x00, 0x00, 0x00, 0x00, 0x04, 0x0A, 0x02, 0x48, 0x69])
        #expect([UInt8](ConnectEnvelope.endStream().encoded()) == [0x02, 0x00, 0x00, 0x00, 0x02, 0x7B, 0x7D])
        let large = ConnectEnvelope(message: Data(repeating: 7, count: 0x01_02_03))
        #expect([UInt8](large.encoded().prefix(5)) == [0x00, 0x00, 0x01, 0x02, 0x03])
    }

    // The whole stream of docs/binary-protocol.md, byte for byte.
    @Test func documentedStreamDecodesToItsEvents() throws {
        let body: [UInt8] = [
            0x00, 0x00, 0x00, 0x00, 0x04, 0x0A, 0x02, 0x48, 0x69,
            0x00, 0x00, 0x00, 0x00, 0x06, 0x1A, 0x04, 0x73, 0x74, 0x6F, 0x70,
            0x00, 0x00, 0x00, 0x00, 0x08, 0x12, 0x06, 0x08, 0x09, 0x10, 0x03, 0x18, 0x0C,
            0x02, 0x00, 0x00, 0x00, 0x02, 0x7B, 0x7D,
        ]
        let events: [ChatStreamEvent] = [.delta("Hi"), .finish(.stop), .usage(Usage(inputTokens: 9, outputTokens: 3))]
        #expect(try ProtobufSamples.streamBody(events) == body)
        let result = ProtobufSamples.decodeStream([body])
        #expect(result.error == nil && result.events == events)
        let request: [UInt8] = [
            0x0A, 0x06, 0x6F, 0x70, 0x65, 0x6E, 0x61, 0x69, 0x12, 0x07, 0x67, 0x70, 0x74, 0x2D, 0x34, 0x2E, 0x31,
            0x1A, 0x0A, 0x0A, 0x04, 0x75, 0x73, 0x65, 0x72, 0x12, 0x02, 0x48, 0x69,
        ]
        #expect(try [UInt8](ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.user("Hi")]).protobufData()) == request)
    }

    /// Envelopes of assorted sizes: empty, one byte, a length needing two bytes, a stream end.
    static let envelopes: [ConnectEnvelope] = [
        ConnectEnvelope(message: Data()),
        ConnectEnvelope(message: Data([0x42])),
        ConnectEnvelope(message: Data((0..<300).map { UInt8($0 % 251) })),
        ConnectEnvelope(flags: .compressed, payload: Data([1, 2, 3])),
        ConnectEnvelope(message: Data("Grüße 👋".utf8)),
        ConnectEnvelope.endStream(error: ProtobufSamples.fullError),
    ]

    static let body: [UInt8] = envelopes.flatMap { [UInt8]($0.encoded()) }

    static func decodeEnvelopes(_ chunks: [[UInt8]], maximumMessageSize: Int = ConnectProtocol.defaultMaximumMessageSize) throws(ChimeraError) -> [ConnectEnvelope] {
        var decoder = ConnectEnvelopeDecoder(maximumMessageSize: maximumMessageSize)
        var envelopes: [ConnectEnvelope] = []
        for chunk in chunks {
            decoder.append(chunk)
            while let envelope = try decoder.next() { envelopes.append(envelope) }
        }
        try decoder.finish()
        #expect(decoder.bufferedByteCount == 0)
        return envelopes
    }

    @Test func decoderYieldsTheSameEnvelopesWhereverTheBodyIsSplit() throws {
        for offset in 0...Self.body.count {
            let chunks = [Array(Self.body[..<offset]), Array(Self.body[offset...])]
            #expect(try Self.decodeEnvelopes(chunks) == Self.envelopes, "split at \(offset)")
        }
    }

    @Test func decoderYieldsTheSameEnvelopesFedOneByteAtATime() throws {
        #expect(try Self.decodeEnvelopes(Self.body.map { [$0] }) == Self.envelopes)
    }

    @Test func decoderYieldsTheSameEnvelopesForAThousandRandomChunkings() async throws {
        var random = SeededGenerator(seed: 0xC0FFEE)
        var envelopes = Self.envelopes
        envelopes.insert(ConnectEnvelope(message: Data(random.bytes(count: 20_000))), at: 3)
        let body = envelopes.flatMap { [UInt8]($0.encoded()) }
        for round in 0..<1_000 {
            await yieldNowAndThen(round)
            let chunks = random.chunks(of: body, maxChunk: round % 2 == 0 ? 16 : 8_000)
            #expect(try Self.decodeEnvelopes(chunks) == envelopes, "chunking \(round)")
        }
    }

    @Test func streamDecoderYieldsEveryEventWhereverTheBodyIsSplit() throws {
        let body = try ProtobufSamples.streamBody()
        for offset in 0...body.count {
            let result = ProtobufSamples.decodeStream([Array(body[..<offset]), Array(body[offset...])])
            #expect(result.error == nil, "split at \(offset)")
            #expect(result.events == ProtobufSamples.streamEvents, "split at \(offset)")
        }
    }

    @Test func streamDecoderYieldsEveryEventForAThousandRandomChunkings() async throws {
        // A delta long enough for a two-byte length, short enough for debug builds to parse a thousand times.
        let events = ProtobufSamples.streamEvents + [.delta(String(repeating: "✓ Große ", count: 300))]
        let body = try ProtobufSamples.streamBody(events)
        var random = SeededGenerator(seed: 42)
        for round in 0..<1_000 {
            await yieldNowAndThen(round)
            let result = ProtobufSamples.decodeStream(random.chunks(of: body, maxChunk: round % 2 == 0 ? 16 : 8_000))
            #expect(result.error == nil && result.events == events, "chunking \(round)")
        }
    }

    @Test func oversizedEnvelopeIsRefusedAsSoonAsItsHeaderArrives() throws {
        var decoder = ConnectEnvelopeDecoder()
        decoder.append([0x00, 0x00, 0x40, 0x00, 0x01])  // 4 MiB + 1
        let error = try #require(throws: ChimeraError.self) { try decoder.next() }
        #expect(error.kind == .decoding)
        #expect(error.message == "a Connect envelope announces a 4194305-byte message, over the 4194304-byte limit")
        // Still refused when asked again: the decoder does not skip past it into garbage.
        #expect(throws: ChimeraError.self) { try decoder.next() }
    }

    @Test func envelopeOfExactlyTheLimitIsAccepted() throws {
        let envelope = ConnectEnvelope(message: Data(repeating: 1, count: 64))
        #expect(try Self.decodeEnvelopes([[UInt8](envelope.encoded())], maximumMessageSize: 64) == [envelope])
        #expect(throws: ChimeraError.self) { try Self.decodeEnvelopes([[UInt8](envelope.encoded())], maximumMessageSize: 63) }
    }

    @Test func streamDecoderRefusesAnOversizedFrameNamingTheProvider() throws {
        var decoder = ProtobufStreamDecoder(provider: .anthropic, maximumMessageSize: 8)
        decoder.append(try ConnectEnvelope(.delta("more than eight bytes")).encoded())
        let error = try #require(throws: ChimeraError.self) { try decoder.next() }
        #expect(error.kind == .decoding && error.provider == .anthropic)
        #expect(error.message.contains("over the 8-byte limit"))
    }

    @Test func bodyCutAnywhereInsideAnEnvelopeIsReportedAsTruncated() throws {
        let boundaries = Set(Self.envelopes.reduce(into: [0]) { $0.append($0.last! + $1.encoded().count) })
        for offset in 0..<Self.body.count where !boundaries.contains(offset) {
            let error = try #require(throws: ChimeraError.self, "cut at \(offset)") {
                try Self.decodeEnvelopes([Array(Self.body[..<offset])])
            }
            #expect(error.kind == .decoding)
            #expect(error.message.hasPrefix("the stream was truncated: it ended inside a Connect envelope"), "cut at \(offset)")
        }
    }

    @Test func truncationSaysHowMuchOfTheEnvelopeArrived() throws {
        let envelope = [UInt8](ConnectEnvelope(message: Data(repeating: 9, count: 10)).encoded())
        var header = ConnectEnvelopeDecoder()
        header.append(envelope.prefix(3))
        #expect(try header.next() == nil)
        let headerError = try #require(throws: ChimeraError.self) { try header.finish() }
        #expect(headerError.message == "the stream was truncated: it ended inside a Connect envelope header (3 of 5 bytes)")
        var payload = ConnectEnvelopeDecoder()
        payload.append(envelope.prefix(9))
        #expect(try payload.next() == nil)
        let payloadError = try #require(throws: ChimeraError.self) { try payload.finish() }
        #expect(payloadError.message == "the stream was truncated: it ended inside a Connect envelope (4 of 10 payload bytes)")
    }

    @Test func streamCutAnywhereBeforeTheEndOfStreamIsAnErrorNotAShortAnswer() throws {
        let body = try ProtobufSamples.streamBody()
        for offset in 0..<body.count {
            let result = ProtobufSamples.decodeStream([Array(body[..<offset])], provider: .openai)
            let error = try #require(result.error, "cut at \(offset)")
            #expect(error.kind == .decoding && error.provider == .openai)
            #expect(error.message.hasPrefix("the stream was truncated"), "cut at \(offset)")
            #expect(ProtobufSamples.streamEvents.starts(with: result.events), "cut at \(offset)")
        }
    }

    @Test func eventsSentBeforeAFailureArriveBeforeTheFailureIsThrown() throws {
        var body = try [UInt8](ConnectEnvelope(.delta("partial ")).encoded()) + ConnectEnvelope(.delta("answer")).encoded()
        body += ConnectEnvelope.endStream(error: ProtobufSamples.fullError).encoded()
        var decoder = ProtobufStreamDecoder(provider: .gemini)
        decoder.append(body)
        #expect(try decoder.next() == .delta("partial "))
        #expect(try decoder.next() == .delta("answer"))
        let error = try #require(throws: ChimeraError.self) { try decoder.next() }
        #expect(error == ProtobufSamples.fullError)
        #expect(decoder.isComplete)
        #expect(try decoder.next() == nil)
        try decoder.finish()
    }

    @Test func failureFromAConnectServerThatIsNotChimeraIsAttributedToTheProvider() throws {
        let payload = Data(#"{"error":{"code":"unavailable","message":"overloaded"}}"#.utf8)
        let result = ProtobufSamples.decodeStream([[UInt8](ConnectEnvelope(flags: .endStream, payload: payload).encoded())], provider: .deepseek)
        let error = try #require(result.error)
        #expect(error.kind == .upstream && error.isRetryable && error.provider == .deepseek)
        #expect(error.status == nil, "a stream's HTTP status is 200 whatever happens")
        #expect(error.upstreamMessage == "overloaded")
    }

    @Test func errorFrameEndsTheStreamWithItsError() throws {
        var frame = Chimera_Proxy_V1_StreamFrame()
        frame.error = Chimera_Proxy_V1_Error(ChimeraError(kind: .upstream, message: "provider hung up", isRetryable: false))
        let body = try [UInt8](ConnectEnvelope(.delta("a")).encoded()) + ConnectEnvelope(message: frame.protobufData()).encoded()
        let result = ProtobufSamples.decodeStream([body], provider: .openai)
        #expect(result.events == [.delta("a")])
        #expect(result.error?.message == "provider hung up")
        #expect(result.error?.provider == .openai)
    }

    @Test func framesOfANewerProxyAreSkipped() throws {
        // Field 15, varint 1: a oneof case this version does not know.
        let unknown = ConnectEnvelope(message: Data([0x78, 0x01]))
        let body = try [UInt8](unknown.encoded()) + ConnectEnvelope(.delta("a")).encoded() + ConnectEnvelope.endStream().encoded()
        let result = ProtobufSamples.decodeStream([body])
        #expect(result.error == nil && result.events == [.delta("a")])
    }

    @Test func bytesAfterTheEndOfStreamAreIgnored() throws {
        let body = try ProtobufSamples.streamBody([.delta("done")]) + [0xFF, 0x00, 0x13]
        let result = ProtobufSamples.decodeStream([body])
        #expect(result.error == nil && result.events == [.delta("done")])
    }

    @Test(arguments: [UInt8(0x01), 0x03, 0x04, 0x80])
    func envelopeWithCompressionOrReservedFlagsIsRefused(_ flags: UInt8) throws {
        let envelope = ConnectEnvelope(flags: ConnectEnvelope.Flags(rawValue: flags), payload: Data([0x0A, 0x00]))
        let result = ProtobufSamples.decodeStream([[UInt8](envelope.encoded())])
        let error = try #require(result.error)
        #expect(error.kind == .decoding)
        #expect(error.message.contains(flags & 0x01 != 0 && flags & ~0x03 == 0 ? "compressed" : "reserved"))
    }

    @Test func endOfStreamThatIsNotJSONIsRefused() throws {
        let result = ProtobufSamples.decodeStream([[UInt8](ConnectEnvelope(flags: .endStream, payload: Data([0x0A])).encoded())])
        #expect(result.error?.kind == .decoding)
        #expect(result.error?.message.hasPrefix("the end-of-stream message is not Connect's") == true)
    }
}
