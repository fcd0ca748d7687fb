import ChimeraCore
import ChimeraWire
import Foundation
import Testing

/// Random domain values using every case and field survive the trip through protobuf bytes
/// unchanged. The generators (``SeededGenerator/request()`` and its neighbours) are seeded, so a
/// failure repeats; the failing value is printed.
@Suite("Protobuf: random full-fidelity values round-trip")
struct ProtobufPropertyTests {
    // Each round builds a whole random conversation; 200 rounds reach every shape (checked below)
    // without starving the timing-sensitive network tests that run beside them.
    static let rounds = 200

    @Test func randomRequestsRoundTrip() async throws {
        var random = SeededGenerator(seed: 0xF1DE_11)
        var shapes: Set<String> = []
        for round in 0..<Self.rounds {
            await yieldNowAndThen(round)
            let request = random.request()
            // The generator keeps requests valid; one that is not is a bug in the generator.
            try request.validate()
            let decoded = try ChatRequest(protobuf: try request.protobufData())
            #expect(decoded == request, "round \(round): \(request)")
            shapes.formUnion(Self.shapes(of: request.messages.flatMap(\.parts)))
        }
        // Every kind of part and source was among them.
        #expect(shapes == Self.allShapes, "missing: \(Self.allShapes.subtracting(shapes).sorted())")
    }

    @Test func randomResponsesRoundTrip() async throws {
        var random = SeededGenerator(seed: 0x4E5_90)
        for round in 0..<Self.rounds {
            await yieldNowAndThen(round)
            let response = random.response()
            #expect(try ChatResponse(protobuf: try response.protobufData()) == response, "round \(round): \(response)")
        }
    }

    @Test func randomStreamsRoundTripThroughEnvelopesSplitAnywhere() async throws {
        var random = SeededGenerator(seed: 0x57_4EA)
        for round in 0..<Self.rounds {
            await yieldNowAndThen(round)
            var events: [ChatStreamEvent] = []
            for _ in 0..<random.count(0...12) { events.append(random.streamEvent()) }
            let body = try ProtobufSamples.streamBody(events)
            let result = ProtobufSamples.decodeStream(random.chunks(of: body, maxChunk: 32), provider: .gemini)
            #expect(result.error == nil, "round \(round)")
            #expect(result.events == events, "round \(round): \(events)")
        }
    }

    /// A decoded request re-encodes to a message that decodes to it again, however the bytes
    /// were written: the libFuzzer target checks the same on arbitrary input.
    @Test func mutatedFullFidelityRequestsDecodeToValuesThatRoundTrip() async throws {
        try await Self.mutationsRoundTrip(seed: 0xB17E, of: ProtobufSamples.fullRequest.protobufData(), refusals: [.decoding, .invalidRequest]) { bytes throws(ChimeraError) in
            let request = try ChatRequest(protobuf: bytes)
            return (request, try ChatRequest(protobuf: try request.protobufData()))
        }
    }

    @Test func mutatedFullFidelityResponsesDecodeToValuesThatRoundTrip() async throws {
        try await Self.mutationsRoundTrip(seed: 0xB17F, of: ProtobufSamples.fullResponse.protobufData(), refusals: [.decoding]) { bytes throws(ChimeraError) in
            let response = try ChatResponse(protobuf: bytes)
            return (response, try ChatResponse(protobuf: try response.protobufData()))
        }
    }

    /// Mutates `valid` for ``rounds`` rounds: each mutation either decodes to a value that
    /// `readTwice` reads back equal, or is refused with an error of one of `refusals`; both happen.
    static func mutationsRoundTrip<Value: Equatable>(
        seed: UInt64, of valid: Data, refusals: [ChimeraError.Kind],
        _ readTwice: (Data) throws(ChimeraError) -> (first: Value, again: Value)
    ) async throws {
        var random = SeededGenerator(seed: seed)
        var (read, refused) = (0, 0)
        for round in 0..<Self.rounds {
            await yieldNowAndThen(round)
            do {
                let (first, again) = try readTwice(Data(random.mutate([UInt8](valid))))
                #expect(again == first, "round \(round)")
                read += 1
            } catch {
                #expect(refusals.contains(error.kind) && !error.message.isEmpty, "\(error)")
                refused += 1
            }
        }
        #expect(read > 0 && refused > 0)
    }

    static let allShapes: Set<String> = [
        "text", "image", "document", "toolCall", "toolResult", "reasoning", "opaque",
        "base64", "url", "file", "source-text", "nested",
    ]

    static func shapes(of parts: [ContentPart], nested: Bool = false) -> Set<String> {
        var shapes: Set<String> = nested ? ["nested"] : []
        for part in parts {
            switch part {
            case .text: shapes.insert("text")
            case .image(let media), .document(let media):
                if case .image = part { shapes.insert("image") } else { shapes.insert("document") }
                switch media.source {
                case .base64: shapes.insert("base64")
                case .url: shapes.insert("url")
                case .file: shapes.insert("file")
                case .text: shapes.insert("source-text")
                }
            case .toolCall: shapes.insert("toolCall")
            case .toolResult(let result):
                shapes.insert("toolResult")
                if !result.content.isEmpty { shapes.formUnion(Self.shapes(of: result.content, nested: true)) }
            case .reasoning: shapes.insert("reasoning")
            case .opaque: shapes.insert("opaque")
            }
        }
        return shapes
    }
}
