import ChimeraCore
import ChimeraRelay
import ChimeraTransport
import Prometheus

/// The server's Prometheus metrics, in a registry of its own (so two servers in one process,
/// as in tests, never mix their counts).
///
/// | metric | type | labels |
/// |---|---|---|
/// | `chimera_requests_total` | counter | `provider`, `route`, `outcome` |
/// | `chimera_request_duration_seconds` | histogram | `provider`, `route` |
/// | `chimera_upstream_attempts_total` | counter | `provider`, `route`, `outcome`, and `proxy` on the proxy route |
/// | `chimera_upstream_attempt_duration_seconds` | histogram | `provider`, `route`, and `proxy` on the proxy route |
/// | `chimera_http_responses_total` | counter | `endpoint`, `method`, `status` |
/// | `chimera_cache_results_total` | counter, with `CHIMERA_CACHE` or `CHIMERA_DEDUPLICATE` | `result` (`hit`, `miss`, `shared`) |
/// | `chimera_proxy_health_status` | gauge, 1 for the current status | `proxy`, `status` |
/// | `chimera_proxy_health_availability_ratio` | gauge | `proxy` |
/// | `chimera_proxy_health_consecutive_failures` | gauge | `proxy` |
/// | `chimera_proxy_health_check_latency_seconds` | gauge | `proxy`, `statistic` (`last`, `mean`, `p50`, `p95`, `p99`) |
///
/// `outcome` is `success` or the error kind (`rate_limited`, `proxy_unavailable`, …), so it
/// never holds free text; `proxy` is the proxy's URL without user or password
/// (``ProxyConfiguration/label(of:)``). The proxy gauges are read from the health monitors at
/// each scrape and exist only in proxy mode, one set per proxy.
final class APIMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()

    /// Request durations from 50 ms to 5 min: LLM answers are slow and vary widely.
    private static let durationBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300),
    ]

    /// Counts one API request (generate or chat completion) once it is over.
    ///
    /// - Parameters:
    ///   - route: How it travelled, or how it would have when it failed before a provider answered.
    ///   - error: Its failure, `nil` for a success.
    func recordRequest(provider: ProviderID, route: Route, error: ChimeraError?, duration: Duration) {
        let outcome = error.map { "\($0.kind)" } ?? "success"
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "chimera", metricName: "requests", unitName: "total",
                                             helpText: "API requests by provider, route and outcome"),
            labels: [("provider", provider.rawValue), ("route", route.rawValue), ("outcome", outcome)]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "chimera", metricName: "request_duration", unitName: "seconds",
                                             helpText: "Time to answer an API request, streams until their last event"),
            labels: [("provider", provider.rawValue), ("route", route.rawValue)],
            buckets: Self.durationBuckets
        ).record(duration)
    }

    /// Counts every request the relay answered.
    var relayObserver: RelayObserver {
        RelayObserver { [self] record in
            // A body too broken to name its provider is counted only among the HTTP responses.
            guard let provider = record.provider else { return }
            recordRequest(provider: provider, route: record.route, error: record.error, duration: record.latency)
            if let cache = record.cache {
                registry.makeCounter(
                    descriptor: MetricNameDescriptor(namespace: "chimera", metricName: "cache_results", unitName: "total",
                                                     helpText: "Chat requests answered from the cache (hit), upstream (miss) or by an identical request in flight (shared)"),
                    labels: [("result", cache.rawValue)]
                ).increment()
            }
        }
    }

    /// Counts every attempt the providers make, retries and fallbacks included.
    var observer: RequestObserver {
        RequestObserver { [self] attempt in
            let outcome = attempt.error.map { "\($0.kind)" } ?? "success"
            var labels = [("provider", attempt.provider.rawValue), ("route", attempt.route.rawValue)]
            if let proxy = attempt.proxy { labels.append(("proxy", proxy)) }
            registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "chimera", metricName: "upstream_attempts", unitName: "total",
                                                 helpText: "Attempts to reach a provider or the proxy, by provider, route and outcome"),
                labels: labels + [("outcome", outcome)]
            ).increment()
            registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(namespace: "chimera", metricName: "upstream_attempt_duration", unitName: "seconds",
                                                 helpText: "Time of one attempt, to the response head for streams"),
                labels: labels,
                buckets: Self.durationBuckets
            ).record(attempt.latency)
        }
    }

    /// Counts one HTTP response of the server.
    ///
    /// - Parameter endpoint: The matched route pattern (never the raw path, which would let
    ///   clients create series at will).
    func recordResponse(endpoint: String, method: String, status: Int) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "chimera", metricName: "http_responses", unitName: "total",
                                             helpText: "HTTP responses of the API server by endpoint, method and status"),
            labels: [("endpoint", endpoint), ("method", method), ("status", String(status))]
        ).increment()
    }

    /// The Prometheus text exposition, with the proxy gauges brought up to date from `monitors`.
    func exposition(monitors: [ProxyHealthMonitor]) -> String {
        for monitor in monitors { updateProxyGauges(monitor.report, proxy: ProxyConfiguration.label(of: monitor.proxyURL)) }
        return registry.emitToString()
    }

    private func updateProxyGauges(_ report: ProxyHealthReport, proxy: String) {
        for status in ProxyHealthStatus.allCases {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "chimera", subsystem: "proxy_health", metricName: "status", unitName: "",
                                                 helpText: "1 for the proxy's current health status, 0 for the others"),
                labels: [("proxy", proxy), ("status", status.rawValue)]
            ).set(to: status == report.status ? 1 : 0)
        }
        registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: "chimera", subsystem: "proxy_health", metricName: "availability", unitName: "ratio",
                                             helpText: "Fraction of successful proxy health checks in the monitor's window"),
            labels: [("proxy", proxy)]
        ).set(to: report.availability ?? 0)
        registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: "chimera", subsystem: "proxy_health", metricName: "consecutive_failures", unitName: "",
                                             helpText: "Proxy health checks that failed in a row"),
            labels: [("proxy", proxy)]
        ).set(to: Double(report.consecutiveFailures))
        guard let latency = report.latency else { return }
        let statistics: [(String, Double)] = [
            ("last", latency.lastMilliseconds), ("mean", latency.meanMilliseconds),
            ("p50", latency.p50Milliseconds), ("p95", latency.p95Milliseconds), ("p99", latency.p99Milliseconds),
        ]
        for (statistic, milliseconds) in statistics {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "chimera", subsystem: "proxy_health", metricName: "check_latency", unitName: "seconds",
                                                 helpText: "Latency of the successful proxy health checks in the monitor's window"),
                labels: [("proxy", proxy), ("statistic", statistic)]
            ).set(to: milliseconds / 1000)
        }
    }
}
