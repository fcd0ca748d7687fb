import AsyncHTTPClient
import ChimeraCore
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Sends HTTP requests for providers over one shared `HTTPClient`, with Chimera's time limits,
/// and turns every transport failure into a ``ChimeraError``.
///
/// Policy (retries, fallback) lives in the callers; this type only does the I/O.
public struct HTTPTransport: Sendable {
    /// The shared client; one per process, owned by whoever created it.
    public let client: HTTPClient
    /// The most bytes read of a unary answer and of a stream.
    public var limits: ResponseLimits

    /// Wraps a client.
    public init(client: HTTPClient, limits: ResponseLimits = ResponseLimits()) {
        self.client = client
        self.limits = limits
    }

    /// A client configured for Chimera: no redirects, no connection-establishment retries (so a
    /// refused connection fails at once and Chimera's own retry policy decides), the given connect
    /// timeout and pool size.
    public static func makeClient(connectTimeout: Duration, poolSize: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout.connect = .nanoseconds(Int64(connectTimeout.seconds * 1e9))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = poolSize
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// A complete answer: status, headers and the whole body.
    public struct Reply: Sendable {
        /// The HTTP status code.
        public var status: Int
        /// The response headers.
        public var headers: [(name: String, value: String)]
        /// The body.
        public var body: Data
    }

    /// Sends a request and reads the whole answer within `timeout`.
    ///
    /// - Throws: ``ChimeraError`` from `classify` for transport failures.
    public func send(
        _ request: HTTPClientRequest,
        timeout: Duration,
        logger: Logger,
        classify: @Sendable (TransportFailure) -> ChimeraError
    ) async throws(ChimeraError) -> Reply {
        do {
            let response = try await client.execute(request, deadline: .now() + .nanoseconds(Int64(timeout.seconds * 1e9)), logger: logger)
            let body = try await response.body.collect(upTo: limits.maxBodyBytes)
            return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Data(buffer: body))
        } catch {
            throw classify(TransportFailure(error, limit: timeout))
        }
    }

    /// Sends a request and returns as soon as the response head arrives (within `headTimeout`);
    /// the body is read by the caller as it streams.
    ///
    /// - Throws: ``ChimeraError`` from `classify` for transport failures.
    public func open(
        _ request: HTTPClientRequest,
        headTimeout: Duration,
        logger: Logger,
        classify: @Sendable (TransportFailure) -> ChimeraError
    ) async throws(ChimeraError) -> HTTPClientResponse {
        let client = self.client
        do {
            // The deadline of `execute` would also cut the body, so the wait for the head is raced
            // against a timer instead; the body then has only the idle limit.
            return try await withThrowingTaskGroup(of: HTTPClientResponse?.self) { group in
                group.addTask { try await client.execute(request, deadline: .distantFuture, logger: logger) }
                group.addTask {
                    try await Task.sleep(for: headTimeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else {
                    throw TransportFailure.Timeout()
                }
                return response
            }
        } catch {
            throw classify(TransportFailure(error, limit: headTimeout))
        }
    }

    /// Reads the rest of an error response's body, bounded, for the error report.
    public func errorBody(of response: HTTPClientResponse) async -> Data {
        do {
            return Data(buffer: try await response.body.collect(upTo: 64 << 10))
        } catch {
            // The status already says what failed; a body that cannot be read adds nothing.
            return Data()
        }
    }
}

extension HTTPClientRequest {
    /// A JSON POST or a GET with the given headers.
    static func make(url: URL, method: HTTPMethod, headers: [(name: String, value: String)], body: Data?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if let body {
            request.headers.replaceOrAdd(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }
}
