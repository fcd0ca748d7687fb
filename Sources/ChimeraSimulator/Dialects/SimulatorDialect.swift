import ChimeraCore
import Foundation
import Hummingbird
import NIOCore

/// One wire protocol as the simulator speaks it: who the caller is, how it authenticates, and
/// how errors look.
///
/// The endpoints (``ChatEndpoint``, ``ModelListEndpoint``, the embeddings and token-count
/// endpoints) apply the fault switches and call these for the protocol-specific parts; a
/// dialect never waits or writes by itself.
protocol SimulatorDialect: Sendable {
    /// The provider flavour of a request that names `model` (`nil` when the body could not be read).
    func provider(forModel model: String?) -> ProviderID

    /// Checks the request's credentials.
    ///
    /// - Returns: The failure to answer with, or `nil` when the key is acceptable.
    func authenticate(_ request: Request) -> SimulatedFailure?

    /// The error answer for `failure`: its HTTP status and body.
    func error(_ failure: SimulatedFailure, exchange: Exchange) -> (status: Int, body: String)

    /// Headers that identify the request in every answer (`x-request-id`, `request-id`).
    func identityHeaders(_ exchange: Exchange) -> HTTPFields
}

/// A protocol's chat: reading a request and writing the answer, unary or streamed.
protocol ChatDialect: SimulatorDialect {
    /// Reads and checks a chat request.
    ///
    /// - Parameters:
    ///   - body: The parsed request body.
    ///   - context: What the route adds to the body.
    /// - Throws: ``SimulatedFailure/invalidRequest(message:parameter:code:)`` for a missing or
    ///   bad field, naming it, with the provider's own message where the simulator knows it.
    func decodePrompt(_ body: JSONField, context: PromptContext) throws(SimulatedFailure) -> ChatPrompt

    /// The unary answer.
    func completion(_ answer: SimulatedAnswer, exchange: Exchange) -> JSONValue

    /// The streamed answer.
    ///
    /// - Parameter complete: Whether the stream will end normally; when a switch cuts it, no
    ///   chunk may carry the finish (Gemini puts it on the last chunk otherwise).
    func stream(_ answer: SimulatedAnswer, exchange: Exchange, complete: Bool) -> StreamPlan

    /// A text chunk that says `malformed`, which the `malformed` switch sends cut in half.
    func malformedChunk(exchange: Exchange) -> [StreamFrame]

    /// Remembers what later requests may refer to (the Responses API's response ids).
    func remember(_ answer: SimulatedAnswer, exchange: Exchange, prompt: ChatPrompt, in state: SimulatorState)
}

extension ChatDialect {
    func remember(_ answer: SimulatedAnswer, exchange: Exchange, prompt: ChatPrompt, in state: SimulatorState) {}
}

/// A protocol with a model list.
protocol ModelListing: SimulatorDialect {
    /// The model list.
    func modelList() -> JSONValue
}

/// What a route adds to a chat request's body.
struct PromptContext: Sendable {
    /// The model named in the URL path (Gemini), already percent-decoded.
    var pathModel: String?
    /// Whether the route itself asks for a stream (Gemini's `streamGenerateContent`).
    var routeStreams = false
    /// Whether the request only counts tokens (Anthropic's `count_tokens` needs no `max_tokens`).
    var countingTokens = false
    /// The responses issued before, for `previous_response_id`.
    var responses: IssuedResponses? = nil
}

extension SimulatorDialect {
    /// Parses a JSON request body.
    ///
    /// - Throws: ``SimulatedFailure/invalidRequest(message:parameter:code:)`` when it is not a JSON object.
    func parseBody(_ body: ByteBuffer) throws(SimulatedFailure) -> JSONField {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: body.readableBytesView)
        } catch {
            throw .invalidRequest(message: "the request body is not valid JSON", parameter: nil)
        }
        guard case .object = value else {
            throw .invalidRequest(message: "the request body must be a JSON object", parameter: nil)
        }
        return JSONField(root: value)
    }
}
