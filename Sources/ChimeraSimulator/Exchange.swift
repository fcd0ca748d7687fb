import ChimeraCore

/// The facts of one request that its answer repeats.
struct Exchange: Sendable {
    /// A number unique to this simulator, used in response and request ids.
    var number: Int
    /// The provider flavour that answers.
    var provider: ProviderID
    /// The model as the request named it, echoed in the answer; empty for model lists.
    var model: String
    /// The answer's creation time, in seconds since 1970.
    var created: Int
    /// OpenAI's `stream_options.include_usage`.
    var includeUsage: Bool
    /// The Responses API request's settings, which its response object repeats.
    var responses: ResponsesSettings? = nil
}
