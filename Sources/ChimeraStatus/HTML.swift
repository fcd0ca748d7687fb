/// Escaping text for HTML, the one way the status page puts a value into its markup.
public enum HTML {
    /// `text` safe to place in element content and in a quoted attribute value: `&`, `<`, `>`,
    /// `"` and `'` become character references.
    public static func escape(_ text: some StringProtocol) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
