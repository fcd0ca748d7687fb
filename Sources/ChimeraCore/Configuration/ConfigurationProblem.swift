/// One thing wrong in the configuration: which variable, the value found (secrets masked), and
/// what is accepted.
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// The environment variable.
    public var variable: String
    /// The value as it may be shown: masked when the variable holds a secret.
    public var shownValue: String
    /// What the variable accepts.
    public var accepted: String

    /// Creates a problem report.
    public init(variable: String, shownValue: String, accepted: String) {
        self.variable = variable
        self.shownValue = shownValue
        self.accepted = accepted
    }

    /// `PROXY_POOL_SIZE="0": accepted: an integer from 1 to 1024`
    public var description: String {
        "\(variable)=\"\(shownValue)\": accepted: \(accepted)"
    }
}
