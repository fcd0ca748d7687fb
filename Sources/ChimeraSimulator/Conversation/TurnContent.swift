/// What one message says, in order: its texts and its attachments.
///
/// Every dialect reads its own content parts into this; the prompt counts the texts' words and
/// the reply repeats texts and attachment acknowledgements alike.
struct TurnContent: Sendable, Equatable {
    /// One part of the content.
    enum Item: Sendable, Equatable {
        case text(String)
        case attachment(Attachment)
    }

    /// The parts, in order.
    private(set) var items: [Item] = []

    /// Adds a text.
    mutating func append(text: String) {
        items.append(.text(text))
    }

    /// Adds an attachment.
    mutating func append(_ attachment: Attachment) {
        items.append(.attachment(attachment))
    }

    /// Adds everything `other` says, after what this says.
    mutating func append(contentsOf other: TurnContent) {
        items += other.items
    }

    /// The words of the texts, as usage counts the prompt.
    var words: Int {
        items.reduce(0) { count, item in
            guard case .text(let text) = item else { return count }
            return count + text.split(whereSeparator: \.isWhitespace).count
        }
    }

    /// The words the reply repeats: text words, and attachments as their acknowledgements.
    var echoWords: [Substring] {
        items.flatMap { item -> [Substring] in
            switch item {
            case .text(let text): text.split(whereSeparator: \.isWhitespace)
            case .attachment(let attachment): attachment.words
            }
        }
    }

    /// The content as one text (a tool result's): the texts and acknowledgements, joined by spaces.
    var text: String {
        items.map { item in
            switch item {
            case .text(let text): text
            case .attachment(let attachment): attachment.acknowledgement
            }
        }
        .joined(separator: " ")
    }
}
