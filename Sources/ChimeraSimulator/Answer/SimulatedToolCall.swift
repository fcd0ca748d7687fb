import ChimeraCore

/// One tool call of a simulated answer.
struct SimulatedToolCall: Sendable, Equatable {
    /// The most characters one streamed piece of the arguments holds.
    static let fragmentLength = 10

    /// The tool's name.
    var name: String
    /// The arguments, built from the tool's schema by ``SchemaInstance``.
    var arguments: JSONValue

    /// The arguments as the compact JSON text OpenAI and Anthropic streams carry.
    var argumentsText: String { arguments.serialized() }

    /// The arguments text in the pieces a stream sends them in, ``fragmentLength`` characters each.
    var fragments: [String] {
        var pieces: [String] = []
        var rest = Substring(argumentsText)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(Self.fragmentLength)))
            rest = rest.dropFirst(Self.fragmentLength)
        }
        return pieces
    }

    /// What the call counts in usage: the words of its name and its arguments text.
    var words: Int {
        "\(name) \(argumentsText)".split(whereSeparator: \.isWhitespace).count
    }
}
