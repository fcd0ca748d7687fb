import Foundation

/// Base64 text in either alphabet. Google reads protobuf `bytes` (a Gemini `thoughtSignature`)
/// from JSON in the standard or the URL-safe alphabet, padded or not, and google-genai writes
/// them back URL-safe; Anthropic compares its signatures as the exact standard text it issued.
public enum Base64Text {
    /// `text` in the standard alphabet with padding, or `nil` when it is not base64 in either
    /// alphabet.
    public static func standard(_ text: String) -> String? {
        var converted = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        converted += String(repeating: "=", count: (4 - converted.count % 4) % 4)
        guard let data = Data(base64Encoded: converted) else { return nil }
        return data.base64EncodedString()
    }

    /// The bytes of standard base64 `text` (or, when it is not base64, of the text itself) in
    /// the URL-safe alphabet without padding, which fits in an identifier.
    public static func urlSafe(_ text: String) -> String {
        (Data(base64Encoded: text) ?? Data(text.utf8)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
