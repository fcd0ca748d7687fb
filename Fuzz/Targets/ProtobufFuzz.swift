import ChimeraCore
import ChimeraWire
import Foundation

/// The binary protocol's decoders: protobuf messages, Connect envelope framing split at any
/// point, the stream decoder, Connect error bodies and end-of-stream JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtobuf(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let operation = input.byte() % 6
    let seed = input.byte()
    let payload = input.rest
    do {
        switch operation {
        case 0:
            let request = try ChatRequest(protobuf: Data(payload))
            // What decodes must encode and decode to the same request.
            let again = try ChatRequest(protobuf: request.protobufData())
            precondition(again == request, "a protobuf ChatRequest changed in a round trip")
        case 1:
            _ = try ChatResponse(protobuf: Data(payload))
        case 2:
            try checkFraming(payload, seed: seed)
        case 3:
            var decoder = ProtobufStreamDecoder(provider: .openai, maximumMessageSize: 1 << 16)
            for chunk in FuzzInput.chunks(of: payload, seed: seed) {
                decoder.append(chunk)
                while try decoder.next() != nil {}
            }
            try decoder.finish()
        case 4:
            let error = ChimeraError(connectStatus: 400 + Int(seed) % 200, body: Data(payload), provider: .gemini)
            precondition(!error.message.isEmpty, "a Connect error without a message")
        default:
            _ = try ConnectEndStreamResponse(json: Data(payload))
        }
    } catch {
        precondition(!error.message.isEmpty, "a protobuf decoder threw an error without a message")
    }
    return 0
}

/// The envelope decoder returns exactly the bytes it consumed, whatever the split, and keeps
/// the rest buffered.
private func checkFraming(_ payload: [UInt8], seed: UInt8) throws(ChimeraError) {
    var decoder = ConnectEnvelopeDecoder(maximumMessageSize: 1 << 16)
    var fed: [UInt8] = []
    var consumed: [UInt8] = []
    defer {
        precondition(fed.starts(with: consumed), "envelopes returned bytes that were not fed in that order")
        precondition(consumed.count + decoder.bufferedByteCount == fed.count, "the envelope decoder lost or invented bytes")
    }
    for chunk in FuzzInput.chunks(of: payload, seed: seed) {
        fed += chunk
        decoder.append(chunk)
        while let envelope = try decoder.next() { consumed += envelope.encoded() }
    }
    try decoder.finish()
}
