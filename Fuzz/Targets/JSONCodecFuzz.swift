import ChimeraCore
import ChimeraWire

/// Every JSON decoder of the three protocol bindings, on bytes from the network: requests (the
/// proxy and `chimera serve` read them), responses, streams, errors and model lists (the client
/// reads them). Throwing is fine; crashing, hanging or an error without a message is not.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONCodecs(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let provider = ProviderID.allCases[Int(input.byte()) % ProviderID.allCases.count]
    let operation = input.byte() % 6
    let seed = input.byte()
    let body = input.rest
    let binding = ProtocolBindings.binding(for: provider)
    // What the decoders of answers and streams are told was asked: only the provider and model matter.
    let request = ChatRequest(provider: provider, model: "m", messages: [.user("Hi")], stream: operation == 2)
    do {
        switch operation {
        case 0:
            _ = try binding.decodeRequest(body, provider: provider, model: seed.isMultiple(of: 2) ? nil : "m", stream: nil)
        case 1:
            _ = try binding.decodeResponse(body, for: request)
        case 2:
            try decodeStream(body, binding: binding, request: request, seed: seed)
        case 3:
            let headers = [(name: "retry-after", value: String(decoding: body.prefix(Int(seed) % 16), as: UTF8.self))]
            let error = binding.decodeError(status: 400 + Int(seed) % 200, headers: headers, body: body, provider: provider)
            precondition(!error.message.isEmpty, "decodeError gave an error without a message")
        case 4:
            _ = try binding.decodeModelList(body, provider: provider)
        default:
            // A decoded request must encode again: what the proxy accepts it can forward.
            let decoded = try binding.decodeRequest(body, provider: provider, model: "m", stream: nil)
            _ = try binding.encodeRequest(decoded)
        }
    } catch {
        precondition(!error.message.isEmpty, "a decoder threw an error without a message")
    }
    return 0
}

/// Feeds the payload through the SSE parser into the binding's stream decoder, as a client does.
private func decodeStream(_ payload: [UInt8], binding: any ProtocolBinding, request: ChatRequest, seed: UInt8) throws(ChimeraError) {
    var parser = SSEParser(maxLineBytes: 1 << 16)
    var decoder = binding.makeStreamDecoder(for: request)
    for chunk in FuzzInput.chunks(of: payload, seed: seed) {
        for event in try parser.parse(chunk) { _ = try decoder.decode(event) }
    }
    if let last = parser.finish() { _ = try decoder.decode(last) }
    _ = try decoder.finish()
}
