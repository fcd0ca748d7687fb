import ChimeraCore

/// The shape a request asks the answer's text to have.
enum ResponseFormat: Sendable, Equatable {
    /// Free text.
    case text
    /// Any JSON object (OpenAI `json_object`, Gemini `application/json` without a schema).
    case jsonObject
    /// JSON that fits this schema; `name` is the schema's name, if it has one.
    case jsonSchema(JSONValue, name: String?)
    /// One of the schema's enum values as plain text (Gemini `text/x.enum`).
    case enumeration(JSONValue)
}
