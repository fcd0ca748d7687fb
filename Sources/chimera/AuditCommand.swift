import ArgumentParser
import ChimeraAudit
import Foundation

/// `chimera audit …`: work with the servers' audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Work with the audit log (CHIMERA_AUDIT_LOG).",
        subcommands: [Verify.self]
    )

    /// `chimera audit verify FILE…`: check the hash chain of a log or a rotated series.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that no line of an audit log was edited, removed, inserted or reordered.",
            discussion: """
                Give one file, or a rotated series (audit.log audit.log.1 audit.log.2 …, in any order: they are \
                checked oldest first, across files). Prints the first broken line, file and line number, and exits 1; \
                exits 0 when the chain is intact, 2 when a file cannot be read. See docs/egress.md.
                """
        )

        @Argument(help: "The audit log file(s).")
        var files: [String]

        func run() async throws {
            let report: AuditVerifier.Report
            do {
                report = try AuditVerifier.verify(files: files)
            } catch {
                printToStandardError("error: cannot read the audit log: \(error.localizedDescription)")
                throw ExitCode(2)
            }
            if let broken = report.firstBreak {
                print("BROKEN: \(broken)")
                print("\(report.records) record(s) before it are intact.")
                throw ExitCode.failure
            }
            var summary = "OK: \(report.records) record(s) in \(report.files.count) file(s), chain intact"
            if let seq = report.startsAtSeq {
                summary += "; it starts at record \(seq) (older files were rotated away and cannot be checked)"
            }
            print(summary)
            if let head = report.headHash { print("last hash: \(head)") }
        }
    }
}
