import ChimeraCore
import ChimeraWire
import Foundation

/// SplitMix64: a seeded generator, so that a random test that fails fails the same way again.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }

    /// `bytes` with one to four random edits: a changed byte, a cut, an inserted byte or a
    /// repeated slice. Near-valid inputs reach deeper into a decoder than pure noise.
    mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        for _ in 0..<Int.random(in: 1...4, using: &self) {
            let index = result.isEmpty ? 0 : Int.random(in: 0..<result.count, using: &self)
            switch Int.random(in: 0..<4, using: &self) {
            case 0 where !result.isEmpty: result[index] = UInt8.random(in: .min ... .max, using: &self)
            case 1: result.removeSubrange(index...)
            case 2: result.insert(UInt8.random(in: .min ... .max, using: &self), at: index)
            default: result.insert(contentsOf: result[index...].prefix(8), at: index)
            }
        }
        return result
    }

    /// Cuts `bytes` into chunks of random sizes, empty chunks included.
    mutating func chunks(of bytes: [UInt8], maxChunk: Int) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            let size = Int.random(in: 0...maxChunk, using: &self)
            let end = min(index + size, bytes.count)
            chunks.append(Array(bytes[index..<end]))
            index = end
        }
        return chunks
    }
}

/// Values that exercise the protobuf mapping: every field set, Unicode, empty and large texts.
enum ProtobufSamples {
    static let unicode = "Grüße, 世界! 👩🏽‍💻 עברית e\u{301} \u{0} \u{FEFF}"
    static let largeText = String(repeating: "Große Antwort ✓ ", count: 70_000)

    static let fullError = ChimeraError(
        kind: .rateLimited, message: "OpenAI answered HTTP 429", provider: .openai, status: 429,
        upstreamMessage: "Rate limit reached for gpt-4.1 — réessayez", body: #"{"error":{"message":"Rate limit reached"}}"#,
        isRetryable: true, retryAfter: .milliseconds(1500), hint: "lower the request rate or raise the limit"
    )

    /// The stream events of one answer, with every finish reason the domain knows and an unknown one.
    static let streamEvents: [ChatStreamEvent] = [
        .delta("Hel"), .delta(unicode), .delta(""),
        .usage(Usage(inputTokens: 12, outputTokens: 0)),
        .finish(.stop), .finish(.stopSequence), .finish(.length), .finish(.toolCalls),
        .finish(.contentFilter), .finish(.unknown("recitation")),
        .usage(Usage(inputTokens: 12, outputTokens: 34, totalTokens: 50)),
    ]

    /// The body of a successful `Stream` call that carries `events`.
    static func streamBody(_ events: [ChatStreamEvent] = streamEvents) throws -> [UInt8] {
        var body: [UInt8] = []
        for event in events {
            body += try ConnectEnvelope(event).encoded()
        }
        body += ConnectEnvelope.endStream().encoded()
        return body
    }

    /// Feeds `chunks` to a fresh decoder and returns what it produced, or the error it threw.
    static func decodeStream(_ chunks: [[UInt8]], provider: ProviderID? = nil) -> (events: [ChatStreamEvent], error: ChimeraError?) {
        var decoder = ProtobufStreamDecoder(provider: provider)
        var events: [ChatStreamEvent] = []
        do {
            for chunk in chunks {
                decoder.append(chunk)
                while let event = try decoder.next() { events.append(event) }
            }
            try decoder.finish()
            return (events, nil)
        } catch {
            return (events, error)
        }
    }
}
