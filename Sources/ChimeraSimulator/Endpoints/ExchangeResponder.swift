import ChimeraCore
import HTTPTypes
import Hummingbird
import NIOCore

/// Answers one request in a dialect, applying the fault switches around the dialect's answers.
struct ExchangeResponder<Dialect: SimulatorDialect>: Sendable {
    let dialect: Dialect
    let state: SimulatorState
    let exchange: Exchange
    let options: SimulatorOptions
    let channel: any Channel
    private let departure: ClientDeparture?

    /// Prepares the answer to one request.
    ///
    /// - Parameters:
    ///   - dialect: The protocol.
    ///   - state: The simulator's shared state.
    ///   - exchange: The request's facts.
    ///   - options: Its fault switches.
    ///   - channel: Its connection, watched when the switches make the answer wait.
    init(dialect: Dialect, state: SimulatorState, exchange: Exchange, options: SimulatorOptions, channel: any Channel) {
        self.dialect = dialect
        self.state = state
        self.exchange = exchange
        self.options = options
        self.channel = channel
        let waits = options.latency != nil || options.stall || options.stallAfter != nil
        departure = waits ? ClientDeparture(channel: channel) : nil
    }

    private var emitter: BodyEmitter {
        BodyEmitter(
            split: options.split,
            lineEnding: options.crlf ? "\r\n" : "\n",
            latency: options.latency.flatMap { latency in departure.map { (latency, $0) } }
        )
    }

    /// Applies the switches that act before the answer: latency, stall, reset, error status,
    /// quota and malformed unary bodies.
    ///
    /// - Parameters:
    ///   - subject: What `fail=` counts requests by: the model string, or the route for lists.
    ///   - stream: Whether the happy answer would be a stream.
    ///   - happyBody: The unary answer, which `malformed` cuts in half.
    /// - Returns: The answer a switch asks for, or `nil` to give the happy answer.
    /// - Throws: ``ClientWentAway`` when the client leaves during a wait; ``SimulatedAbort`` after
    ///   dropping the connection (`reset-after`, the end of a stall, a shutdown during a wait).
    func faultResponse(subject: String, stream: Bool, happyBody: () -> JSONValue) async throws -> Response? {
        let attempt = state.nextAttempt(of: subject)
        if let latency = options.latency {
            try await wait(for: latency)
        }
        if options.stall {
            try await wait(for: SimulatorOptions.stallLimit)
            try abort()
        }
        if options.resetAfter != nil, !stream {
            try abort()
        }
        if let status = options.status, attempt < options.fail ?? .max {
            return error(.status(status, retryAfterSeconds: options.retryAfterSeconds, retryAfterMilliseconds: options.retryAfterMilliseconds))
        }
        if options.quota {
            return error(.quota)
        }
        if options.malformed, !stream {
            let json = happyBody().serialized()
            return body(status: 200, contentType: "application/json", text: String(json.prefix(json.count / 2)))
        }
        return nil
    }

    /// The error answer for `failure`, with the wait hints of the `status=` switch as headers.
    func error(_ failure: SimulatedFailure) -> Response {
        let (status, text) = dialect.error(failure, exchange: exchange)
        var response = body(status: status, contentType: "application/json", text: text)
        if case .status(_, let seconds, let milliseconds) = failure {
            if let seconds { response.headers[HTTPField.Name("retry-after")!] = String(seconds) }
            if let milliseconds { response.headers[HTTPField.Name("retry-after-ms")!] = String(milliseconds) }
        }
        return response
    }

    /// A 200 JSON answer.
    func json(_ value: JSONValue) -> Response {
        body(status: 200, contentType: "application/json", text: value.serialized())
    }

