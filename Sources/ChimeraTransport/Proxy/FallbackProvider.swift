import ChimeraCore

/// Sends requests through the proxy and, when the proxy fails, sends the same request directly
/// (`PROXY_FALLBACK_TO_DIRECT=true`).
///
/// Only failures of the proxy itself fall back — it could not be reached, timed out, or answered
/// with an error of its own: a provider's error relayed by a healthy proxy (marked
/// `chimera-error-source: upstream`) is the answer, and going direct would bypass the one
/// controlled way out. A proxy that does not mark its errors (AIClient-2-API) falls back on
/// every error, as it cannot be told apart. Only failures before an answer began fall back: a
/// stream that already delivered an event is never replayed. Requests that are wrong in
/// themselves (invalid request, cancelled) do not fall back either; the direct attempt would
/// fail the same way.
///
/// With running ``ProxyHealthMonitor``s it does not wait for the proxy to fail: while the
/// monitors say every proxy is ``ProxyHealthStatus/unhealthy`` requests go direct at once, and a
/// request already on its way goes direct as soon as the last of them turns unhealthy
/// (for example when its first attempt was refused), instead of waiting through the proxy's
/// retries. Monitors that are not running have no current verdict and are not consulted.
public struct FallbackProvider: LLMProvider {
    public var id: ProviderID { proxy.id }
    public var capabilities: ProviderCapabilities { proxy.capabilities }

    private let proxy: any LLMProvider
    private let direct: any LLMProvider
    private let monitors: [ProxyHealthMonitor]

    /// Creates a fallback pair.
    ///
    /// - Parameter monitors: The health monitors of the proxies `proxy` reaches, whose common
    ///   verdict short-cuts them.
    public init(proxy: any LLMProvider, direct: any LLMProvider, monitors: [ProxyHealthMonitor] = []) {
        self.proxy = proxy
        self.direct = direct
        self.monitors = monitors
    }

    public func complete(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatResponse {
        try await fallingBack { () throws(ChimeraError) in
            try await proxy.complete(request, context: context)
        } direct: { () throws(ChimeraError) in
            var response = try await direct.complete(request, context: context)
            response.route = .directFallback
            return response
        }
    }

    public func stream(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> ChatStream {
        try await fallingBack { () throws(ChimeraError) in
            try await proxy.stream(request, context: context)
        } direct: { () throws(ChimeraError) in
            let stream = try await direct.stream(request, context: context)
            return stream.served(route: .directFallback, wireProtocol: stream.wireProtocol)
        }
    }

    public func embed(_ request: EmbeddingRequest, context: CallContext) async throws(ChimeraError) -> EmbeddingResponse {
        try await fallingBack { () throws(ChimeraError) in
            try await proxy.embed(request, context: context)
        } direct: { () throws(ChimeraError) in
            var response = try await direct.embed(request, context: context)
            response.route = .directFallback
            return response
        }
    }

    public func listModels(context: CallContext) async throws(ChimeraError) -> [ModelInfo] {
        try await fallingBack { () throws(ChimeraError) in
            try await proxy.listModels(context: context)
        } direct: { () throws(ChimeraError) in
            try await direct.listModels(context: context)
        }
    }

    public func countTokens(_ request: ChatRequest, context: CallContext) async throws(ChimeraError) -> TokenCount {
        try await fallingBack { () throws(ChimeraError) in
            try await proxy.countTokens(request, context: context)
        } direct: { () throws(ChimeraError) in
            try await direct.countTokens(request, context: context)
        }
    }

    /// Runs `throughProxy`, and `direct` when the proxy failed in a way that falls back.
    private func fallingBack<Value: Sendable>(
        _ throughProxy: @escaping @Sendable () async throws(ChimeraError) -> Value,
        direct: () async throws(ChimeraError) -> Value
    ) async throws(ChimeraError) -> Value {
        do {
            return try await self.throughProxy(throughProxy)
        } catch let proxyError where ProxyErrors.isProxysOwnFailure(proxyError) {
            do {
                return try await direct()
            } catch let directError {
                throw Self.combine(proxyError, directError)
            }
        }
    }

    /// Runs `call` against the proxy, unless the running monitors say every proxy is unhealthy
    /// before or while it runs.
    ///
    /// - Throws: The proxy's error, or ``ChimeraError/Kind/proxyUnavailable`` with the monitors'
    ///   reasons when they gave up on every proxy.
    private func throughProxy<Value: Sendable>(_ call: @escaping @Sendable () async throws(ChimeraError) -> Value) async throws(ChimeraError) -> Value {
        guard !monitors.isEmpty, monitors.allSatisfy(\.isRunning) else { return try await call() }
        if allUnhealthy { throw unhealthy() }
        let outcome: Value?
        do {
            outcome = try await withThrowingTaskGroup(of: Value?.self) { group in
                group.addTask { try await call() }
                group.addTask {
                    await waitUntilAllUnhealthy()
                    // The waiter also returns when the caller cancelled; that is no reason to go direct.
                    if Task.isCancelled { throw ChimeraError.cancelled(provider: id) }
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch {
            throw ChimeraError(wrapping: error)
        }
        guard let outcome else { throw unhealthy() }
        return outcome
    }

    private var allUnhealthy: Bool {
        monitors.allSatisfy { $0.status == .unhealthy }
    }

    /// Returns once every monitor says unhealthy at the same moment, or when the task is cancelled.
    private func waitUntilAllUnhealthy() async {
        // Each wait returns at once for a monitor already unhealthy, so this loops only while
        // some proxy recovered during the wait for another.
        repeat {
            for monitor in monitors { await monitor.waitUntilUnhealthy() }
        } while !allUnhealthy && !Task.isCancelled
    }

    private func unhealthy() -> ChimeraError {
        ProxyErrors.knownDown(provider: id, reason: monitors.map(\.report.reason).joined(separator: "; "))
    }

    /// One error that says what the proxy did and why the direct attempt failed too.
    private static func combine(_ proxyError: ChimeraError, _ directError: ChimeraError) -> ChimeraError {
        var error = directError
        if directError.kind == .configuration {
            error.message = "the proxy failed (\(proxyError.message)) and fallback to direct has no way in: \(directError.message)"
        } else {
            error.message = "the proxy failed (\(proxyError.message)) and the direct fallback failed too: \(directError.message)"
        }
        // Fallback is on: the proxy's hint must not suggest turning it on.
        error.hint = [ProxyErrors.withoutFallbackSuggestion(proxyError.hint), directError.hint].compactMap { $0 }.joined(separator: "; ")
        return error
    }
}
