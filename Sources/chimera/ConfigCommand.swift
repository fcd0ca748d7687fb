import ArgumentParser
import ChimeraCore
import Foundation

/// `chimera config …`: inspect the configuration.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Inspect Chimera's configuration.",
        subcommands: [Check.self]
    )

    /// `chimera config check`: print the effective configuration or every problem in it.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the environment and print the effective configuration, secrets masked.",
            discussion: "Exits 0 when the configuration is valid; otherwise prints every problem to stderr and exits 1."
        )

        func run() async throws {
            let configuration: ChimeraConfiguration
            do {
                configuration = try ChimeraConfiguration(environment: ProcessInfo.processInfo.environment)
            } catch {
                printToStandardError(error.description)
                throw ExitCode.failure
            }
            print(ConfigurationReport(configuration).text)
        }
    }
}
