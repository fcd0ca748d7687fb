/// An image, document or other file in a user turn, which the answer acknowledges in its place.
///
/// The acknowledgement is `[<kind> <media type> <n> bytes]` for inline data (n = the decoded
/// size), `[<kind> url <url>]` for a link and `[<kind> file <id>]` for an uploaded file.
struct Attachment: Sendable, Equatable {
    /// What the attachment is, as the acknowledgement names it.
    enum Kind: String, Sendable {
        case image, document, audio, video, file
    }

    /// Where its content is.
    enum Source: Sendable, Equatable {
        case inline(mediaType: String, bytes: Int)
        case url(String)
        case file(id: String)
    }

    var kind: Kind
    var source: Source

    /// The text that stands for the attachment in the answer.
    var acknowledgement: String {
        switch source {
        case .inline(let mediaType, let bytes): "[\(kind.rawValue) \(mediaType) \(bytes) bytes]"
        case .url(let url): "[\(kind.rawValue) url \(url)]"
        case .file(let id): "[\(kind.rawValue) file \(id)]"
        }
    }

    /// The acknowledgement's words, which the answer repeats like the user's own words.
    var words: [Substring] {
        acknowledgement.split(whereSeparator: \.isWhitespace)
    }

    /// The kind a media type suggests: `image/…`, `audio/…`, `video/…`, else a document.
    static func kind(ofMediaType mediaType: String) -> Kind {
        switch mediaType.split(separator: "/").first?.lowercased() {
        case "image": .image
        case "audio": .audio
        case "video": .video
        default: .document
        }
    }

    /// The decoded size of base64 text, or `nil` when it is not base64.
    ///
    /// Accepts the standard and the URL-safe alphabet (Google takes both), with or without
    /// `=` padding; refuses whitespace and empty data, as the providers do.
    static func decodedSize(ofBase64 text: String) -> Int? {
        var count = 0
        var padding = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                guard padding == 0 else { return nil }
                count += 1
            case UInt8(ascii: "="):
                padding += 1
                guard padding <= 2 else { return nil }
            default:
                return nil
            }
        }
        guard count > 0, count % 4 != 1, padding == 0 || (count + padding) % 4 == 0 else { return nil }
        return count * 3 / 4
    }

    /// Splits a `data:<media type>;base64,<data>` URL, or returns `nil` when `url` is not one.
    static func dataURL(_ url: String) -> (mediaType: String, base64: String)? {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else { return nil }
        return (String(header.dropLast(7)), String(url[url.index(after: comma)...]))
    }

    /// Whether `url` is an `http` or `https` URL.
    static func isWebURL(_ url: String) -> Bool {
        let lowered = url.lowercased()
        return (lowered.hasPrefix("http://") || lowered.hasPrefix("https://")) && url.count > 8
    }
}
