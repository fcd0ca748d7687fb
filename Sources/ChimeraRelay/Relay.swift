import Chimera
import ChimeraAudit
import ChimeraTransport
import ChimeraWire
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Tracing

/// The one path every chat request of both servers takes: read the caller's request once, check
/// it once, call the provider, and answer — unary, streamed or failed — in the caller's protocol.
///
/// When the caller speaks the provider's own family and the connection mode can send a body as
/// it is (``LLMService/forwarder(_:)``), the caller's bytes go upstream unchanged but for the
/// model, and the upstream's bytes come back unchanged, watched for usage, in-band errors and the
/// size limit (``passThrough(_:caller:request:forwarder:context:started:)``). Anything else
/// is translated through the domain model.
public struct Relay: Sendable {
    /// The service that reaches the providers.
    public let service: LLMService
    /// Told about every request when its answer is over.
    public let observer: RelayObserver?
    /// Whether same-family requests may pass through as sent.
    public let passesThrough: Bool
    /// Where each request's server span goes (swift-distributed-tracing).
    public let tracer: any Tracer
    /// The cache and in-flight deduplication, when the configuration turns either on.
    private let sharing: ResponseSharing?

    /// The background services the relay needs, to run next to the server (the cache's
    /// database client, with `CHIMERA_CACHE=postgres`).
    public var services: [any Service] { sharing?.services ?? [] }

