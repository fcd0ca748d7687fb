import ChimeraCore
import ChimeraWire
import Foundation
import Testing

/// Garbage, and near-valid input made by mutating valid input, must give a clear error or a
/// value that survives its own round trip; it must never crash a decoder.
@Suite("Protobuf: decoders against garbage")
struct ProtobufFuzzTests {
    static let rounds = 1_000

    @Test func envelopeDecoderConsumesExactlyTheEnvelopesItReturns() async {
        var random = SeededGenerator(seed: 0xE57)
        let valid = ProtobufEnvelopeTests.body
        var (complete, refused) = (0, 0)
        for round in 0..<Self.rounds {
            await yieldNowAndThen(round)
            let input = round % 2 == 0 ? random.bytes(count: Int.random(in: 0...300, using: &random)) : random.mutate(valid)
            var decoder = ConnectEnvelopeDecoder(maximumMessageSize: 1_000)
            var (fed, consumed): ([UInt8], [UInt8]) = ([], [])
            do {
                for chunk in random.chunks(of: input, maxChunk: 50) {
                    fed += chunk
                    decoder.append(chunk)
                    while let envelope = try decoder.next() { consumed += envelope.encoded() }
                }
                try decoder.finish()
                complete += 1
            } catch {
                #expect(error.kind == .decoding && !error.message.isEmpty)
                refused += 1
            }
            // Whatever happened, the envelopes returned are exactly the bytes they came from, and
            // the rest of what was fed is still buffered.
            #expect(fed.starts(with: consumed), "round \(round)")
            #expect(consumed.count + decoder.bufferedByteCount == fed.count, "round \(round)")
        }
        #expect(complete > 0 && refused > 0)
    }

    @Test func streamDecoderRefusesGarbageWithAClearError() async throws {
        var random = SeededGenerator(seed: 0x57EA)
        let valid = try ProtobufSamples.streamBody()
        var (complete, refused) = (0, 0)
        for round in 0..<Self.rounds {
            await yieldNowAndThen(round)
            let input: [UInt8] = switch round % 3 {
            case 0: random.bytes(count: Int.random(in: 0...300, using: &random))
            case 1: random.mutate(valid)
            default: try Self.envelopesOfGarbage(&random)
            }
            let result = ProtobufSamples.decodeStream(random.chunks(of: input, maxChunk: 40), provider: .qwen)
            if let error = result.error {
                #expect(!error.message.isEmpty && error.provider != nil)
                refused += 1
            } else {
                complete += 1
            }
        }
        #expect(complete > 0 && refused > 0)
    }

    /// Valid framing around payloads that are random, mutated frames or mutated end-of-stream JSON.
    static func envelopesOfGarbage(_ random: inout SeededGenerator) throws -> [UInt8] {
        let frames = try ProtobufSamples.streamEvents.map { try [UInt8](Chimera_Proxy_V1_StreamFrame($0).protobufData()) }
        let ends = [[UInt8](ConnectEnvelope.endStream().payload), [UInt8](ConnectEnvelope.endStream(error: ProtobufSamples.fullError).payload)]
        var body: [UInt8] = []
        for _ in 0..<Int.random(in: 1...5, using: &random) {
            let end = Bool.random(using: &random)
            let payload: [UInt8] = switch Int.random(in: 0..<3, using: &random) {
            case 0: random.bytes(count: Int.random(in: 0...40, using: &random))
            case 1: random.mutate(end ? ends.randomElement(using: &random)! : frames.randomElement(using: &random)!)
            default: end ? ends.randomElement(using: &random)! : frames.randomElement(using: &random)!
            }
            body += ConnectEnvelope(flags: end ? .endStream : [], payload: Data(payload)).encoded()
        }
        return body
    }

