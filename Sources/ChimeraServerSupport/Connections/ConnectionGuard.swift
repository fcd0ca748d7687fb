import ChimeraCore
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore

/// Puts ``ServerLimits``' time limits on one client connection and keeps its place in the
/// server's ``ConnectionRegistry``; one per connection, on its event loop.
///
/// Sits among the HTTP parts, after Hummingbird's HTTP/1 codec, and learns of raw bytes and
/// write completions from the ``ConnectionByteProbe`` at the front of the pipeline. One timer
/// watches whichever limit applies:
///
/// | the connection | limit | when it runs out |
/// |---|---|---|
/// | waits for its first request head, or has some bytes of a head | header | 408, close |
/// | reads a request body and no byte came for that long | body | 408 (if no answer began), close |
/// | waits for the next request after an answer | idle | close |
/// | has a write the client has not taken for that long | send | close |
///
/// Hummingbird's own `idleTimeout` is one limit for all the reading phases, counted on parsed
/// parts (so a head trickling in counts as silence, and a slow body as one long silence), and
/// NIO's `IdleStateHandler` measures silence, which a stream waiting for a slow model also has;
/// neither notices a response stuck behind a client that stopped reading, hence this handler.
///
/// Closing the connection is what makes a stuck handler let go: its pending write fails, the
/// handler stops reading its upstream stream, and that closes the upstream connection and gives
/// its pooled slot back. A connection that closes while a request body is still arriving fails
/// that body with ``IncompleteRequestBody`` rather than letting it look complete.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPConnectionStateHandler.InboundIn
    typealias InboundOut = HTTPConnectionStateHandler.InboundIn
    typealias OutboundIn = HTTPConnectionStateHandler.OutboundIn
    typealias OutboundOut = HTTPConnectionStateHandler.OutboundIn

    /// Which limit closed a connection.
    enum Limit: String {
        case header, body, idle, send
    }

    private let limits: ServerLimits
    private let registry: ConnectionRegistry
    private let admission: ConnectionRegistry.Admission
    private let healthPaths: Set<String>
    private let logger: Logger
    private var context: ChannelHandlerContext?

    // Reading: requests whose head arrived and whose answer has not ended, whether one is being
    // read (between its head and its end), and when the current waiting or reading began.
    private var requestsInProgress = 0
    private var readingRequest = false
    private var answerStarted = false
    private var waitingSince: NIODeadline
    private var isFirstRequest = true
    private var headStartedAt: NIODeadline?
    private var lastBodyByte: NIODeadline
    private var discardingRequest = false

    // Writing: writes not yet taken by the socket, and when the last one was.
    private var pendingWrites = 0
    private var lastWriteProgress: NIODeadline

    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?

    init(limits: ServerLimits, registry: ConnectionRegistry, admission: ConnectionRegistry.Admission, healthPaths: Set<String>, logger: Logger) {
        self.limits = limits
        self.registry = registry
        self.admission = admission
        self.healthPaths = healthPaths
        self.logger = logger
        let now = NIODeadline.now()
        waitingSince = now
        lastBodyByte = now
        lastWriteProgress = now
    }

    // MARK: Pipeline events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        waitingSince = .now()
        schedule()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        if readingRequest && !discardingRequest {
            // Hummingbird would take the end of input for the end of the body; a body cut short
            // must not pass for a whole one.
            context.fireErrorCaught(IncompleteRequestBody())
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            requestsInProgress += 1
            readingRequest = true
            isFirstRequest = false
            headStartedAt = nil
            lastBodyByte = .now()
            registry.markBusy(context.channel)
            if admission == .healthOnly && !healthPaths.contains(RoutePath.normalized(head.path ?? "")) {
                discardingRequest = true
                refuse(context, status: .serviceUnavailable, type: "overloaded", message: "the server has \(limits.maxConnections) connections open, each with a request in flight (CHIMERA_SERVER_MAX_CONNECTIONS): this connection answers only /health; retry shortly", retryAfter: 1)
                return
            }
        case .body:
            if discardingRequest { return }
        case .end:
            readingRequest = false
            if discardingRequest { return }
        }
        schedule()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational:
            answerStarted = true
        case .end:
            requestsInProgress -= 1
            answerStarted = false
            if requestsInProgress == 0 {
                waitingSince = .now()
                // Bytes of a next head sent meanwhile are read from now on.
                if headStartedAt != nil { headStartedAt = .now() }
                registry.markIdle(context.channel)
            }
            schedule()
        default:
            break
        }
        context.write(data, promise: promise)
    }

    // MARK: From the byte probe

    func bytesArrived() {
        if readingRequest {
            lastBodyByte = .now()
        } else if headStartedAt == nil {
            headStartedAt = .now()
            schedule()
        }
    }

    func writeStarted() {
        if pendingWrites == 0 { lastWriteProgress = .now() }
        pendingWrites += 1
        schedule()
    }

    func writeFinished() {
        pendingWrites -= 1
        lastWriteProgress = .now()
    }

    // MARK: Deadlines

    /// The reading limit in force and when it runs out, if one applies.
    private var readDeadline: (NIODeadline, Limit)? {
        if readingRequest {
            // A pipelined request is read while an earlier one is answered, and the server
            // stops reading meanwhile: its silence is the server's, not the client's.
            guard requestsInProgress == 1 else { return nil }
            return (lastBodyByte + limits.bodyTimeout.timeAmount, .body)
        }
        guard requestsInProgress == 0 else { return nil }
        if let headStartedAt { return (headStartedAt + limits.headerTimeout.timeAmount, .header) }
        // Before the first request the wait is part of reading a head, as nginx counts it.
        return isFirstRequest ? (waitingSince + limits.headerTimeout.timeAmount, .header) : (waitingSince + limits.idleTimeout.timeAmount, .idle)
    }

    private var sendDeadline: NIODeadline? {
        pendingWrites > 0 ? lastWriteProgress + limits.sendTimeout.timeAmount : nil
    }

    /// Makes sure the timer fires no later than the nearest deadline.
    private func schedule() {
        guard let context else { return }
        let next = [readDeadline?.0, sendDeadline].compactMap { $0 }.min()
        guard let next else { return }
        if let timerDeadline, timerDeadline <= next { return }
        timer?.cancel()
        timerDeadline = next
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: next) { [self] in
            timer = nil
            timerDeadline = nil
            check()
        }
    }

    private func check() {
        guard let context else { return }
        let now = NIODeadline.now()
        if let sendDeadline, sendDeadline <= now {
            return expire(.send, context)
        }
        if let read = readDeadline, read.0 <= now {
            return expire(read.1, context)
        }
        schedule()
    }

    private func expire(_ limit: Limit, _ context: ChannelHandlerContext) {
        logger.debug("closing a client connection that ran out of time", metadata: ["limit": "\(limit.rawValue)"])
        switch limit {
        case .header where requestsInProgress == 0:
            refuse(context, status: .requestTimeout, type: "timeout", message: "the request head did not arrive within \(limits.headerTimeout.formattedSeconds) (CHIMERA_SERVER_HEADER_TIMEOUT_SECONDS)")
        case .body where !answerStarted:
            refuse(context, status: .requestTimeout, type: "timeout", message: "no byte of the request body arrived for \(limits.bodyTimeout.formattedSeconds) (CHIMERA_SERVER_BODY_TIMEOUT_SECONDS)")
        default:
            context.close(promise: nil)
        }
    }

    /// Answers on the guard's own behalf (nothing further down saw the request, or will answer
    /// it) and closes the connection.
    private func refuse(_ context: ChannelHandlerContext, status: HTTPResponse.Status, type: String, message: String, retryAfter: Int? = nil) {
        let body = ServerErrorBody.json(type: type, status: Int(status.code), message: message)
        var head = HTTPResponse(status: status)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.connection] = "close"
        // The server's own answer, no provider's: a Chimera client in proxy mode may retry it.
        head.headerFields[HTTPField.Name(ChimeraError.Source.headerName)!] = ChimeraError.Source.proxy.rawValue
        if let retryAfter { head.headerFields[.retryAfter] = String(retryAfter) }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }
}

/// The error a request body fails with when its connection closed before the body ended.
public struct IncompleteRequestBody: Error, CustomStringConvertible {
    public var description: String { "the connection closed before the request body ended" }
}

extension Duration {
    /// The same span for NIO's timers.
    var timeAmount: TimeAmount {
        .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}
