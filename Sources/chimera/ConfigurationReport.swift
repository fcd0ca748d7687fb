import ChimeraCore
import Foundation

/// The effective configuration as aligned text, secrets masked, and the egress manifest.
///
/// The rows come from ``ChimeraConfiguration/variables``, the same table the configuration
/// is parsed with.
struct ConfigurationReport {
    let text: String

    init(_ configuration: ChimeraConfiguration) {
        let rows = ChimeraConfiguration.variables.map { ($0.name, $0.shownValue(in: configuration)) }
        let width = rows.map(\.0.count).max() ?? 0
        var text = "Configuration is valid.\n\n" + rows.map { name, value in
            name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value
        }.joined(separator: "\n")
        text += "\n\n" + Self.manifest(configuration).joined(separator: "\n")
        self.text = text
    }

    /// Every host:port the process may contact and through what: the client's in the configured
    /// mode, and `chimera proxy`'s when that differs (it always calls the providers directly).
    static func manifest(_ configuration: ChimeraConfiguration) -> [String] {
        let enforcement = configuration.egress.policy == .strict
            ? "enforced (CHIMERA_EGRESS=strict): no other host is contacted"
            : "not enforced (CHIMERA_EGRESS=open)"
        let client = EgressManifest(configuration, role: .client)
        var lines = ["Egress manifest, \(enforcement):", "", "as a client (API_CONNECTION_MODE=\(configuration.connectionMode.rawValue)):"] + client.lines
        if configuration.connectionMode == .proxy {
            lines += ["", "as chimera proxy:"] + EgressManifest(configuration, role: .proxyServer).lines
        }
        if let bundle = configuration.egress.trustedCertificates {
            lines += ["", "TLS trusts the system's CA certificates and \(bundle)."]
        }
        return lines
    }
}

/// Writes a line to standard error.
func printToStandardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
