import ChimeraCore

/// Watches a Responses API stream relayed as the upstream sent it.
///
/// Every event names its type on its `event:` line, so deltas are skipped unparsed; only the
/// events that end a stream are read: `response.completed` and `response.incomplete` (usage,
/// finish; complete), `response.failed` and `error` (the error). A body that ends without one of
/// them is truncated. Events without an `event:` line are read through the decoder.
struct OpenAIResponsesStreamWatcher: StreamWatcher {
    private var decoder: OpenAIResponsesStreamDecoder
    private(set) var usage: Usage?
    private(set) var finishReason: FinishReason?

    init(provider: ProviderID) {
        decoder = OpenAIResponsesStreamDecoder(provider: provider)
    }

    var isComplete: Bool { decoder.isComplete }

    /// The types that end a stream, the only ones read.
    private static let ending: Set<String> = ["response.completed", "response.incomplete", "response.failed", "error"]

    mutating func observe(_ event: SSEEvent) -> ChimeraError? {
        guard !isComplete else { return nil }
        if let type = event.event, !Self.ending.contains(type) { return nil }
        do {
            for domain in try decoder.decode(event) {
                switch domain {
                case .usage(let counts): usage = counts
                case .finish(let reason, _): finishReason = reason
                default: break
                }
            }
            return nil
        } catch {
            return error
        }
    }

    mutating func finish() -> ChimeraError? {
        do {
            _ = try decoder.finish()
            return nil
        } catch {
            return error
        }
    }
}
