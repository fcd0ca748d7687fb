import ChimeraCore
import ChimeraWire
import Foundation
import SwiftProtobuf
import Testing

/// Bytes Swift writes for a full-fidelity request and a streamed tool call, pinned here and
/// read by `Tests/Python/test_protobuf_interop.py` (which takes the base64 from this file), so
/// that a client built from the `.proto` with another toolchain is checked against exactly what
/// Chimera sends and reads: Python parses these bytes and writes the same bytes from its own
/// messages.
@Suite("Protobuf: golden bytes shared with the Python interop test")
struct ProtobufGoldenBytesTests {
    static let request = ChatRequest(
        provider: .openai, model: "gpt-4.1",
        messages: [
            .system("Answer as JSON."),
            .user([.text("What is in this picture, and the weather there?"), .image(base64: ProtobufSamples.pngBase64, mediaType: "image/png")]),
        ],
        temperature: 0.2,
        tools: [Tool(
            name: "get_weather", description: "Current weather",
            parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]], strict: true
        )],
        toolChoice: .auto,
        responseFormat: .jsonSchema(JSONSchemaFormat(name: "answer", schema: ["type": "object"], strict: true)),
        reasoning: ReasoningOptions(effort: .low),
        metadata: ["team": "ios"],
        extensions: [.openAIChat: ["service_tier": "auto"]]
    )

    static let streamEvents: [ChatStreamEvent] = [
        .start(id: "chatcmpl-1", model: "gpt-4.1"),
        .toolCallStart(ToolCallStart(index: 0, id: "call_1", name: "get_weather")),
        .toolCallArguments(index: 0, fragment: #"{"city":"#),
        .toolCallArguments(index: 0, fragment: #""Paris"}"#),
        .toolCallEnd(index: 0),
        .finish(.toolCalls),
        .usage(Usage(inputTokens: 20, outputTokens: 9, cachedInputTokens: 16)),
    ]

    // The Python test finds these two lines by their names: keep each on one line.
    static let goldenRequest = "CgZvcGVuYWkSB2dwdC00LjEaGQoGc3lzdGVtEg9BbnN3ZXIgYXMgSlNPTi4aWAoEdXNlchozCjEKL1doYXQgaXMgaW4gdGhpcyBwaWN0dXJlLCBhbmQgdGhlIHdlYXRoZXIgdGhlcmU/GhsSGQoMiVBORw0KGgoAAAANMglpbWFnZS9wbmchmpmZmZmZyT96bwoLZ2V0X3dlYXRoZXISD0N1cnJlbnQgd2VhdGhlchpNeyJ0eXBlIjoib2JqZWN0IiwicHJvcGVydGllcyI6eyJjaXR5Ijp7InR5cGUiOiJzdHJpbmcifX0sInJlcXVpcmVkIjpbImNpdHkiXX0gAYIBBgoEYXV0b5IBLAoLanNvbl9zY2hlbWESHQoGYW5zd2VyGhF7InR5cGUiOiJvYmplY3QifSABmgEFCgNsb3eqAQsKBHRlYW0SA2lvc7IBIQoGb3BlbmFpEhd7InNlcnZpY2VfdGllciI6ImF1dG8ifQ=="
    static let goldenStream = "AAAAABcqFQoKY2hhdGNtcGwtMRIHZ3B0LTQuMQAAAAAXShUSBmNhbGxfMRoLZ2V0X3dlYXRoZXIAAAAADFIKEgh7ImNpdHkiOgAAAAAMUgoSCCJQYXJpcyJ9AAAAAAJaAAAAAAAMGgp0b29sX2NhbGxzAAAAAAoSCAgUEAkYHSAQAgAAAAJ7fQ=="

    @Test func requestIsTheGoldenBytesAndReadsBack() throws {
        var options = BinaryEncodingOptions()
        // Map entries in key order, as Python's deterministic serialization writes them.
        options.useDeterministicOrdering = true
        let bytes: Data = try Chimera_Proxy_V1_ChatRequest(Self.request).serializedBytes(options: options)
        #expect(bytes.base64EncodedString() == Self.goldenRequest, "now: \(bytes.base64EncodedString())")
        let golden = try #require(Data(base64Encoded: Self.goldenRequest))
        #expect(try ChatRequest(protobuf: golden) == Self.request)
    }

    @Test func streamIsTheGoldenBytesAndReadsBack() throws {
        let body = Data(try ProtobufSamples.streamBody(Self.streamEvents))
        #expect(body.base64EncodedString() == Self.goldenStream, "now: \(body.base64EncodedString())")
        let golden = try #require(Data(base64Encoded: Self.goldenStream))
        let result = ProtobufSamples.decodeStream([Array(golden)], provider: .openai)
        #expect(result.error == nil)
        #expect(result.events == Self.streamEvents)
    }
}
