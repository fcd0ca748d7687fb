import ChimeraCore

/// The text of one answer, derived only from the request, and its word counts.
///
/// The reply to a conversation is `Simulated reply from <model>: ` followed by the words of the
/// last user message (the model without its fault switches), so non-ASCII prompts come back as
/// non-ASCII answers. With `words=n` it is exactly n filler words `w1 w2 … wn` instead, generated
/// on the fly so that a very long answer is never held in memory. ``SimulatedAnswer`` may also
/// give it a text of its own (tool results, JSON), which keeps its line breaks.
///
/// The reply is cut, as a model would stop, by the first of:
/// - the output limit: only the first `maxOutputWords` words (finish: length);
/// - a stop sequence: the text ends just before the first stop sequence to be completed
///   (finish: stop sequence), the sequence itself is not sent.
///
/// A stream sends it in ``pieces()``: each word with the whitespace that follows it.
///
/// Usage counts words, not tokens: input = the words of every message, system prompt included;
/// output = the words of the text actually sent (a word cut by a stop sequence still counts).
struct SimulatedReply: Sendable {
    /// How the reply ended.
    var finishReason: FinishReason
    /// The stop sequence that cut the reply, when ``finishReason`` is ``FinishReason/stopSequence``.
    var stopSequence: String?
    /// Words in the prompt.
    var inputTokens: Int
    /// Words in the text sent.
    var outputTokens: Int
    /// Input plus output.
    var totalTokens: Int { inputTokens + outputTokens }

    private let words: Words
    /// How many words the output limit lets through.
    private let limit: Int
    /// How many whole pieces are sent.
    private let wholePieces: Int
    /// The start of the piece that a stop sequence cut, sent after the whole pieces.
    private let cutPiece: String?

    /// Plans the reply to `prompt`.
    ///
    /// - Parameters:
    ///   - prompt: The request.
    ///   - fillerWords: The `words=` switch, if set.
    init(to prompt: ChatPrompt, fillerWords: Int?) {
        let words: Words =
            if let fillerWords {
                .filler(count: fillerWords)
            } else {
                .pieces((Self.echoPrefix(prompt.model) + prompt.lastUserWords.map(String.init)).map { $0 + " " })
            }
        self.init(words: words, prompt: prompt)
    }

    /// Plans a reply that says `text`, cut by the prompt's limits like any other.
    init(text: String, prompt: ChatPrompt) {
        self.init(words: .pieces(Self.pieces(of: text)), prompt: prompt)
    }

    /// The words every conversation reply starts with.
    static func echoPrefix(_ model: String) -> [String] {
        ["Simulated", "reply", "from", "\(SimulatorOptions.baseModel(model)):"]
    }

    /// `text` cut into words, each with the whitespace after it; whitespace before the first
    /// word stays with it.
    static func pieces(of text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var afterSpace = false
        for character in text {
            if character.isWhitespace {
                afterSpace = true
            } else if afterSpace, current.contains(where: { !$0.isWhitespace }) {
                pieces.append(current)
                current = ""
                afterSpace = false
            } else {
                afterSpace = false
            }
            current.append(character)
        }
        if current.contains(where: { !$0.isWhitespace }) { pieces.append(current) }
        return pieces
    }

    private init(words: Words, prompt: ChatPrompt) {
        let limit = min(words.count, max(0, prompt.maxOutputWords ?? .max))
        self.words = words
        self.limit = limit
        self.inputTokens = prompt.inputWords

        let stops = prompt.stopSequences.filter { !$0.isEmpty }
        if let match = Self.firstStop(of: stops, in: words, pieceLimit: limit) {
            wholePieces = match.piece
            cutPiece = match.prefix.isEmpty ? nil : match.prefix
            finishReason = .stopSequence
            stopSequence = match.stop
            outputTokens = match.piece + (match.prefix.contains { !$0.isWhitespace } ? 1 : 0)
        } else {
            wholePieces = limit
            cutPiece = nil
            finishReason = limit < words.count ? .length : .stop
            stopSequence = nil
            outputTokens = limit
        }
    }

