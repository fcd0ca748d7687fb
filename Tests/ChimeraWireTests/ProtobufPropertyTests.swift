import ChimeraCore
import ChimeraWire
import Foundation
import Testing

/// Random domain values using every case and field survive the trip through protobuf bytes
/// unchanged. The generators (``SeededGenerator/request()`` and its neighbours) are seeded, so a
/// failure repeats; the failing value is printed.
@Suite("Protobuf: random full-fidelity values round-trip")
struct ProtobufPropertyTests {
    static let rounds = 400

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
        var random = SeededGenerator(seed: 0xB17E)
        let valid = try [UInt8](ProtobufSamples.fullRequest.protobufData())
        var (read, refused) = (0, 0)
        for round in 0..<Self.rounds {
            await yieldNowAndThen(round)
            do {
                let request = try ChatRequest(protobuf: Data(random.mutate(valid)))
                #expect(try ChatRequest(protobuf: try request.protobufData()) == request, "round \(round)")
                read += 1
            } catch {
                #expect(error.kind == .decoding || error.kind == .invalidRequest)
                #expect(!error.message.isEmpty)
                refused += 1
            }
        }
        #expect(read > 0 && refused > 0)
    }

    @Test func mutatedFullFidelityResponsesDecodeToValuesThatRoundTrip() async throws {
        var random = SeededGenerator(seed: 0xB17F)
        let valid = try [UInt8](ProtobufSamples.fullResponse.protobufData())
        var (read, refused) = (0, 0)
        for round in 0..<Self.rounds {
            await yieldNowAndThen(round)
            do {
                let response = try ChatResponse(protobuf: Data(random.mutate(valid)))
                #expect(try ChatResponse(protobuf: try response.protobufData()) == response, "round \(round)")
                read += 1
            } catch {
                #expect(error.kind == .decoding, "\(error)")
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
