import ChimeraCore
import Foundation
import HTTPTypes
import Hummingbird

extension APIServer {
    /// `POST /api/v1/generate`: a Chimera request, answered as JSON or as Server-Sent Events.
    ///
    /// A stream is opened before the response starts, so failures before the first event get a
    /// real status and an error body. After that the events are `delta` (`{"text"}`) as they
    /// arrive, then `done` (`{"finish_reason","usage","route","protocol",…}`); a failure midway
    /// ends the stream with an `error` event carrying the usual error body.
    func generate(_ request: Request, context: APIRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        let chatRequest = try GenerateRequest(body: try await readBody(request)).chatRequest
        if chatRequest.stream {
            return try await generateStream(chatRequest, requestID: context.requestID, started: started)
        }
        let response: ChatResponse
        do {
            response = try await service.complete(chatRequest)
        } catch {
            throw recordFailure(error, of: chatRequest, started: started)
        }
        metrics.recordRequest(provider: chatRequest.provider, route: response.route, error: nil, duration: .now - started)
        var answer = try Response.json(GenerateResponse(response))
        answer.headers.describeRoute(response.route, response.wireProtocol)
        return answer
    }

    private func generateStream(_ chatRequest: ChatRequest, requestID: String, started: ContinuousClock.Instant) async throws -> Response {
        let stream: ChatStream
        do {
            stream = try await service.stream(chatRequest)
        } catch {
            throw recordFailure(error, of: chatRequest, started: started)
        }
        let metrics = self.metrics
        var response = Response.eventStream { writer in
            var finishReason: FinishReason?
            var usage: Usage?
            var failure: ChimeraError?
            do {
                for try await event in stream {
                    switch event {
                    case .delta(let text):
                        guard !text.isEmpty else { continue }
                        try await writer.write(event: SSEEvent(event: "delta", data: try APIJSON.eventData(GenerateResponse.Delta(text: text))))
                    case .finish(let reason, _):
                        finishReason = reason
                    case .usage(let counts):
                        usage = counts
                    default:
                        continue
                    }
                }
                let done = GenerateResponse.Done(
                    provider: chatRequest.provider.rawValue, model: chatRequest.model,
                    finishReason: finishReason?.rawValue, usage: usage.map(GenerateResponse.UsageCounts.init),
                    route: stream.route.rawValue, wireProtocol: stream.wireProtocol.rawValue
                )
                try await writer.write(event: SSEEvent(event: "done", data: try APIJSON.eventData(done)))
            } catch let error as ChimeraError where error.kind != .cancelled {
                // The status line is long gone: the failure travels in-band and the stream ends cleanly.
                failure = error
                try await writer.write(event: SSEEvent(event: "error", data: try APIJSON.eventData(APIErrorBody(error, requestID: requestID))))
            } catch {
                metrics.recordRequest(provider: chatRequest.provider, route: stream.route, error: .cancelled(), duration: .now - started)
                throw error
            }
            try await writer.finish(nil)
            metrics.recordRequest(provider: chatRequest.provider, route: stream.route, error: failure, duration: .now - started)
        }
        response.headers.describeRoute(stream.route, stream.wireProtocol)
        return response
    }

    /// Counts a request that failed before it was answered, and gives its error to rethrow.
    func recordFailure(_ error: any Error, of request: ChatRequest, started: ContinuousClock.Instant) -> ChimeraError {
        let chimeraError = Self.chimeraError(error)
        metrics.recordRequest(provider: request.provider, route: intendedRoute, error: chimeraError, duration: .now - started)
        return chimeraError
    }

    /// Any error as a ``ChimeraError``: providers only throw those, but cancellation may surface as Swift's own.
    static func chimeraError(_ error: any Error) -> ChimeraError {
        switch error {
        case let error as ChimeraError: error
        case is CancellationError: .cancelled()
        default: ChimeraError(kind: .upstream, message: Redaction.redact(String(describing: error).prefix(300).description), status: 500)
        }
    }
}

extension HTTPFields {
    /// Says how an answer travelled: `x-chimera-route` (`direct`, `proxy`, `direct-fallback`) and
    /// `x-chimera-protocol` (`json`, `protobuf`), also for bodies that have no field for it.
    mutating func describeRoute(_ route: Route, _ wireProtocol: WireProtocol) {
        self[HTTPField.Name("x-chimera-route")!] = route.rawValue
        self[HTTPField.Name("x-chimera-protocol")!] = wireProtocol.rawValue
    }
}

extension ResponseBodyWriter {
    /// Writes one Server-Sent Event.
    mutating func write(event: SSEEvent) async throws {
        try await write(ByteBuffer(string: event.serialized))
    }
}
