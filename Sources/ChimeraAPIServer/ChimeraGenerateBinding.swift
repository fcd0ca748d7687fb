import ChimeraCore
import ChimeraWire
import Foundation

/// `POST /api/v1/generate`, Chimera's own protocol, as the relay speaks it: the strict request of
/// ``GenerateRequest``, the answer of ``GenerateResponse``, a stream of `delta` events ending
/// with `done` (or `error`), and errors in ``APIErrorBody``'s shape with the request's id.
///
/// It is no provider's protocol, so nothing passes through as sent.
struct ChimeraGenerateBinding: CallerBinding {
    /// The id of the request being answered, written in its error bodies.
    let requestID: String

    var passThroughFamily: ProtocolFamily? { nil }

    var responseContentType: String { "application/json" }

    func decodeRequest(_ body: [UInt8], provider: ProviderID, model: String?, stream: Bool?) throws(ChimeraError) -> ChatRequest {
        try GenerateRequest(body: Data(body)).chatRequest
    }

    func encodeResponse(_ response: ChatResponse, for request: ChatRequest) throws(ChimeraError) -> [UInt8] {
        do {
            return Array(try APIJSON.encoder.encode(GenerateResponse(response)))
        } catch {
            throw ChimeraError(kind: .decoding, message: "the answer could not be written as JSON: \(error)", provider: response.provider)
        }
    }

    func makeStreamEncoder(for request: ChatRequest, route: Route, wireProtocol: WireProtocol) -> any StreamEncoder {
        GenerateStreamEncoder(request: request, route: route, wireProtocol: wireProtocol, requestID: requestID)
    }

    func errorAnswer(_ error: ChimeraError, streaming: Bool) -> ErrorAnswer {
        ErrorAnswer(status: error.httpStatus, contentType: "application/json", body: APIErrorBody.data(error, requestID: requestID))
    }
}

/// Writes a stream as `delta` events (`{"text"}`) as text arrives, then `done`
/// (`{"finish_reason","usage","route","protocol",…}`), or `error` with the usual error body
/// when it fails midway. Reasoning and tool calls have no event here: ask
/// `/v1/chat/completions` for them.
struct GenerateStreamEncoder: StreamEncoder {
    let request: ChatRequest
    let route: Route
    let wireProtocol: WireProtocol
    let requestID: String
    private var finishReason: FinishReason?
    private var usage: Usage?

    init(request: ChatRequest, route: Route, wireProtocol: WireProtocol, requestID: String) {
        self.request = request
        self.route = route
        self.wireProtocol = wireProtocol
        self.requestID = requestID
    }

    var contentType: String { "text/event-stream" }

    mutating func encode(_ event: ChatStreamEvent) -> [UInt8] {
        switch event {
        case .delta(let text) where !text.isEmpty:
            return Self.event("delta", GenerateResponse.Delta(text: text))
        case .finish(let reason, _):
            finishReason = reason
        case .usage(let counts):
            usage = counts
        default:
            break
        }
        return []
    }

    mutating func finish() -> [UInt8] {
        Self.event("done", GenerateResponse.Done(
            provider: request.provider.rawValue, model: request.model,
            finishReason: finishReason?.rawValue, usage: usage.map(GenerateResponse.UsageCounts.init),
            route: route.rawValue, wireProtocol: wireProtocol.rawValue
        ))
    }

    mutating func fail(_ error: ChimeraError) -> [UInt8] {
        SSEEvent(event: "error", data: String(decoding: APIErrorBody.data(error, requestID: requestID), as: UTF8.self)).bytes
    }

    /// One event; these payloads hold only strings and whole numbers, which always encode.
    private static func event(_ name: String, _ payload: some Encodable) -> [UInt8] {
        let data = (try? APIJSON.encoder.encode(payload)) ?? Data("{}".utf8)
        return SSEEvent(event: name, data: String(decoding: data, as: UTF8.self)).bytes
    }
}
