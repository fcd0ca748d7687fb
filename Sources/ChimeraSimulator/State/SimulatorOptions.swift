import Foundation

/// The fault switches of one request, read from the model name and the options header.
///
/// Syntax: comma-separated `name` or `name=value` items, after an `@` in the model name
/// (`gpt-4.1@latency=20,split=3`) or in the ``ProviderSimulator/optionsHeader`` header. Both may
/// be used; a switch in the model name wins over the same switch in the header. Switches in
/// the model name survive a hop through a proxy; the header is handy in direct tests.
///
/// The switches and what they do are listed in ``catalogue`` (which `chimera simulate --help`
/// prints and `docs/simulator.md` repeats).
///
/// "Text chunks" count only the chunks that carry a piece of the visible answer: a word of the
/// text or a fragment of a tool call's arguments. Each protocol's opening events (OpenAI's role
/// chunk, Anthropic's `message_start` …) and reasoning always come first and are not counted.
struct SimulatorOptions: Sendable, Equatable {
    /// The most words `words=` may ask for.
    static let maximumWords = 1_000_000
    /// How long `stall` waits for the client to give up before dropping the connection.
    static let stallLimit: Duration = .seconds(600)
    /// How long `reset-after` lets the chunks already sent reach the client before dropping the connection.
    static let resetGrace: Duration = .milliseconds(100)

    var latency: Duration?
    var words: Int?
    var split: Int?
    var crlf = false
    var status: Int?
    var retryAfterSeconds: Int?
    var retryAfterMilliseconds: Int?
    var fail: Int?
    var quota = false
    var stall = false
    var stallAfter: Int?
    var resetAfter: Int?
    var malformed = false
    var inbandError = false
    var truncateAfter: Int?
    var parallelTools = false
    var redactedThinking = false

    /// Every switch: its syntax and what it does.
    static let catalogue: [(syntax: String, meaning: String)] = [
        ("latency=<ms>", "wait before the response head and between stream chunks"),
        ("words=<n>", "answer with exactly n filler words w1 w2 … (n ≤ 1,000,000)"),
        ("split=<n>", "write the body in pieces of n bytes, each flushed on its own"),
        ("crlf", "end stream lines with CRLF"),
        ("status=<code>", "answer with that error status (400–599) in the protocol's error shape"),
        ("retry-after=<s>", "with status: a retry-after header (and Gemini RetryInfo)"),
        ("retry-after-ms=<ms>", "with status: a retry-after-ms header (and Gemini RetryInfo)"),
        ("fail=<n>", "with status: only the first n requests with this exact model string fail"),
        ("quota", "a 429 \"quota exhausted\" that must not be retried"),
        ("stall", "never answer, until the client leaves (at most 10 minutes)"),
        ("stall-after=<k>", "stream k text chunks, then stall"),
        ("reset-after=<k>", "stream k text chunks, then drop the connection; unary: drop it before answering"),
        ("malformed", "unary: a 200 body that is not JSON; stream: one chunk of invalid JSON"),
        ("inband-error", "stream one text chunk, then the protocol's in-band error event"),
        ("truncate-after=<k>", "stream k text chunks, then end the body cleanly without finish or terminator"),
        ("parallel-tools", "when the answer calls a tool, call every offered tool at once (unless the request forbids parallel calls)"),
        ("redacted-thinking", "Anthropic with thinking: add a redacted_thinking block after the thinking block"),
    ]

    /// No switch set: a plain, well-behaved answer.
    init() {}

    /// Reads the switches of a model name and of the options header.
    ///
    /// - Parameters:
    ///   - model: The model as the request named it, switches included.
    ///   - header: The value of the options header, if any.
    /// - Throws: ``SimulatedFailure/invalidRequest(message:parameter:)`` naming an unknown switch or a bad value.
    init(model: String, header: String?) throws(SimulatedFailure) {
        if let header { try apply(header[...]) }
        if let at = model.firstIndex(of: "@") {
            try apply(model[model.index(after: at)...])
        }
    }

    /// The model name without its switches.
    static func baseModel(_ model: String) -> String {
        model.firstIndex(of: "@").map { String(model[..<$0]) } ?? model
    }

    private mutating func apply(_ list: Substring) throws(SimulatedFailure) {
        for item in list.split(separator: ",") {
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let parts = trimmed.split(separator: "=", maxSplits: 1)
            let name = String(parts[0])
            let value = parts.count > 1 ? String(parts[1]) : nil
            try set(name, value)
        }
    }

    private mutating func set(_ name: String, _ value: String?) throws(SimulatedFailure) {
        switch name {
        case "latency": latency = .milliseconds(try Self.number(name, value, in: 0...600_000))
        case "words": words = try Self.number(name, value, in: 0...Self.maximumWords)
        case "split": split = try Self.number(name, value, in: 1...1 << 20)
        case "crlf": crlf = try Self.flag(name, value)
        case "status": status = try Self.number(name, value, in: 400...599)
        case "retry-after": retryAfterSeconds = try Self.number(name, value, in: 0...86_400)
        case "retry-after-ms": retryAfterMilliseconds = try Self.number(name, value, in: 0...86_400_000)
        case "fail": fail = try Self.number(name, value, in: 0...Int.max)
        case "quota": quota = try Self.flag(name, value)
        case "stall": stall = try Self.flag(name, value)
        case "stall-after": stallAfter = try Self.number(name, value, in: 0...Int.max)
        case "reset-after": resetAfter = try Self.number(name, value, in: 0...Int.max)
        case "malformed": malformed = try Self.flag(name, value)
        case "inband-error": inbandError = try Self.flag(name, value)
        case "truncate-after": truncateAfter = try Self.number(name, value, in: 0...Int.max)
        case "parallel-tools": parallelTools = try Self.flag(name, value)
        case "redacted-thinking": redactedThinking = try Self.flag(name, value)
        default:
            throw .invalidRequest(message: "unknown simulator switch \"\(name.prefix(40))\"", parameter: "model")
        }
    }

    private static func number(_ name: String, _ value: String?, in range: ClosedRange<Int>) throws(SimulatedFailure) -> Int {
        guard let value, let number = Int(value), range.contains(number) else {
            throw .invalidRequest(
                message: "simulator switch \(name) needs a whole number in \(range.lowerBound)...\(range.upperBound)",
                parameter: "model"
            )
        }
        return number
    }

    private static func flag(_ name: String, _ value: String?) throws(SimulatedFailure) -> Bool {
        guard value == nil else {
            throw .invalidRequest(message: "simulator switch \(name) takes no value", parameter: "model")
        }
        return true
    }
}