    @Test func requestDecoderGivesAValidRequestOrNamesTheProblem() async throws {
        var random = SeededGenerator(seed: 0x2E0)
        let valid = try [UInt8](ProtobufDomainMappingTests.requests[0].protobufData())
        var (read, refused) = (0, 0)
        for round in 0..<Self.rounds {
            await yieldNowAndThen(round)
            let input = round % 2 == 0 ? random.bytes(count: Int.random(in: 0...200, using: &random)) : random.mutate(valid)
            do {
                let request = try ChatRequest(protobuf: Data(input))
                try request.validate()
                #expect(try ChatRequest(protobuf: try request.protobufData()) == request)
                read += 1
            } catch {
                #expect(error.kind == .decoding || error.kind == .invalidRequest)
                refused += 1
            }
        }
        #expect(read > 0 && refused > 0)
    }

    @Test func responseFrameAndErrorDecodersNeverCrash() async throws {
        var random = SeededGenerator(seed: 0x4E5)
        let response = try [UInt8](ProtobufDomainMappingTests.responses[0].protobufData())
        let errorBytes = try [UInt8](Chimera_Proxy_V1_Error(ProtobufSamples.fullError).protobufData())
        let capabilities = try [UInt8](Chimera_Proxy_V1_Capabilities(encodings: [.protobuf], providers: [.openai], models: [
            ModelInfo(id: "gpt-4.1", provider: .openai, displayName: "GPT"),
        ]).protobufData())
        for round in 0..<Self.rounds {
            await yieldNowAndThen(round)
            let noise = round % 2 == 0
            do {
                let decoded = try ChatResponse(protobuf: Data(noise ? random.bytes(count: Int.random(in: 0...120, using: &random)) : random.mutate(response)))
                #expect(try ChatResponse(protobuf: try decoded.protobufData()) == decoded)
            } catch {
                #expect(error.kind == .decoding)
            }
            do {
                let frame = try Chimera_Proxy_V1_StreamFrame(protobuf: Data(random.bytes(count: Int.random(in: 0...40, using: &random))))
                _ = try ChatStreamEvent(frame)
            } catch {
                #expect(!error.message.isEmpty)
            }
            do {
                let message = try Chimera_Proxy_V1_Error(protobuf: Data(random.mutate(errorBytes)))
                let chimeraError = ChimeraError(message)
                #expect(ChimeraError(try Chimera_Proxy_V1_Error(protobuf: Chimera_Proxy_V1_Error(chimeraError).protobufData())) == chimeraError)
            } catch {
                #expect(error.kind == .decoding)
            }
            do {
                let decoded = try Chimera_Proxy_V1_Capabilities(protobuf: Data(random.mutate(capabilities)))
                _ = (decoded.offeredEncodings, decoded.servedProviders, decoded.knownModels)
            } catch {
                #expect(error.kind == .decoding)
            }
        }
    }

    @Test func connectErrorReadersNeverCrash() async throws {
        var random = SeededGenerator(seed: 0x15_0)
        let validError = [UInt8](ConnectError(ProtobufSamples.fullError).jsonData())
        let validEnd = [UInt8](ConnectEnvelope.endStream(error: ProtobufSamples.fullError).payload)
        var (read, refused) = (0, 0)
        for round in 0..<Self.rounds {
            await yieldNowAndThen(round)
            let input: [UInt8] = switch round % 3 {
            case 0: random.bytes(count: Int.random(in: 0...100, using: &random))
            case 1: random.mutate(validError)
            default: random.mutate(validEnd)
            }
            do {
                let connectError = try ConnectError(json: Data(input))
                #expect(try ConnectError(json: connectError.jsonData()) == connectError)
                read += 1
            } catch {
                #expect(error.kind == .decoding)
                refused += 1
            }
            do {
                _ = try ConnectEndStreamResponse(json: Data(input))
            } catch {
                #expect(error.kind == .decoding)
            }
            let status = Int.random(in: 100...599, using: &random)
            let answer = ChimeraError(connectStatus: status, body: Data(input), provider: .cursor)
            #expect(!answer.message.isEmpty && answer.provider != nil)
        }
        #expect(read > 0 && refused > 0)
    }
}