    /// A body written whole, or in `split=` pieces when asked.
    private func body(status: Int, contentType: String, text: String) -> Response {
        var headers = dialect.identityHeaders(exchange)
        headers[.contentType] = contentType
        let emitter = emitter
        let body: ResponseBody =
            if emitter.split == nil {
                ResponseBody(byteBuffer: ByteBuffer(string: text))
            } else {
                ResponseBody { [state] writer in
                    try await Self.countingDisconnects(state) {
                        try await emitter.write(text, to: &writer)
                        try await emitter.finish(&writer)
                    }
                }
            }
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: body)
    }

    /// The streamed answer: the dialect's events, shaped by the stream switches.
    func stream(_ answer: SimulatedAnswer) -> Response where Dialect: ChatDialect {
        var headers = dialect.identityHeaders(exchange)
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let responder = self
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                try await Self.countingDisconnects(responder.state) {
                    try await responder.writeStream(answer, to: &writer)
                }
            }
        )
    }

    /// What ends a stream early, from the switches; the first set of stall-after, reset-after,
    /// inband-error and truncate-after wins.
    private enum Cutoff {
        case stall, reset, inbandError, truncate
    }

    private var cutoff: (after: Int, action: Cutoff)? {
        if let chunks = options.stallAfter { return (chunks, .stall) }
        if let chunks = options.resetAfter { return (chunks, .reset) }
        if options.inbandError { return (1, .inbandError) }
        if let chunks = options.truncateAfter { return (chunks, .truncate) }
        return nil
    }

    private func writeStream(_ answer: SimulatedAnswer, to writer: inout any ResponseBodyWriter) async throws where Dialect: ChatDialect {
        let emitter = emitter
        if options.malformed {
            try await emitter.write(dialect.malformedChunk(exchange: exchange).map(\.truncated), to: &writer)
            try await emitter.finish(&writer)
            return
        }
        let cutoff = cutoff
        let limit = cutoff?.after ?? .max
        let plan = dialect.stream(answer, exchange: exchange, complete: cutoff == nil)
        var sent = 0
        steps: for step in plan.steps {
            switch step {
            case .frames(let frames):
                try await emitter.write(frames, to: &writer)
            case .chunk(let frames):
                guard sent < limit else { break steps }
                try await emitter.pause()
                try await emitter.write(frames, to: &writer)
                sent += 1
                // Cut right after the last chunk allowed: nothing that follows it is sent.
                if cutoff != nil, sent == limit { break steps }
            }
        }
        switch cutoff?.action {
        case .stall:
            try await wait(for: SimulatorOptions.stallLimit)
            try abort()
        case .reset:
            // A client may drop body bytes it has received but not yet consumed when the
            // connection closes; a short grace makes "k chunks, then the reset" what it sees.
            try await Task.sleep(for: SimulatorOptions.resetGrace)
            try abort()
        case .inbandError:
            try await emitter.write(plan.failure(), to: &writer)
        case .truncate:
            break
        case nil:
            try await emitter.pause()
            try await emitter.write(plan.end(), to: &writer)
        }
        try await emitter.finish(&writer)
    }

    /// Waits before answering; when the server shuts down meanwhile, the answer never comes and
    /// the connection is dropped.
    ///
    /// - Throws: ``ClientWentAway`` when the client leaves first, ``SimulatedAbort`` on shutdown.
    private func wait(for duration: Duration) async throws {
        guard let departure else {
            preconditionFailure("a request whose switches wait always watches its client")
        }
        do {
            try await departure.pause(for: duration)
        } catch is CancellationError {
            try abort()
        }
    }

    /// Drops the connection without finishing the response, as a crashed upstream would.
    ///
    /// - Throws: ``SimulatedAbort``, always, so that the handler stops writing.
    private func abort() throws -> Never {
        // Not awaited: the channel may already be closing, and the error thrown next ends the
        // handler either way. The close runs on the channel's event loop before anything the
        // handler's caller writes afterwards.
        channel.close(promise: nil)
        throw SimulatedAbort()
    }

    /// Runs `body`, counting a disconnect when the client went away before it finished.
    static func countingDisconnects<Value>(_ state: SimulatorState, _ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as ClientWentAway {
            state.recordDisconnect()
            throw error
        }
    }
}

/// The simulator dropped the connection on purpose (`reset-after`, the end of `stall`).
struct SimulatedAbort: Error {}