    /// Creates a relay.
    ///
    /// - Parameters:
    ///   - passesThrough: `false` translates every request (for tests and comparisons).
    ///   - logger: Where the response cache logs a database it cannot reach.
    public init(
        service: LLMService, observer: RelayObserver? = nil, passesThrough: Bool = true, tracer: any Tracer = InstrumentationSystem.tracer,
        logger: Logger = Logger(label: "chimera.cache", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.service = service
        self.observer = observer
        self.passesThrough = passesThrough
        self.tracer = tracer
        self.sharing = ResponseSharing(service.configuration.sharing, logger: logger)
    }

    /// Answers one chat request, in a server span (swift-distributed-tracing) that continues the
    /// caller's trace as the bootstrapped tracer reads it from the inbound headers; the upstream
    /// calls are its children. A stream's span ends when its head is answered.
    ///
    /// Every failure becomes an answer in the caller's protocol; nothing is thrown.
    public func chat(_ inbound: InboundChat, caller: any CallerBinding, context: CallContext) async -> Response {
        var parent = ServiceContext.current ?? .topLevel
        tracer.extract(inbound.headers, into: &parent, using: HeaderListExtractor())
        return await tracer.withSpan("chat", context: parent, ofKind: .server) { span in
            let response = await answer(inbound, caller: caller, context: context)
            span.attributes["http.response.status_code"] = Int(response.status.code)
            if response.status.code >= 400 { span.setStatus(SpanStatus(code: .error)) }
            return response
        }
    }

    private func answer(_ inbound: InboundChat, caller: any CallerBinding, context: CallContext) async -> Response {
        let started = ContinuousClock.now
        let request: ChatRequest
        let forwarder: Forwarder?
        do throws(ChimeraError) {
            (request, forwarder) = try read(inbound, caller: caller)
        } catch {
            record(provider: inbound.provider, model: inbound.model ?? "", streamed: inbound.stream ?? false, passedThrough: false,
                   status: error.httpStatus, error: error, usage: nil, started: started, context: context)
            return Self.errorResponse(error, caller: caller, streaming: inbound.stream ?? false)
        }
        AuditNotes.current?.note(request)
        let relay = self
        let produce: @Sendable () async -> Response = {
            if let forwarder {
                return await relay.passThrough(inbound, caller: caller, request: request, forwarder: forwarder, context: context, started: started)
            }
            return await relay.translate(request, caller: caller, context: context, started: started)
        }
        guard let sharing else { return await produce() }
        let key = RequestKey(
            answerProtocol: "\(caller.passThroughFamily.map { "\($0)" } ?? "connect") \(caller.responseContentType)",
            provider: request.provider, model: request.model, stream: request.stream, body: inbound.body, headers: inbound.headers
        )
        let (response, result) = await sharing.answer(key, headers: inbound.headers, produce: produce)
        // A miss records itself as it is produced.
        if result != .miss {
            record(provider: request.provider, model: request.model, streamed: request.stream, passedThrough: false,
                   status: Int(response.status.code), error: nil, usage: nil, started: started, context: context, cache: result)
        }
        return response
    }

    /// Reads the inbound body once, points it at its provider and model, and finds the forwarder
    /// that sends it as it is when its family can pass through.
    private func read(_ inbound: InboundChat, caller: any CallerBinding) throws(ChimeraError) -> (ChatRequest, Forwarder?) {
        var request = try caller.decodeRequest(inbound.body, provider: inbound.readingProvider, model: inbound.model, stream: inbound.stream)
        if let retarget = inbound.retarget {
            (request.provider, request.model) = try retarget(request)
        }
        let forwarder = passesThrough ? caller.passThroughFamily.flatMap { service.forwarder(request.provider, speaking: $0) } : nil
        // Checked before anything else can fail (a provider without a key, a proxy that is
        // down): a bad value is the caller's error whatever the configuration, with the same
        // message on every path; in the protocol the request will be sent in, which decides
        // what of another family's it may leave out.
        try request.validate(speaking: forwarder?.binding.family ?? service.configuration.family(of: request.provider))
        return (request, forwarder)
    }

    // MARK: Translated

    private func translate(_ request: ChatRequest, caller: any CallerBinding, context: CallContext, started: ContinuousClock.Instant) async -> Response {
        guard request.stream else {
            do throws(ChimeraError) {
                let response = try await service.complete(request, context: context)
                AuditNotes.current?.note(response)
                var answer = Response(status: .ok, headers: [.contentType: caller.responseContentType], body: .init(byteBuffer: ByteBuffer(bytes: try caller.encodeResponse(response, for: request))))
                answer.headers.describe(route: response.route, wireProtocol: response.wireProtocol, dropped: response.droppedFields)
                record(provider: request.provider, model: request.model, streamed: false, passedThrough: false, route: response.route,
                       status: 200, error: nil, usage: response.usage, started: started, context: context)
                return answer
            } catch {
                return failed(request, error, caller: caller, started: started, context: context)
            }
        }
        let stream: ChatStream
        do throws(ChimeraError) {
            stream = try await service.stream(request, context: context)
        } catch {
            return failed(request, error, caller: caller, started: started, context: context)
        }
        let relay = self
        let opening = caller.makeStreamEncoder(for: request, route: stream.route, wireProtocol: stream.wireProtocol)
        var headers: HTTPFields = [.contentType: opening.contentType, .cacheControl: "no-cache"]
        headers.describe(route: stream.route, wireProtocol: stream.wireProtocol, dropped: stream.droppedFields)
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var encoder = opening
            var usage: Usage?
            var failure: ChimeraError?
            var firstEvent: Duration?
            do {
                for try await event in stream {
                    if firstEvent == nil { firstEvent = .now - started }
                    if case .usage(let counts) = event { usage = counts }
                    AuditNotes.current?.note(event)
                    let bytes = encoder.encode(event)
                    if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
                }
                try await writer.write(ByteBuffer(bytes: encoder.finish()))
            } catch let error as ChimeraError where error.kind != .cancelled {
                // The status line is long gone: the failure travels in-band and the stream ends cleanly.
                failure = error
                AuditNotes.current?.note(error)
                try await writer.write(ByteBuffer(bytes: encoder.fail(error)))
            } catch {
                relay.record(provider: request.provider, model: request.model, streamed: true, passedThrough: false, route: stream.route, status: 200,
                             error: ChimeraError(wrapping: error), usage: usage, started: started, timeToFirstEvent: firstEvent, context: context)
                throw error
            }
            try await writer.finish(nil)
            relay.record(provider: request.provider, model: request.model, streamed: true, passedThrough: false, route: stream.route, status: 200,
                         error: failure, usage: usage, started: started, timeToFirstEvent: firstEvent, context: context)
        })
    }

    // MARK: Pass-through

    /// Sends the caller's bytes as they are, but for the model, and relays the upstream's bytes
    /// as they arrive.
    private func passThrough(
        _ inbound: InboundChat, caller: any CallerBinding, request: ChatRequest,
        forwarder: Forwarder, context: CallContext, started: ContinuousClock.Instant
    ) async -> Response {
        let binding = forwarder.binding
        let answer: ForwardedAnswer
        do throws(ChimeraError) {
            // What the provider ignores stays in the body as sent.
            let body = inbound.retarget == nil ? inbound.body : try binding.replacingModel(in: inbound.body, with: request.model)
            let passedOn = binding.forwardedHeaders
            let forwarded = inbound.headers.filter { passedOn.contains($0.name) }
            answer = try await forwarder.forward(ForwardedCall(body: body, request: request, headers: forwarded), context: context)
        } catch {
            return failed(request, error, caller: caller, started: started, context: context)
        }
        switch answer {
        case .unary(let reply):
            if let notes = AuditNotes.current { Self.note(reply, binding: binding, request: request, in: notes) }
            var response = Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: reply.body))
            response.headers.describe(route: reply.route, wireProtocol: .json, dropped: [])
            record(provider: request.provider, model: request.model, streamed: false, passedThrough: true, route: reply.route,
                   status: 200, error: nil, usage: reply.usage, started: started, context: context)
            return response
        case .stream(let stream):
            var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
            let route = service.configuration.connectionMode == .proxy ? Route.proxy : .direct
            headers.describe(route: route, wireProtocol: .json, dropped: [])
            let relay = self
            let maxBytes = service.configuration.limits.maxStreamBytes
            let watching = binding.makeStreamWatcher(for: request)
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                var watcher = watching
                var parser = SSEParser()
                var boundary = EventBoundary()
                var received = 0
                var failure: ChimeraError?
                var firstEvent: Duration?
                do {
                    for try await chunk in stream {
                        if firstEvent == nil { firstEvent = .now - started }
                        received += chunk.readableBytes
                        guard received <= maxBytes else {
                            throw ChimeraError(kind: .decoding, message: "the stream passed CHIMERA_MAX_STREAM_BYTES (\(maxBytes) bytes)", provider: request.provider,
                                               hint: "raise CHIMERA_MAX_RESPONSE_BYTES or CHIMERA_MAX_STREAM_BYTES if answers this long are expected")
                        }
                        for event in try parser.parse(chunk.readableBytesView) {
                            if let error = watcher.observe(event), failure == nil { failure = error }
                        }
                        let whole = boundary.complete(chunk)
                        if whole.readableBytes > 0 { try await writer.write(whole) }
                    }
                    if let last = parser.finish(), let error = watcher.observe(last), failure == nil { failure = error }
                    // A body that ends inside an event: its bytes still reach the caller, as sent.
                    let rest = boundary.remainder()
                    if rest.readableBytes > 0 { try await writer.write(rest) }
                    if failure == nil, let truncated = watcher.finish() {
                        // The upstream's bytes are all there; an error event says they are not the whole answer.
                        failure = truncated
                        try await writer.write(Self.inBandError(truncated, binding: binding))
                    }
                } catch let error as ChimeraError where error.kind != .cancelled {
                    failure = error
                    try await writer.write(Self.inBandError(error, binding: binding))
                } catch {
                    relay.record(provider: request.provider, model: request.model, streamed: true, passedThrough: true, route: route, status: 200,
                                 error: ChimeraError(wrapping: error), usage: watcher.usage, started: started, timeToFirstEvent: firstEvent, context: context)
                    throw error
                }
                if let usage = watcher.usage { AuditNotes.current?.note(.usage(usage)) }
                if let failure { AuditNotes.current?.note(failure) }
                try await writer.finish(nil)
                relay.record(provider: request.provider, model: request.model, streamed: true, passedThrough: true, route: route, status: 200,
                             error: failure, usage: watcher.usage, started: started, timeToFirstEvent: firstEvent, context: context)
            })
        }
    }

    /// Tells the audit log about a unary answer passed through: its usage, and its text when
    /// the log keeps content, for which the answer is read whole.
    private static func note(_ reply: ForwardedReply, binding: any ProtocolBinding, request: ChatRequest, in notes: AuditNotes) {
        guard notes.includeContent else {
            if let usage = reply.usage { notes.note(.usage(usage)) }
            return
        }
        do throws(ChimeraError) {
            notes.note(try binding.decodeResponse(Array(reply.body.readableBytesView), for: request))
        } catch {
            // Checked before it was relayed; an answer the full reader still refuses is relayed as sent, and audited without its text.
            if let usage = reply.usage { notes.note(.usage(usage)) }
        }
    }

    /// The in-band error event of a family's stream, standing alone (see ``ProtocolBinding/inBandError(_:)``).
    static func inBandError(_ error: ChimeraError, binding: any ProtocolBinding) -> ByteBuffer {
        ByteBuffer(bytes: binding.inBandError(error).bytes)
    }

    // MARK: Failures

    private func failed(_ request: ChatRequest, _ error: ChimeraError, caller: any CallerBinding, started: ContinuousClock.Instant, context: CallContext) -> Response {
        record(provider: request.provider, model: request.model, streamed: request.stream, passedThrough: false,
               status: caller.errorAnswer(error, streaming: request.stream).status, error: error, usage: nil, started: started, context: context)
        return Self.errorResponse(error, caller: caller, streaming: request.stream)
    }

    /// The answer to a request that failed before any answer began, in the caller's protocol,
    /// with `Retry-After` when the error has a wait hint.
    public static func errorResponse(_ error: ChimeraError, caller: any CallerBinding, streaming: Bool) -> Response {
        AuditNotes.current?.note(error)
        let answer = caller.errorAnswer(error, streaming: streaming)
        var response = Response(
            status: HTTPResponse.Status(code: answer.status), headers: [.contentType: answer.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body))
        )
        response.headers.describeFailure(error)
        return response
    }

    func record(
        provider: ProviderID?, model: String, streamed: Bool, passedThrough: Bool, route: Route? = nil, status: Int,
        error: ChimeraError?, usage: Usage?, started: ContinuousClock.Instant, timeToFirstEvent: Duration? = nil, context: CallContext,
        cache: CacheResult? = nil
    ) {
        if error != nil || status >= 400 { RelayOutcome.current?.markFailed() }
        guard let observer else { return }
        observer.record(RelayRecord(
            provider: provider, model: model, streamed: streamed, passedThrough: passedThrough,
            route: route ?? (service.configuration.connectionMode == .proxy ? .proxy : .direct),
            status: status, error: error, usage: usage, latency: .now - started, timeToFirstEvent: timeToFirstEvent,
            requestID: context.requestID, cache: cache ?? (sharing != nil ? .miss : nil)
        ))
    }
}
