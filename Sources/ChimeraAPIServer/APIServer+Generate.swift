import ChimeraCore
import ChimeraRelay
import Hummingbird

extension APIServer {
    /// `POST /api/v1/generate`: a Chimera request (``GenerateRequest``), answered as JSON or as
    /// Server-Sent Events (``ChimeraGenerateBinding``), through the same relay as every route.
    ///
    /// A stream is opened before the response starts, so failures before the first event get a
    /// real status and an error body. After that the events are `delta` (`{"text"}`) as they
    /// arrive, then `done` (`{"finish_reason","usage","route","protocol",…}`); a failure midway
    /// ends the stream with an `error` event carrying the usual error body.
    func generate(_ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await request.wholeBody(upTo: options.maxBodyBytes)
        let inbound = InboundChat(provider: nil, body: Array(buffer: body), headers: InboundChat.headers(request.headers))
        return await relay.chat(inbound, caller: ChimeraGenerateBinding(requestID: context.requestID), context: CallContext(request, requestID: context.requestID))
    }
}