    /// The text in the order it is streamed: one word and its following space per piece.
    func pieces() -> Pieces {
        Pieces(words: words, limit: limit, wholePieces: wholePieces, cutPiece: cutPiece)
    }

    /// The whole text, for a unary answer.
    var text: String { pieces().joined() }

    /// How many pieces ``pieces()`` gives.
    var pieceCount: Int { wholePieces + (cutPiece == nil ? 0 : 1) }

    /// The pieces of a reply, produced one at a time.
    struct Pieces: Sequence, Sendable {
        fileprivate let words: Words
        fileprivate let limit: Int
        fileprivate let wholePieces: Int
        fileprivate let cutPiece: String?

        func makeIterator() -> AnyIterator<String> {
            var index = 0
            var cutSent = false
            return AnyIterator {
                if index < wholePieces {
                    defer { index += 1 }
                    return words.piece(index, limit: limit)
                }
                guard let cutPiece, !cutSent else { return nil }
                cutSent = true
                return cutPiece
            }
        }
    }

    /// Where the first completed stop sequence starts.
    private struct StopMatch {
        var stop: String
        /// The index of the piece the match starts in.
        var piece: Int
        /// The part of that piece before the match.
        var prefix: String
    }

    /// Scans the pieces once, keeping only a tail as long as the longest stop sequence.
    ///
    /// Among the stop sequences completed by the same piece, the one that ends first wins, as
    /// it would when a model emits text token by token.
    private static func firstStop(of stops: [String], in words: Words, pieceLimit: Int) -> StopMatch? {
        guard !stops.isEmpty else { return nil }
        let patterns = stops.map { Array($0.utf8) }
        let keep = (patterns.map(\.count).max() ?? 1) - 1
        // The last `keep` bytes already scanned, then the current piece; `windowStart` is the
        // offset of its first byte in the whole text, `recent` the pieces it overlaps.
        var window: [UInt8] = []
        var windowStart = 0
        var recent: [(index: Int, start: Int, bytes: [UInt8])] = []
        for index in 0..<pieceLimit {
            let piece = Array(words.piece(index, limit: pieceLimit).utf8)
            recent.append((index, windowStart + window.count, piece))
            window += piece
            let pieceStart = window.count - piece.count
            var best: (end: Int, start: Int, stop: Int)?
            for (stopIndex, pattern) in patterns.enumerated() {
                // Only a match that ends inside the new piece is new.
                var start = max(0, pieceStart - pattern.count + 1)
                while start + pattern.count <= window.count {
                    if window[start..<start + pattern.count].elementsEqual(pattern) {
                        let end = start + pattern.count
                        if let current = best, (current.end, current.start) <= (end, start) { break }
                        best = (end, start, stopIndex)
                        break
                    }
                    start += 1
                }
            }
            if let best {
                let matchStart = windowStart + best.start
                guard let owner = recent.last(where: { $0.start <= matchStart }) else {
                    preconditionFailure("the window only holds bytes of the recent pieces")
                }
                return StopMatch(
                    stop: stops[best.stop],
                    piece: owner.index,
                    prefix: String(decoding: owner.bytes[..<(matchStart - owner.start)], as: UTF8.self)
                )
            }
            if window.count > keep {
                let drop = window.count - keep
                window.removeFirst(drop)
                windowStart += drop
                recent.removeAll { $0.start + $0.bytes.count <= windowStart }
            }
        }
        return nil
    }

    /// The words a reply is made of.
    fileprivate enum Words: Sendable {
        /// Words, each with the whitespace that follows it.
        case pieces([String])
        case filler(count: Int)

        var count: Int {
            switch self {
            case .pieces(let pieces): pieces.count
            case .filler(let count): count
            }
        }

        /// The word at `index` and, unless it is the last of the `limit` words sent, the
        /// whitespace after it.
        func piece(_ index: Int, limit: Int) -> String {
            let last = index == limit - 1
            switch self {
            case .pieces(let pieces):
                guard last else { return pieces[index] }
                var piece = Substring(pieces[index])
                while piece.last?.isWhitespace == true { piece.removeLast() }
                return String(piece)
            case .filler:
                return last ? "w\(index + 1)" : "w\(index + 1) "
            }
        }
    }
}
