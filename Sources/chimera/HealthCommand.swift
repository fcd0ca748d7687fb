import ArgumentParser
import Chimera
import ChimeraTransport
import Foundation

/// `chimera health`: checks the proxy once.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check the LLM proxy (each proxy) once and print its status and latency.",
        discussion: """
            Asks the proxy's GET /health (and reads GET /provider_health when the proxy serves it), the \
            same check `chimera serve` runs on its period; with several proxies, each of them. Exit status: \
            0 healthy, 1 unhealthy (or a bad configuration), 2 degraded; with several proxies, of the \
            verdict over them all (degraded unless they agree).
            """
    )

    @Option(help: "The proxy's base URL, or a comma-separated list (default: PROXY_SERVER_URL, else http://localhost:8080).")
    var url: String?

    @Option(help: "Seconds the check may take.")
    var timeout = 5.0

    @Flag(help: "Print the full health report as JSON.")
    var json = false

    func validate() throws {
        guard timeout.isFinite, timeout > 0 else {
            throw ValidationError("--timeout \(timeout): accepted: a number of seconds greater than 0")
        }
        for url in urls ?? [] {
            guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
                  components.host?.isEmpty == false
            else {
                throw ValidationError("--url \(Redaction.redact(url)): accepted: an http:// or https:// URL with a host, e.g. http://localhost:8080, or a comma-separated list of them")
            }
        }
    }

    /// The URLs of `--url`, when given.
    private var urls: [String]? {
        url.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    func run() async throws {
        var proxy = try loadConfiguration().proxy
        if let urls { proxy.serverURLs = urls.compactMap(URL.init(string:)) }
        let limit = Duration.milliseconds(Int64(timeout * 1000))
        let transport = HTTPTransport(connectTimeout: limit, poolSize: 1)
        let monitors = proxy.eachProxy.map { single in
            ProxyHealthMonitor(
                proxy: single,
                transport: transport,
                configuration: ProxyHealthMonitor.Configuration(interval: single.healthCheckInterval, checkTimeout: limit)
            )
        }
        // The proxies are checked at once, so several take as long as the slowest.
        let results = await withTaskGroup(of: (Int, ProxyProbe.Result).self) { group in
            for (index, monitor) in monitors.enumerated() { group.addTask { (index, await monitor.ping()) } }
            var results: [Int: ProxyProbe.Result] = [:]
            for await (index, result) in group { results[index] = result }
            return monitors.indices.map { results[$0]! }
        }
        try await transport.shutdown()
        let reports = monitors.map(\.report)
        let status = monitors.count == 1 ? reports[0].status : ProxyPoolHealthReport(reports).status
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            let encoded = monitors.count == 1 ? try encoder.encode(reports[0]) : try encoder.encode(ProxyPoolHealthReport(reports))
            print(String(decoding: encoded, as: UTF8.self))
        } else {
            for (report, result) in zip(reports, results) { print(Self.summary(of: report, result: result)) }
        }
        switch status {
        case .healthy: return
        case .degraded: throw ExitCode(2)
        case .unhealthy, .unknown: throw ExitCode.failure
        }
    }

    /// `proxy http://localhost:8080: healthy, 2.1 ms (protocols: json; upstreams: 0 of 6 unhealthy)`
    static func summary(of report: ProxyHealthReport, result: ProxyProbe.Result) -> String {
        var text = "proxy \(report.proxyURL): \(report.status.rawValue), \(String(format: "%.1f", result.latency.seconds * 1000)) ms"
        var details: [String] = []
        if let protocols = report.advertisedProtocols { details.append("protocols: \(protocols.joined(separator: ", "))") }
        if let upstreams = report.upstreams { details.append("upstreams: \(upstreams.unhealthyCount) of \(upstreams.count) unhealthy") }
        if !details.isEmpty { text += " (\(details.joined(separator: "; ")))" }
        if report.status != .healthy { text += "\n  \(report.reason)" }
        return text
    }
}
