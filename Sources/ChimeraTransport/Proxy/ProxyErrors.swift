import ChimeraCore

/// How proxy failures are explained: what happened at which URL, and what to do about it.
enum ProxyErrors {
    /// The hint for a proxy that cannot be reached.
    static let startProxyHint =
        "start one with `chimera proxy` (add --simulate to serve the built-in simulator), or point PROXY_SERVER_URL at your AIClient-2-API server; " + fallbackSuggestion

    /// The part of ``startProxyHint`` that suggests fallback, which a request that already fell
    /// back must not repeat.
    static let fallbackSuggestion = "PROXY_FALLBACK_TO_DIRECT=true sends requests directly while the proxy is down"

    /// A hint of the proxy's error without the fallback suggestion: for a request that fell back.
    static func withoutFallbackSuggestion(_ hint: String?) -> String? {
        hint.map { $0.replacingOccurrences(of: "; " + fallbackSuggestion, with: "") }
    }

    /// Whether `error` is the proxy's own failure, after which another way may be tried (the next
    /// proxy, or direct): not a provider's error the proxy relayed, nor a request wrong in itself
    /// or cancelled, which would fail the same way anywhere.
    static func isProxysOwnFailure(_ error: ChimeraError) -> Bool {
        error.source != .upstream && error.kind != .invalidRequest && error.kind != .cancelled
    }

    /// The error of a request not sent because the proxy is known to be down, with the reason
    /// the health monitor gave.
    static func knownDown(provider: ProviderID, reason: String) -> ChimeraError {
        var error = ChimeraError(
            kind: .proxyUnavailable,
            message: "the health monitor reports the proxy unhealthy (\(reason))",
            provider: provider,
            isRetryable: true,
            hint: startProxyHint
        )
        error.source = .proxy
        return error
    }

    /// Adds proxy context to an error the proxy answered with.
    ///
    /// - Parameter keyIsSet: Whether PROXY_API_KEY is set, so that a refusal's hint says to
    ///   check it rather than to set it.
    static func annotate(_ error: ChimeraError, proxyURL: String, keyIsSet: Bool) -> ChimeraError {
        var error = error
        error.message = "the proxy at \(proxyURL) answered: \(error.message)"
        if error.hint == nil {
            switch error.status {
            case 401?, 403?:
                error.hint = keyRefusalHint(source: error.source, provider: error.provider, keyIsSet: keyIsSet)
            case 404?:
                error.hint = "the proxy does not serve this route; check <PROVIDER>_PROXY_ROUTE against the provider ids the proxy accepts"
            case let status? where status >= 500:
                error.hint = "the proxy or its upstream failed; see the proxy's log"
            default:
                break
            }
        }
        return error
    }

    /// Whose key a 401 or 403 through the proxy is about: the proxy's own refusal is about
    /// PROXY_API_KEY; a provider's refusal the proxy relayed is about the key the proxy holds for
    /// that provider; a proxy that does not say (AIClient-2-API) leaves both possible.
    private static func keyRefusalHint(source: ChimeraError.Source?, provider: ProviderID?, keyIsSet: Bool) -> String {
        let providerKey = provider.map { "\($0.environmentPrefix)_API_KEY" } ?? "the provider's API key"
        let proxyKey = keyIsSet
            ? "PROXY_API_KEY is not the key the proxy requires (its --api-key or CHIMERA_PROXY_API_KEY)"
            : "set PROXY_API_KEY to the key the proxy requires"
        switch source {
        case .proxy?:
            return "the proxy refused its key: \(proxyKey)"
        case .upstream?:
            return "the provider refused the key the proxy sent it: check \(providerKey) where the proxy runs"
        case nil:
            return "the proxy refused its key (\(proxyKey)), or the provider refused the proxy's key for it (check \(providerKey) where the proxy runs)"
        }
    }
}

extension TransportFailure {
    /// The error a call through the proxy at `proxyURL` reports for this failure.
    /// The proxy hop itself failed (``ChimeraError/Source/proxy``), unless the call was cancelled.
    public func errorForProxyCall(provider: ProviderID, proxyURL: String) -> ChimeraError {
        var error = errorOfProxyHop(provider: provider, proxyURL: proxyURL)
        if error.kind != .cancelled { error.source = .proxy }
        return error
    }

    private func errorOfProxyHop(provider: ProviderID, proxyURL: String) -> ChimeraError {
        switch reason {
        case .connectFailed:
            ChimeraError(kind: .proxyUnavailable, message: "cannot connect to the proxy at \(proxyURL)", provider: provider,
                         isRetryable: true, hint: ProxyErrors.startProxyHint)
        case .timedOut:
            ChimeraError(kind: .timeout, message: "the proxy at \(proxyURL) did not answer within \(limit?.formattedSeconds ?? "the time limit")", provider: provider,
                         isRetryable: true, hint: "raise PROXY_TIMEOUT_SECONDS (or PROXY_STREAM_IDLE_TIMEOUT_SECONDS) if the upstream is slow; check the proxy's log")
        case .connectionLost:
            ChimeraError(kind: .proxyUnavailable, message: "the connection to the proxy at \(proxyURL) was lost (\(detail))", provider: provider,
                         isRetryable: true, hint: "check that the proxy is still running")
        case .cancelled:
            ChimeraError.cancelled(provider: provider)
        case .tooLarge:
            ChimeraError(kind: .decoding, message: "the answer from the proxy at \(proxyURL) is larger than Chimera accepts: \(detail)", provider: provider,
                         hint: TransportFailure.tooLargeHint)
        case .poolExhausted:
            ChimeraError(kind: .timeout, message: "all PROXY_POOL_SIZE connections to the proxy at \(proxyURL) stayed busy for \(limit?.formattedSeconds ?? "the time limit")", provider: provider,
                         isRetryable: true, hint: "more concurrent requests than the pool allows: raise PROXY_POOL_SIZE (up to 1024), PROXY_TIMEOUT_SECONDS, or send fewer at once")
        case .other:
            ChimeraError(kind: .proxyUnavailable, message: "the request to the proxy at \(proxyURL) failed: \(detail)", provider: provider, isRetryable: false,
                         hint: "check PROXY_SERVER_URL and the proxy's log")
        }
    }
}
