import Foundation

/// The opaque tokens the simulator issues with reasoning and checks when a client sends them
/// back: Anthropic thinking `signature`s and `redacted_thinking` data, Gemini `thoughtSignature`s
/// and the Responses API's `encrypted_content`.
///
/// A signature is base64 of 32 bytes, four FNV-1a hashes of the signed text under a fixed secret
/// salt and the signature's purpose, so it looks like the providers' and differs per purpose.
/// Only the simulator makes them (the salt is not published), and each depends only on what it
/// signs, so a client that changes the signed text or the signature is caught, and one that
/// passes both back unchanged is accepted even by another simulator instance.
enum ThoughtSignature {
    /// What a signature vouches for; signatures of one purpose never verify for another.
    enum Purpose: String, Sendable {
        case anthropicThinking = "anthropic-thinking"
        case anthropicRedacted = "anthropic-redacted"
        case geminiFunctionCall = "gemini-function-call"
        case geminiText = "gemini-text"
        case responsesReasoning = "responses-reasoning"
    }

    private static let salt = "chimera-simulator-3f1c9a"

    /// The signature of `text`.
    static func sign(_ text: String, for purpose: Purpose) -> String {
        var bytes: [UInt8] = []
        for round in 0..<4 {
            let hash = FNV1a.hash(text, seed: "\(salt)|\(purpose.rawValue)|\(round)")
            bytes += (0..<8).map { UInt8(truncatingIfNeeded: hash >> (8 * $0)) }
        }
        return Data(bytes).base64EncodedString()
    }

    /// Whether `signature` is the one the simulator issues for `text`.
    static func verify(_ signature: String, of text: String, for purpose: Purpose) -> Bool {
        signature == sign(text, for: purpose)
    }

    /// An opaque token that carries `text` itself, for the providers' encrypted reasoning
    /// (`redacted_thinking.data`, `encrypted_content`): base64 of the text and its signature.
    static func seal(_ text: String, for purpose: Purpose) -> String {
        Data((text + "\n" + sign(text, for: purpose)).utf8).base64EncodedString()
    }

    /// The text inside a token made by ``seal(_:for:)``, or `nil` when the simulator did not make it.
    static func unseal(_ token: String, for purpose: Purpose) -> String? {
        guard let data = Data(base64Encoded: token), let sealed = String(data: data, encoding: .utf8),
            let newline = sealed.lastIndex(of: "\n")
        else { return nil }
        let text = String(sealed[..<newline])
        return verify(String(sealed[sealed.index(after: newline)...]), of: text, for: purpose) ? text : nil
    }
}
