import ChimeraCore

/// The SSE parser must never crash, and must read the same events however the bytes are split:
/// a stream from the network arrives in arbitrary chunks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSSEParser(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let seed = input.byte()
    let payload = input.rest
    let whole = parseAll([payload[...]])
    let split = parseAll(FuzzInput.chunks(of: payload, seed: seed))
    guard whole == split else {
        fatalError("SSE parser read \(String(describing: whole)) in one piece but \(String(describing: split)) in chunks")
    }
    return 0
}

/// Events, or the refusal's kind, so two runs compare as values.
private func parseAll(_ chunks: [ArraySlice<UInt8>]) -> Result<[SSEEvent], ChimeraError> {
    var parser = SSEParser(maxLineBytes: 4096)
    var events: [SSEEvent] = []
    do {
        for chunk in chunks { events += try parser.parse(chunk) }
    } catch {
        precondition(!error.message.isEmpty, "an SSE refusal without a message")
        return .failure(ChimeraError(kind: error.kind, message: "refused"))
    }
    if let last = parser.finish() { events.append(last) }
    return .success(events)
}
