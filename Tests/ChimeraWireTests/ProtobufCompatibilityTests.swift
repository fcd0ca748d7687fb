import ChimeraCore
import ChimeraWire
import Foundation
import SwiftProtobuf
import Testing

/// Old and new peers understand each other: `Legacy_*` (ProtobufLegacySchema.pb.swift) is the
/// schema as it was before full fidelity, so these tests read and write exactly the bytes an
/// older client or proxy does.
@Suite("Protobuf: compatibility with peers older and newer than full fidelity")
struct ProtobufCompatibilityTests {
    static let plainRequest = ChatRequest(
        provider: .anthropic, model: "claude-sonnet-4-5",
        messages: [.system("Be brief."), .user("Hi"), .assistant(""), .user("again")],
        temperature: 0.7, topP: 0.9, maxTokens: 1024, stopSequences: ["END"], stream: true
    )

    static func legacyPlainRequest() -> Legacy_ChatRequest {
        var legacy = Legacy_ChatRequest()
        legacy.provider = "anthropic"
        legacy.model = "claude-sonnet-4-5"
        legacy.messages = [("system", "Be brief."), ("user", "Hi"), ("assistant", ""), ("user", "again")].map { role, content in
            var message = Legacy_Message()
            message.role = role
            message.content = content
            return message
        }
        legacy.temperature = 0.7
        legacy.topP = 0.9
        legacy.maxTokens = 1024
        legacy.stopSequences = ["END"]
        legacy.stream = true
        return legacy
    }

    // MARK: Plain text is the same bytes both ways

    @Test func plainTextRequestIsTheSameBytesAnOlderClientWrites() throws {
        let new = try Self.plainRequest.protobufData()
        let old: Data = try Self.legacyPlainRequest().serializedBytes()
        #expect(new == old)
        #expect(try ChatRequest(protobuf: old) == Self.plainRequest)
    }

    @Test func documentedTwentyNineByteRequestStillReadsAndWrites() throws {
        let bytes = Data([
            0x0A, 0x06, 0x6F, 0x70, 0x65, 0x6E, 0x61, 0x69, 0x12, 0x07, 0x67, 0x70, 0x74, 0x2D, 0x34, 0x2E, 0x31,
            0x1A, 0x0A, 0x0A, 0x04, 0x75, 0x73, 0x65, 0x72, 0x12, 0x02, 0x48, 0x69,
        ])
        let request = ChatRequest(provider: .openai, model: "gpt-4.1", messages: [.user("Hi")])
        #expect(try ChatRequest(protobuf: bytes) == request)
        #expect(try request.protobufData() == bytes)
    }

    @Test func plainTextAnswerAndStreamAreTheSameBytesAnOlderProxyWrites() throws {
        let response = ChatResponse(
            id: "r1", provider: .openai, model: "gpt-4.1", text: "Hello", finishReason: .stop,
            usage: Usage(inputTokens: 9, outputTokens: 3), route: .proxy, wireProtocol: .protobuf
        )
        var legacy = Legacy_ChatResponse()
        legacy.id = "r1"
        legacy.provider = "openai"
        legacy.model = "gpt-4.1"
        legacy.text = "Hello"
        legacy.finishReason = "stop"
        legacy.usage.inputTokens = 9
        legacy.usage.outputTokens = 3
        legacy.usage.totalTokens = 12
        let old: Data = try legacy.serializedBytes()
        #expect(try response.protobufData() == old)
        #expect(try ChatResponse(protobuf: old) == response)

        // The stream of the documentation's example, byte for byte.
        let events: [ChatStreamEvent] = [.delta("Hi"), .finish(.stop), .usage(Usage(inputTokens: 9, outputTokens: 3))]
        let expected: [UInt8] = [
            0x00, 0x00, 0x00, 0x00, 0x04, 0x0A, 0x02, 0x48, 0x69,
            0x00, 0x00, 0x00, 0x00, 0x06, 0x1A, 0x04, 0x73, 0x74, 0x6F, 0x70,
            0x00, 0x00, 0x00, 0x00, 0x08, 0x12, 0x06, 0x08, 0x09, 0x10, 0x03, 0x18, 0x0C,
            0x02, 0x00, 0x00, 0x00, 0x02, 0x7B, 0x7D,
        ]
        #expect(try ProtobufSamples.streamBody(events) == expected)
    }

    // MARK: A new client and an old proxy

    @Test func olderProxyReadsTheTextFieldsOfAFullFidelityRequest() throws {
        let bytes = try ProtobufSamples.fullRequest.protobufData()
        let old = try Legacy_ChatRequest(serializedBytes: bytes)
        #expect(old.provider == "openai" && old.model == "gpt-4.1")
        #expect(old.temperature == 0.5 && old.topP == 0.9 && old.maxTokens == 1024 && old.stream)
        #expect(old.messages.map(\.role) == ["system", "user", "assistant", "tool", "user", "assistant", "developer"])
        // Turns written as parts reach it without text: it cannot carry them, which is why a
        // client checks Capabilities.features before sending them.
        #expect(old.messages.allSatisfy { $0.content.isEmpty })
        // What it does not know it keeps as unknown fields, and would not send upstream.
        #expect(!old.unknownFields.data.isEmpty)
    }

    @Test func olderProxyIsToldApartByItsCapabilities() throws {
        var old = Legacy_Capabilities()
        old.protocolVersion = 1
        old.encodings = ["json", "protobuf"]
        old.providers = ["openai"]
        let read = try Chimera_Proxy_V1_Capabilities(protobuf: try old.serializedBytes())
        #expect(!read.offersFullFidelity)
        #expect(read.offeredEncodings == [.json, .protobuf])
        let new = try Legacy_Capabilities(serializedBytes: try Chimera_Proxy_V1_Capabilities(encodings: [.json, .protobuf], providers: [.openai]).protobufData())
        #expect(new.protocolVersion == 1 && new.encodings == ["json", "protobuf"])
    }

