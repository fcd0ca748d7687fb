import ChimeraCore
import Foundation

/// The effective configuration as aligned text, secrets masked.
struct ConfigurationReport {
    let text: String

    init(_ configuration: ChimeraConfiguration) {
        let proxy = configuration.proxy
        var rows: [(String, String)] = [
            ("API_CONNECTION_MODE", configuration.connectionMode.rawValue),
            ("PROXY_SERVER_URL", Redaction.redact(proxy.serverURL.absoluteString)),
            ("PROXY_PROTOCOL", proxy.wireProtocol.rawValue),
            ("PROXY_API_KEY", proxy.apiKey?.description ?? "(not set)"),
            ("PROXY_FALLBACK_TO_DIRECT", String(proxy.fallbackToDirect)),
            ("PROXY_TIMEOUT_SECONDS", proxy.timeouts.request.formattedSeconds),
            ("PROXY_CONNECT_TIMEOUT_SECONDS", proxy.timeouts.connect.formattedSeconds),
            ("PROXY_STREAM_IDLE_TIMEOUT_SECONDS", proxy.timeouts.streamIdle.formattedSeconds),
            ("PROXY_MAX_RETRIES", String(proxy.maxRetries)),
            ("PROXY_POOL_SIZE", String(proxy.poolSize)),
            ("PROXY_HEALTH_CHECK_INTERVAL_SECONDS", proxy.healthCheckInterval.formattedSeconds),
            ("CHIMERA_CONNECT_TIMEOUT_SECONDS", configuration.direct.timeouts.connect.formattedSeconds),
            ("CHIMERA_REQUEST_TIMEOUT_SECONDS", configuration.direct.timeouts.request.formattedSeconds),
            ("CHIMERA_STREAM_IDLE_TIMEOUT_SECONDS", configuration.direct.timeouts.streamIdle.formattedSeconds),
            ("CHIMERA_MAX_RETRIES", String(configuration.direct.maxRetries)),
            ("CHIMERA_MAX_RESPONSE_BYTES", String(configuration.limits.maxBodyBytes)),
            ("CHIMERA_MAX_STREAM_BYTES", String(configuration.limits.maxStreamBytes)),
            ("CHIMERA_LOG_LEVEL", configuration.logLevel.rawValue),
            ("CHIMERA_API_KEY", configuration.apiKey?.description ?? "(not set)"),
        ]
        for id in ProviderID.allCases {
            let provider = configuration.provider(id)
            rows.append(("\(id.environmentPrefix)_API_KEY", provider.apiKey?.description ?? "(not set)"))
            rows.append(("\(id.environmentPrefix)_BASE_URL", provider.baseURL.map { Redaction.redact($0.absoluteString) } ?? "(not set: required for \(id.displayName))"))
            rows.append(("\(id.environmentPrefix)_PROXY_ROUTE", provider.proxyRoute))
        }
        let width = rows.map(\.0.count).max() ?? 0
        text = "Configuration is valid.\n\n" + rows.map { name, value in
            name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value
        }.joined(separator: "\n")
    }
}

/// Writes a line to standard error.
func printToStandardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
