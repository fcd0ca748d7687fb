import AsyncHTTPClient
import ChimeraCore
import Foundation
import Logging

/// One look at the proxy: `GET /health` for liveness, then `GET /provider_health` for the
/// proxy's own view of its upstream providers.
///
/// `/health` is cheap and unauthenticated on AIClient-2-API and `chimera proxy`; its round trip
/// is the check's latency, and its `"protocols"` list (sent by `chimera proxy`) says which wire
/// protocols the proxy speaks. `/provider_health` is always HTTP 200 on AIClient-2-API, so its
/// JSON is read rather than its status; a proxy that does not serve it (404) is not at fault.
public struct ProxyProbe: Sendable {
    /// What one probe found.
    public struct Result: Sendable {
        /// How long `/health` took to answer or to fail.
        public var latency: Duration
        /// Why the proxy is not alive; `nil` when `/health` answered 2xx in time.
        ///
        /// Its kind is ``ChimeraError/Kind/proxyUnavailable`` exactly when no connection could be
        /// made (nothing listens), ``ChimeraError/Kind/timeout`` when the check ran out of time,
        /// and ``ChimeraError/Kind/upstream`` for a lost connection or a non-2xx answer.
        public var error: ChimeraError?
        /// The protocols `/health` advertises, if it names any.
        public var protocols: [String]?
        /// The `/provider_health` summary, when the proxy serves one.
        public var upstreams: UpstreamSummary?

        /// Whether `/health` answered 2xx in time.
        public var isAlive: Bool { error == nil }
        /// Whether the connection was refused or could not be made at all.
        public var wasRefused: Bool { error?.kind == .proxyUnavailable }
        /// Whether the probe stopped because its task was cancelled (nothing was learnt).
        public var wasCancelled: Bool { error?.kind == .cancelled }
    }

    /// The proxy's base URL.
    public let proxyURL: URL
    /// The time limit of each of the two requests.
    public let timeout: Duration
    private let apiKey: Secret?
    private let transport: HTTPTransport

    /// Creates a probe.
    ///
    /// - Parameters:
    ///   - proxyURL: The proxy's base URL (`PROXY_SERVER_URL`).
    ///   - apiKey: The proxy's key (`PROXY_API_KEY`), sent as a bearer token in case the proxy
    ///     sits behind a gateway that wants it even for `/health`.
    ///   - transport: The shared HTTP transport.
    ///   - timeout: The time limit of each request.
    public init(proxyURL: URL, apiKey: Secret?, transport: HTTPTransport, timeout: Duration) {
        self.proxyURL = proxyURL
        self.apiKey = apiKey
        self.transport = transport
        self.timeout = timeout
    }

    /// Looks at the proxy once.
    ///
    /// Never throws: every failure is part of the result.
    public func run(logger: Logger) async -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        let shownURL = Redaction.redact(proxyURL.absoluteString)
        let reply: HTTPTransport.Reply
        do {
            reply = try await transport.send(request(path: "health"), timeout: timeout, lane: .control, logger: logger) { failure in
                Self.error(for: failure, proxyURL: shownURL)
            }
        } catch {
            return Result(latency: clock.now - started, error: error)
        }
        let latency = clock.now - started
        guard (200..<300).contains(reply.status) else {
            return Result(latency: latency, error: Self.error(status: reply.status, body: reply.body, proxyURL: shownURL))
        }
        return Result(
            latency: latency,
            error: nil,
            protocols: Self.protocols(in: reply.body),
            upstreams: await upstreams(logger: logger)
        )
    }

    private func request(path: String) -> UpstreamRequest {
        var headers: [(name: String, value: String)] = [("accept", "application/json")]
        if let apiKey { headers.append(("authorization", "Bearer \(apiKey.value)")) }
        return UpstreamRequest.make(url: proxyURL.appending(path: path), method: .GET, headers: headers, body: nil)
    }

    /// Reads `/provider_health`; `nil` when the proxy does not serve it or its answer says nothing.
    private func upstreams(logger: Logger) async -> UpstreamSummary? {
        let shownURL = Redaction.redact(proxyURL.absoluteString)
        do {
            let reply = try await transport.send(request(path: "provider_health"), timeout: timeout, lane: .control, logger: logger) { failure in
                Self.error(for: failure, proxyURL: shownURL)
            }
            guard reply.status == 200 else {
                // 404: a proxy without the route; anything else is no verdict about the upstreams either.
                logger.debug("the proxy's /provider_health gave no summary", metadata: ["status": "\(reply.status)"])
                return nil
            }
            let body = try JSONDecoder().decode(ProviderHealthBody.self, from: reply.body)
            return UpstreamSummary(summaryHealth: body.summaryHealth, count: body.count ?? 0, unhealthyCount: body.unhealthyCount ?? 0)
        } catch {
            // /health already said the proxy is alive; a summary that cannot be read only means
            // there is no summary, and the next check asks again.
            logger.debug("the proxy's /provider_health could not be read", metadata: ["error": "\(Redaction.redact(String(describing: error)))"])
            return nil
        }
    }

    /// The `"protocols"` of a `/health` body; `nil` when the body names none (or is not JSON,
    /// which some proxies answer with: liveness is the status alone).
    private static func protocols(in body: Data) -> [String]? {
        do {
            return try JSONDecoder().decode(HealthBody.self, from: body).protocols
        } catch {
            return nil
        }
    }

    private struct HealthBody: Decodable {
        var protocols: [String]?
    }

    private struct ProviderHealthBody: Decodable {
        var summaryHealth: Bool
        var count: Int?
        var unhealthyCount: Int?
    }

    private static func error(for failure: TransportFailure, proxyURL: String) -> ChimeraError {
        switch failure.reason {
        case .connectFailed:
            ChimeraError(kind: .proxyUnavailable, message: "cannot connect to the proxy at \(proxyURL)", isRetryable: true,
                         hint: ProxyErrors.startProxyHint)
        case .timedOut:
            ChimeraError(kind: .timeout, message: "the proxy at \(proxyURL) did not answer its health check within \(failure.limit?.formattedSeconds ?? "the time limit")",
                         isRetryable: true)
        case .cancelled:
            ChimeraError.cancelled()
        case .connectionLost, .tooLarge, .poolExhausted, .other:
            ChimeraError(kind: .upstream, message: "the health check of the proxy at \(proxyURL) failed: \(failure.detail)", isRetryable: true)
        }
    }

    private static func error(status: Int, body: Data, proxyURL: String) -> ChimeraError {
        ChimeraError(
            kind: .upstream,
            message: "the proxy at \(proxyURL) failed its health check",
            status: status,
            body: String(decoding: body.prefix(ChimeraError.bodyExcerptLimit), as: UTF8.self),
            isRetryable: true,
            hint: status == 401 || status == 403 ? "the proxy wants a key even for /health: set PROXY_API_KEY" : nil
        )
    }
}
