import ChimeraCore

/// Plausible, deterministic log probabilities for OpenAI's `logprobs` (one entry per streamed
/// word, the word with the whitespace after it as the token).
///
/// A token's log probability is between -0.4999 and 0, from a hash of the token; its
/// `top_logprobs` list the token itself first, then `alt1`, `alt2` … each one less likely.
enum Logprobs {
    /// The entry of `logprobs.content` for `token`, with `top` alternatives.
    static func entry(for token: String, top: Int) -> JSONValue {
        let logprob = -Double(FNV1a.hash(token, seed: "logprob") % 5000) / 10_000
        let alternatives = (0..<top).map { rank -> JSONValue in
            let text = rank == 0 ? token : "alt\(rank)"
            return ["token": .string(text), "logprob": .double(logprob - Double(rank)) ?? .null, "bytes": bytes(of: text)]
        }
        return ["token": .string(token), "logprob": .double(logprob) ?? .null, "bytes": bytes(of: token), "top_logprobs": .array(alternatives)]
    }

    /// The `logprobs` object of a choice that carries `tokens`.
    static func choice(_ tokens: some Sequence<String>, top: Int) -> JSONValue {
        ["content": .array(tokens.map { entry(for: $0, top: top) }), "refusal": nil]
    }

    private static func bytes(of text: String) -> JSONValue {
        .array(text.utf8.map { .int(Int($0)) })
    }
}
