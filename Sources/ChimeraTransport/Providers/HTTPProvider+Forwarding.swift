import AsyncHTTPClient
import ChimeraCore
import ChimeraWire
import NIOCore

/// A request body relayed to a provider of the caller's own protocol family as the caller sent
/// it (same-family pass-through), with the request it was read as.
public struct ForwardedCall: Sendable {
    /// The body to send: the caller's bytes, with only what routing needs changed (the model).
    public var body: [UInt8]
    /// The request the body was read as: its model and stream flag build the URL, and it decodes
    /// the answer's errors and usage.
    public var request: ChatRequest
    /// Inbound headers the provider's protocol wants passed on (`anthropic-version`,
    /// `anthropic-beta`, OpenAI organization/project), lowercased; they replace Chimera's own
    /// value of the same header. Never credentials.
    public var headers: [(name: String, value: String)]

    /// Creates a forwarded call.
    public init(body: [UInt8], request: ChatRequest, headers: [(name: String, value: String)] = []) {
        self.body = body
        self.request = request
        self.headers = headers
    }
}

/// A successful unary answer relayed as the provider sent it, checked
/// (``ProtocolBinding/checkResponse(_:for:)``) but not read into the domain.
public struct ForwardedReply: Sendable {
    /// The answer's headers.
    public var headers: [(name: String, value: String)]
    /// The answer's bytes: what the caller gets.
    public var body: ByteBuffer
    /// The answer's usage, for logs and metrics.
    public var usage: Usage?
    /// How the answer travelled.
    public var route: Route
}

/// A successful streamed answer whose bytes the caller reads as they arrive.
///
/// Read it once; its pooled connection is given back at the end of the body, or when the
/// iterator is dropped (which also closes the upstream connection).
public struct ForwardedStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    public typealias Failure = ChimeraError

    /// The answer's headers.
    public let headers: [(name: String, value: String)]
    fileprivate let opened: HTTPTransport.OpenResponse
    fileprivate let idleTimeout: Duration
    fileprivate let classify: @Sendable (TransportFailure) -> ChimeraError

    public func makeAsyncIterator() -> Iterator {
        Iterator(body: opened.response.body.makeAsyncIterator(), permit: opened.permit, idleTimeout: idleTimeout, classify: classify)
    }

    /// The chunks of the body as they arrive.
    public struct Iterator: AsyncIteratorProtocol {
        fileprivate var body: HTTPClientResponse.Body.AsyncIterator
        fileprivate var permit: ConnectionPermit?
        fileprivate let idleTimeout: Duration
        fileprivate let classify: @Sendable (TransportFailure) -> ChimeraError

        public mutating func next() async throws(ChimeraError) -> ByteBuffer? {
            let chunk: ByteBuffer?
            do {
                chunk = try await body.next()
            } catch {
                permit = nil
                throw classify(TransportFailure(error, limit: idleTimeout))
            }
            if chunk == nil {
                permit = nil
                // The body ends quietly when the reading task is cancelled; say so.
                if Task.isCancelled { throw ChimeraError.cancelled() }
            }
            return chunk
        }
    }
}

extension HTTPProvider {
    /// Sends a caller's body as it is to the provider (same-family pass-through), with the same
    /// retries, time limits and observers as ``complete(_:context:)``.
    ///
    /// A unary answer is read whole and checked — an error inside a 200, or a 200 without a
    /// choice — before it is handed over, its usage read; a stream is handed over at its head.
    ///
    /// - Returns: The answer, unary or streamed as `call.request.stream` asks.
    /// - Throws: ``ChimeraError`` for a refused, failed or unreadable answer, after any retries.
    public func forward(_ call: ForwardedCall, context: CallContext) async throws(ChimeraError) -> ForwardedAnswer {
        let endpoint = try usableEndpoint()
        let request = call.request
        var headers = endpoint.headers.filter { header in !call.headers.contains { $0.name == header.name.lowercased() } }
        headers += call.headers + context.upstreamHeaders
        if request.stream { headers.append((name: "accept", value: "text/event-stream")) }
        let httpRequest = UpstreamRequest.make(
            url: endpoint.chatURL(model: request.model, stream: request.stream), method: .POST, headers: headers, body: call.body
        )
        let logger = context.logger(from: self.logger)
        let binding = self.binding
        if !request.stream {
            return .unary(try await attempts.run(model: request.model, logger: logger) { () throws(ChimeraError) in
                let reply = try await transport.send(httpRequest, timeout: timeouts.request.bounded(by: context.deadline), logger: logger, classify: classify)
                let bytes = Array(reply.buffer.readableBytesView)
                guard (200..<300).contains(reply.status) else {
                    throw answeredError(status: reply.status, headers: reply.headers, body: bytes)
                }
                let usage = try binding.checkResponse(bytes, for: request)
                return ForwardedReply(headers: reply.headers, body: reply.buffer, usage: usage, route: route)
            })
        }
        return .stream(try await attempts.run(model: request.model, logger: logger) { () throws(ChimeraError) in
            let opened = try await transport.open(httpRequest, headTimeout: timeouts.request.bounded(by: context.deadline), logger: logger, classify: classify)
            let head = opened.response
            let headers = head.headers.map { ($0.name, $0.value) }
            guard (200..<300).contains(Int(head.status.code)) else {
                let errorBody = await transport.errorBody(of: opened)
                throw answeredError(status: Int(head.status.code), headers: headers, body: Array(errorBody))
            }
            return ForwardedStream(headers: headers, opened: opened, idleTimeout: transport.streamIdleTimeout, classify: classify)
        })
    }
}

/// What ``HTTPProvider/forward(_:context:)`` answers.
public enum ForwardedAnswer: Sendable {
    /// The whole answer.
    case unary(ForwardedReply)
    /// An answer that streams.
    case stream(ForwardedStream)
}

extension HTTPProvider {
    /// The provider's own token count where its protocol has an endpoint for it (on a proxy
    /// route too), else the estimate.
    public func countTokens(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> TokenCount {
        let endpoint = try usableEndpoint()
        guard let url = endpoint.countTokensURL(model: request.model) else {
            return TokenCount(tokens: request.estimatedInputTokens, isEstimate: true)
        }
        let httpRequest = UpstreamRequest.make(
            url: url, method: .POST, headers: endpoint.headers + context.upstreamHeaders, body: try binding.encodeTokenCountRequest(request)
        )
        let logger = context.logger(from: self.logger)
        let binding = self.binding
        return try await attempts.run(model: request.model, logger: logger) { () throws(ChimeraError) in
            let reply = try await transport.send(httpRequest, timeout: timeouts.request.bounded(by: context.deadline), logger: logger, classify: classify)
            let bytes = Array(reply.buffer.readableBytesView)
            guard (200..<300).contains(reply.status) else {
                throw answeredError(status: reply.status, headers: reply.headers, body: bytes)
            }
            return TokenCount(tokens: try binding.decodeTokenCount(bytes, provider: id), isEstimate: false)
        }
    }
}
