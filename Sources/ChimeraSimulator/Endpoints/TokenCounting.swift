import ChimeraCore
import NIOCore

/// The token-count routes: Anthropic's `POST /v1/messages/count_tokens` → `{"input_tokens": N}`
/// and Gemini's `:countTokens` → `{"totalTokens": N, …}`.
///
/// N is the prompt's words, exactly as the usage of a chat request with the same body counts its
/// input (``ChatPrompt/inputWords``); the request is read and checked as a chat request is,
/// except that Anthropic needs no `max_tokens`.
enum TokenCounting {
    /// Reads a count request into its answer.
    static func read<Dialect: ChatDialect>(
        _ body: ByteBuffer,
        dialect: Dialect,
        pathModel: String? = nil,
        answer: @escaping (Int) -> JSONValue
    ) throws(SimulatedFailure) -> JSONEndpoint<Dialect>.Reading {
        let prompt = try dialect.decodePrompt(dialect.parseBody(body), context: PromptContext(pathModel: pathModel, countingTokens: true))
        let words = prompt.inputWords
        return JSONEndpoint.Reading(model: prompt.model) { _ in answer(words) }
    }

    /// Anthropic's answer.
    static func anthropic(_ words: Int) -> JSONValue {
        ["input_tokens": .int(words)]
    }

    /// Gemini's answer.
    static func gemini(_ words: Int) -> JSONValue {
        ["totalTokens": .int(words), "promptTokensDetails": [["modality": "TEXT", "tokenCount": .int(words)]]]
    }
}
