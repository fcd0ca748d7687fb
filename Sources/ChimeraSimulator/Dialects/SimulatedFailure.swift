/// An error answer the simulator gives, before each protocol shapes it.
enum SimulatedFailure: Error, Sendable, Equatable {
    /// The request carried no API key.
    case missingKey
    /// The request carried the key `invalid`, which stands for a wrong key.
    case invalidKey
    /// Anthropic's `anthropic-version` header is missing.
    case missingVersion
    /// The body is not JSON, lacks a required field, has a field of the wrong type or breaks a
    /// rule of the protocol (HTTP 400); `code` is OpenAI's error code where it has one.
    case invalidRequest(message: String, parameter: String?, code: String? = nil)
    /// The route or resource does not exist for this caller (HTTP 404).
    case notFound(message: String)
    /// The `status=` switch: an error with this HTTP status and the given wait hints.
    case status(Int, retryAfterSeconds: Int?, retryAfterMilliseconds: Int?)
    /// The `quota` switch: the account is out of credit; retrying will not help.
    case quota

    /// The key value that the simulator treats as a wrong key.
    static let invalidKeyValue = "invalid"
}