    @Test func olderProxysAnswerReadsAsTextOnly() throws {
        var legacy = Legacy_ChatResponse()
        legacy.id = "r"
        legacy.provider = "gemini"
        legacy.model = "gemini-2.5-pro"
        legacy.text = "Hi"
        let response = try ChatResponse(protobuf: try legacy.serializedBytes())
        #expect(response.parts == [.text("Hi")])
        #expect(response.finishReason == nil && response.usage == nil && response.additionalChoices.isEmpty)
    }

    // MARK: A new proxy and an old client

    @Test func olderClientReadsTheTextOfAnAnswerWithToolCallsAndReasoning() throws {
        let old = try Legacy_ChatResponse(serializedBytes: try ProtobufSamples.fullResponse.protobufData())
        #expect(old.text == "It is sunny. More soon.")
        #expect(old.finishReason == "stop_sequence")
        #expect(old.usage.inputTokens == 100 && old.usage.outputTokens == 50 && old.usage.totalTokens == 151)
    }

    @Test func olderClientReadsTextFinishAndUsageOfANewStreamAndSkipsTheRest() throws {
        var text = ""
        var finishReasons: [String] = []
        var usages: [Legacy_Usage] = []
        var skipped = 0
        for event in ProtobufSamples.streamEvents {
            let frame = try Legacy_StreamFrame(serializedBytes: try Chimera_Proxy_V1_StreamFrame(event).protobufData())
            switch frame.event {
            case .delta(let piece): text += piece
            case .finishReason(let reason): finishReasons.append(reason)
            case .usage(let usage): usages.append(usage)
            case .error: Issue.record("no error frame was sent")
            case nil: skipped += 1
            }
        }
        #expect(text == "Hel" + ProtobufSamples.unicode)
        #expect(finishReasons == ["stop", "stop_sequence", "length", "tool_calls", "content_filter", "recitation", "stop_sequence", "stop_sequence"])
        #expect(usages.count == 3)
        #expect(skipped == 12)
    }

    @Test func olderProxysStreamReadsAsBefore() throws {
        var body: [UInt8] = []
        for frame in [("delta", "Hi"), ("finish", "stop")] {
            var legacy = Legacy_StreamFrame()
            if frame.0 == "delta" { legacy.delta = frame.1 } else { legacy.finishReason = frame.1 }
            body += ConnectEnvelope(message: try legacy.serializedBytes()).encoded()
        }
        // An older proxy wrote an empty frame for every event it had no field for.
        body += ConnectEnvelope(message: Data()).encoded()
        body += ConnectEnvelope.endStream().encoded()
        let result = ProtobufSamples.decodeStream([body])
        #expect(result.error == nil)
        #expect(result.events == [.delta("Hi"), .finish(.stop)])
    }

    // MARK: A newer peer

    /// Fields this version does not know: a varint (field 900), a string (901), a nested message (902).
    static let unknownFields: [UInt8] = {
        func tag(_ field: UInt64, _ wireType: UInt64) -> [UInt8] { varint(field << 3 | wireType) }
        func varint(_ value: UInt64) -> [UInt8] {
            var value = value
            var bytes: [UInt8] = []
            repeat {
                bytes.append(UInt8(value & 0x7F) | (value > 0x7F ? 0x80 : 0))
                value >>= 7
            } while value > 0
            return bytes
        }
        let text = Array("from the future".utf8)
        return tag(900, 0) + varint(300) + tag(901, 2) + varint(UInt64(text.count)) + text + tag(902, 2) + [0x02, 0x08, 0x01]
    }()

    static func withUnknownFields<M: SwiftProtobuf.Message>(_ message: M) throws -> M {
        let bytes: Data = try message.serializedBytes()
        return try M(serializedBytes: bytes + Data(unknownFields))
    }

    @Test func requestWithUnknownFieldsAtEveryLevelDecodes() throws {
        var message = Chimera_Proxy_V1_ChatRequest(ProtobufSamples.fullRequest)
        message.messages[1] = try Self.withUnknownFields(message.messages[1])
        message.messages[1].parts[1] = try Self.withUnknownFields(message.messages[1].parts[1])
        message.messages[1].parts[1].image = try Self.withUnknownFields(message.messages[1].parts[1].image)
        message.tools[0] = try Self.withUnknownFields(message.tools[0])
        message.responseFormat = try Self.withUnknownFields(message.responseFormat)
        let bytes: Data = try message.serializedBytes()
        #expect(try ChatRequest(protobuf: bytes + Data(Self.unknownFields)) == ProtobufSamples.fullRequest)
    }

    @Test func answerAndFramesWithUnknownFieldsDecode() throws {
        var message = Chimera_Proxy_V1_ChatResponse(ProtobufSamples.fullResponse)
        message.parts[2] = try Self.withUnknownFields(message.parts[2])
        message.usage = try Self.withUnknownFields(message.usage)
        let bytes: Data = try message.serializedBytes()
        #expect(try ChatResponse(protobuf: bytes + Data(Self.unknownFields)) == ProtobufSamples.fullResponse)
        for event in ProtobufSamples.streamEvents {
            let frame = try Chimera_Proxy_V1_StreamFrame(protobuf: try Chimera_Proxy_V1_StreamFrame(event).protobufData() + Data(Self.unknownFields))
            #expect(try ChatStreamEvent(frame) == event)
        }
        // A frame holding only a newer event is skipped.
        #expect(try ChatStreamEvent(Chimera_Proxy_V1_StreamFrame(protobuf: Data(Self.unknownFields))) == nil)
    }
}
