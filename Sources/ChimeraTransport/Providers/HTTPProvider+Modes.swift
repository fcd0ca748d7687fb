import ChimeraCore
import Foundation
import Logging

extension HTTPProvider {
    /// A provider called directly, with its own key and base URL.
    ///
    /// A provider that cannot be called as configured (Cursor without `CURSOR_BASE_URL`, any other
    /// provider without its key) is still created; each call then throws a configuration error
    /// that says which variable to set.
    ///
    /// - Parameter family: The protocol to speak; by default the configured one
    ///   (``ChimeraConfiguration/family(of:)``).
    public static func direct(
        _ id: ProviderID,
        family: ProtocolFamily? = nil,
        configuration: ChimeraConfiguration,
        transport: HTTPTransport,
        observer: RequestObserver? = nil,
        logger: Logger
    ) -> HTTPProvider {
        let settings = configuration.provider(id)
        let prefix = id.environmentPrefix
        let target: HTTPProvider.Target
        if let baseURL = settings.baseURL {
            if settings.apiKey == nil && id != .cursor {
                target = .unavailable(.configuration(
                    "\(prefix)_API_KEY is not set", provider: id,
                    hint: "export \(prefix)_API_KEY=<your key>, or route through a proxy with API_CONNECTION_MODE=proxy"
                ))
            } else {
                target = .endpoint(.direct(id, baseURL: baseURL, apiKey: settings.apiKey, family: family ?? configuration.family(of: id)))
            }
        } else {
            target = .unavailable(.configuration(
                "Cursor has no public chat API, so direct mode needs CURSOR_BASE_URL", provider: id,
                hint: "set CURSOR_BASE_URL to an OpenAI-compatible endpoint that serves Cursor's models (and CURSOR_API_KEY if it needs one)"
            ))
        }
        let host = settings.baseURL.map { Redaction.redact($0.absoluteString) } ?? "-"
        return HTTPProvider(
            id: id,
            target: target,
            transport: transport,
            timeouts: configuration.direct.timeouts,
            retryPolicy: RetryPolicy(maxRetries: configuration.direct.maxRetries),
            route: .direct,
            classify: { $0.errorForDirectCall(provider: id, host: host) },
            observer: observer,
            logger: logger
        )
    }

    /// A provider reached through the proxy in its own protocol (JSON) on its proxy route.
    ///
    /// - Parameter family: The protocol to speak; by default the configured one.
    public static func proxied(
        _ id: ProviderID,
        family: ProtocolFamily? = nil,
        configuration: ChimeraConfiguration,
        transport: HTTPTransport,
        observer: RequestObserver? = nil,
        logger: Logger
    ) -> HTTPProvider {
        let proxy = configuration.proxy
        let shownURL = Redaction.redact(proxy.serverURL.absoluteString)
        return HTTPProvider(
            id: id,
            target: .endpoint(.proxied(id, proxyURL: proxy.serverURL, route: configuration.provider(id).proxyRoute, proxyKey: proxy.apiKey, family: family ?? configuration.family(of: id))),
            transport: transport,
            timeouts: proxy.timeouts,
            retryPolicy: RetryPolicy(maxRetries: proxy.maxRetries),
            route: .proxy,
            classify: { $0.errorForProxyCall(provider: id, proxyURL: shownURL) },
            annotate: { [keyIsSet = proxy.apiKey != nil] in ProxyErrors.annotate($0, proxyURL: shownURL, keyIsSet: keyIsSet) },
            observer: observer,
            logger: logger
        )
    }
}
