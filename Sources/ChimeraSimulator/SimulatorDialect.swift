import Foundation
import ChimeraCore
import Hummingbird
import NIOCore

/// One wire protocol as the simulator speaks it: how it authenticates, reads a chat request and
/// writes answers, errors and streams.
///
/// ``ChatEndpoint`` and ``ModelListEndpoint`` apply the fault switches and call these for the
/// protocol-specific parts; a dialect never waits or writes by itself.
protocol SimulatorDialect: Sendable {
    /// The provider flavour of a request that names `model` (`nil` when the body could not be read).
    func provider(forModel model: String?) -> ProviderID

    /// Checks the request's credentials.
    ///
    /// - Returns: The failure to answer with, or `nil` when the key is acceptable.
    func authenticate(_ request: Request) -> SimulatedFailure?

    /// Reads a chat request.
    ///
    /// - Parameters:
    ///   - body: The request body.
    ///   - pathModel: The model named in the URL path (Gemini), already percent-decoded.
    ///   - routeStreams: Whether the route itself asks for a stream (Gemini's `streamGenerateContent`).
    /// - Throws: ``SimulatedFailure/invalidRequest(message:parameter:)`` for bad JSON or a missing field.
    func decodePrompt(_ body: ByteBuffer, pathModel: String?, routeStreams: Bool) throws(SimulatedFailure) -> ChatPrompt

    /// The error answer for `failure`: its HTTP status and body.
    func error(_ failure: SimulatedFailure, exchange: Exchange) -> (status: Int, body: String)

    /// Headers that identify the request in every answer (`x-request-id`, `request-id`).
    func identityHeaders(_ exchange: Exchange) -> HTTPFields

    /// The unary answer.
    func completion(_ reply: SimulatedReply, exchange: Exchange) -> JSONValue

    /// The events that open a stream, before the first text chunk.
    func streamStart(_ reply: SimulatedReply, exchange: Exchange) -> [StreamFrame]

    /// The frames of one text chunk.
    ///
    /// - Parameters:
    ///   - piece: One word of the reply and the space after it.
    ///   - index: The chunk's position among the text chunks.
    ///   - finishing: The reply, when this is the last chunk of a complete stream (Gemini puts
    ///     the finish reason and usage on it); otherwise `nil`.
    ///   - exchange: The request.
    func streamText(_ piece: String, index: Int, finishing: SimulatedReply?, exchange: Exchange) -> [StreamFrame]

    /// The events that end a complete stream, terminator included.
    ///
    /// - Parameter sentFinishing: Whether a text chunk already carried the finish (see ``streamText(_:index:finishing:exchange:)``).
    func streamEnd(_ reply: SimulatedReply, sentFinishing: Bool, exchange: Exchange) -> [StreamFrame]

    /// The protocol's in-band error event.
    func streamError(exchange: Exchange) -> StreamFrame

    /// The model list.
    func modelList() -> JSONValue
}

extension SimulatorDialect {
    /// Decodes a JSON request body, turning decoding errors into a 400 that names the field.
    func decodeBody<Body: Decodable>(_ type: Body.Type, from body: ByteBuffer) throws(SimulatedFailure) -> Body {
        do {
            return try JSONDecoder().decode(Body.self, from: Data(body.readableBytesView))
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            throw .invalidRequest(message: "the request body is not valid JSON", parameter: nil)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
            let DecodingError.dataCorrupted(context), let DecodingError.keyNotFound(_, context)
        {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw .invalidRequest(message: "invalid value for '\(path)': \(context.debugDescription)", parameter: path)
        } catch {
            throw .invalidRequest(message: "the request body could not be read", parameter: nil)
        }
    }
}
