import ChimeraCore

/// What the status page shows that does not change while the server runs: which server it is,
/// its egress manifest and its configuration, secrets masked.
///
/// Built once at start from the configuration; it keeps only the shown text, so no secret is
/// held here even masked.
public struct StatusInfo: Sendable, Hashable, Encodable {
    /// One destination of the egress manifest.
    public struct Destination: Sendable, Hashable, Encodable {
        /// `host:port`.
        public var destination: String
        /// How calls leave for it: `direct (…)`, `via CONNECT proxy …`.
        public var route: String
        /// What it is: `openai (OPENAI_BASE_URL)`.
        public var purpose: String
    }

    /// One environment variable and its effective value.
    public struct Variable: Sendable, Hashable, Encodable {
        /// The variable's name.
        public var name: String
        /// Its value as `chimera config check` shows it: secrets masked, URLs redacted.
        public var value: String
    }

    /// `chimera serve` or `chimera proxy`.
    public var server: String
    /// What the health bands are of: `Proxy health`, `Upstream health`.
    public var healthTitle: String
    /// What the health bands count: `checks` (the proxy monitor's), `requests` (an upstream's).
    public var healthCounts: String
    /// Why there are no health bands, when there can be none (serve in direct mode).
    public var healthAbsence: String?
    /// Whether the manifest is enforced (`CHIMERA_EGRESS=strict`).
    public var egressEnforced: Bool
    /// Every host:port the server may contact, and through what.
    public var egress: [Destination]
    /// The extra CA bundle TLS trusts, when one is configured.
    public var trustedCertificates: String?
    /// Every variable, in `chimera config check`'s order.
    public var configuration: [Variable]

    /// The information of a server running with `configuration`.
    ///
    /// - Parameters:
    ///   - server: `chimera serve` or `chimera proxy`.
    ///   - configuration: The effective configuration.
    ///   - role: Whose egress manifest to show: a client's in its mode, or `chimera proxy`'s.
    ///   - healthTitle: The heading of the health bands.
    ///   - healthCounts: What the bands count: `checks` or `requests`.
    ///   - healthAbsence: Why there are none, when there are none.
    public init(
        server: String, configuration: ChimeraConfiguration, role: EgressManifest.Role,
        healthTitle: String, healthCounts: String = "checks", healthAbsence: String? = nil
    ) {
        let manifest = EgressManifest(configuration, role: role)
        self.server = server
        self.healthTitle = healthTitle
        self.healthCounts = healthCounts
        self.healthAbsence = healthAbsence
        self.egressEnforced = manifest.isEnforced
        // Redacted again: a configured secret must not appear even where a value shows it in passing.
        self.egress = manifest.entries.map { entry in
            Destination(
                destination: Redaction.redact(entry.destination.description),
                route: Redaction.redact(entry.route.description),
                purpose: Redaction.redact(entry.purpose)
            )
        }
        self.trustedCertificates = configuration.egress.trustedCertificates.map { Redaction.redact($0.description) }
        self.configuration = ChimeraConfiguration.variables.map { variable in
            Variable(name: variable.name, value: Redaction.redact(variable.shownValue(in: configuration)))
        }
    }

    enum CodingKeys: String, CodingKey {
        case server
        case egressEnforced = "egress_enforced"
        case egress
        case trustedCertificates = "trusted_certificates"
        case configuration
    }
}
