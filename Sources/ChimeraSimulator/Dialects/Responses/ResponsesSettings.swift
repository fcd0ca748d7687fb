import ChimeraCore

/// What a Responses API request says that its answer repeats or obeys beyond the conversation:
/// the extension slot of ``ChatPrompt`` for this one protocol.
struct ResponsesSettings: Sendable {
    /// `instructions`, or `null`.
    var instructions: JSONValue = nil
    /// `max_output_tokens`, or `null`.
    var maxOutputTokens: JSONValue = nil
    /// `previous_response_id`, if sent.
    var previousResponseID: String?
    /// `store` (default `true`): only stored responses can be continued.
    var store = true
    /// Whether `include` asks for `reasoning.encrypted_content`.
    var includeEncryptedReasoning = false
    /// Whether `reasoning.summary` asks for a summary.
    var reasoningSummary = false
    /// `reasoning` as the response reports it: `{effort, summary}`.
    var reasoning: JSONValue = ["effort": nil, "summary": nil]
    /// `text` as the response reports it.
    var text: JSONValue = ["format": ["type": "text"]]
    /// `tool_choice` as sent, else `"auto"`.
    var toolChoice: JSONValue = "auto"
    /// `tools` as sent, else `[]`.
    var tools: JSONValue = []
    /// `parallel_tool_calls` (default `true`).
    var parallelToolCalls = true
    /// `temperature` as sent, else 1.
    var temperature: JSONValue = 1
    /// `top_p` as sent, else 1.
    var topP: JSONValue = 1
    /// `metadata` as sent, else `{}`.
    var metadata: JSONValue = [:]
    /// `user` as sent, else `null`.
    var user: JSONValue = nil
}
