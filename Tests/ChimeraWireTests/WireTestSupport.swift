import ChimeraCore
import ChimeraWire
import Testing

/// Runs Server-Sent Events text through ``SSEParser`` and a binding's stream decoder, as a
/// transport does with a response body, and domain events through its stream encoder, as a
/// server does.
enum StreamHarness {
    /// The domain events `text` decodes to.
    ///
    /// - Parameter chunkSize: The bytes fed to the parser at a time, to prove that chunk
    ///   boundaries (inside lines, UTF-8 sequences and CRLF pairs) do not matter.
    /// - Throws: What the parser or the decoder threw, including the truncation check at the end.
    static func decode(_ text: String, binding: any ProtocolBinding, request: ChatRequest, chunkSize: Int = .max) throws(ChimeraError) -> [ChatStreamEvent] {
        var parser = SSEParser()
        var decoder = binding.makeStreamDecoder(for: request)
        var events: [ChatStreamEvent] = []
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            for event in try parser.parse(bytes[start..<end]) {
                events += try decoder.decode(event)
            }
            start = end
        }
        if let last = parser.finish() {
            events += try decoder.decode(last)
        }
        events += try decoder.finish()
        return events
    }

    /// The wire text a binding's stream encoder writes for `events`, closed by its `finish()`.
    static func encode(_ events: [ChatStreamEvent], binding: any ProtocolBinding, request: ChatRequest) -> String {
        var encoder = binding.makeStreamEncoder(for: request)
        var bytes: [UInt8] = []
        for event in events { bytes += encoder.encode(event) }
        bytes += encoder.finish()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The error `text` makes the decoder throw, or `nil` when it decodes.
    static func error(decoding text: String, binding: any ProtocolBinding, request: ChatRequest) -> ChimeraError? {
        do {
            _ = try decode(text, binding: binding, request: request)
            return nil
        } catch {
            return error
        }
    }
}

/// The error an operation threw, or `nil` when it succeeded; an error that is not a
/// ``ChimeraError`` is recorded as an issue.
func thrownError<T>(_ operation: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation) -> ChimeraError? {
    do {
        _ = try operation()
        return nil
    } catch let error as ChimeraError {
        return error
    } catch {
        Issue.record("not a ChimeraError: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

extension ProtocolFamily {
    /// A provider that speaks the family, for calls that need one.
    var sampleProvider: ProviderID {
        switch self {
        case .openAIChat, .openAIResponses: .openai
        case .anthropicMessages: .anthropic
        case .geminiGenerateContent: .gemini
        }
    }
}

/// Lets other tests run every few rounds of a long loop: property tests burn CPU for seconds,
/// and Swift's cooperative pool has only as many threads as cores (two here), which the network
/// tests running beside them need for their time limits to mean anything.
func yieldNowAndThen(_ round: Int) async {
    if round.isMultiple(of: 32) { await Task.yield() }
}
