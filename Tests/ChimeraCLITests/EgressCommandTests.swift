import ChimeraAudit
import ChimeraCore
import Foundation
import Logging
import Testing

@Suite("chimera config check's egress manifest and chimera audit verify")
struct EgressCommandTests {
    @Test func configCheckPrintsTheEgressManifestWithCredentialsMasked() async throws {
        let password = "pr0xy-SENTINEL-secret"
        let direct = try await CommandRunner.run(["config", "check"], environment: [
            "OPENAI_API_KEY": "sk-a", "ANTHROPIC_API_KEY": "sk-b", "ANTHROPIC_BASE_URL": "https://llm.internal.example:8443",
            "HTTPS_PROXY": "http://alice:\(password)@proxy.corp:3128", "NO_PROXY": ".internal.example", "CHIMERA_EGRESS": "strict",
        ])
        #expect(direct.status == 0, "\(direct.standardError)")
        let out = direct.standardOutput
        #expect(!out.contains(password))
        #expect(out.contains("http://alice:****@proxy.corp:3128"))
        #expect(out.contains("Egress manifest, enforced (CHIMERA_EGRESS=strict): no other host is contacted:"))
        let manifest = out.components(separatedBy: "as a client (API_CONNECTION_MODE=direct):\n").last ?? ""
        let rows = manifest.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(rows == [
            "api.openai.com:443 via CONNECT proxy proxy.corp:3128 (with credentials) openai (OPENAI_BASE_URL)",
            "llm.internal.example:8443 direct (NO_PROXY) anthropic (ANTHROPIC_BASE_URL)",
        ], "\(out)")

        let proxyMode = try await CommandRunner.run(["config", "check"], environment: [
            "API_CONNECTION_MODE": "proxy", "PROXY_SERVER_URL": "http://127.0.0.1:8080", "PROXY_FALLBACK_TO_DIRECT": "true",
            "OPENAI_API_KEY": "sk-a", "ALL_PROXY": "socks5://socks.corp:1080",
        ])
        #expect(proxyMode.status == 0, "\(proxyMode.standardError)")
        #expect(proxyMode.standardOutput.contains("Egress manifest, not enforced (CHIMERA_EGRESS=open):"))
        let client = proxyMode.standardOutput.components(separatedBy: "as a client (API_CONNECTION_MODE=proxy):\n").last?
            .components(separatedBy: "\n\n").first ?? ""
        let clientRows = client.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(clientRows == [
            "127.0.0.1:8080 direct (loopback) the LLM proxy (PROXY_SERVER_URL)",
            "api.openai.com:443 via SOCKS5 proxy socks.corp:1080 openai (OPENAI_BASE_URL), on fallback only",
        ], "\(proxyMode.standardOutput)")
        #expect(proxyMode.standardOutput.contains("as chimera proxy:"))
    }

    @Test func strictEgressWithFallbackRefusesToStart() async throws {
        let environment = ["API_CONNECTION_MODE": "proxy", "PROXY_FALLBACK_TO_DIRECT": "true", "CHIMERA_EGRESS": "strict"]
        for command in [["config", "check"], ["chat", "--provider", "openai", "--model", "gpt-4.1", "hi"], ["serve", "--port", "0"]] {
            let run = try await CommandRunner.run(command, environment: environment)
            #expect(run.status == 1, "\(command)")
            #expect(run.standardError.contains("PROXY_FALLBACK_TO_DIRECT=\"true\": accepted: false while CHIMERA_EGRESS=strict in proxy mode"), "\(command): \(run.standardError)")
        }
    }

    @Test func auditVerifyNamesTheFirstBrokenLineAndExitsOne() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "chimera-cli-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "audit.log").path
        let log = try AuditLog(configuration: AuditConfiguration(path: path, maxBytes: 2048, keep: 20), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        for index in 0..<12 {
            var record = AuditRecord()
            record.requestID = "r\(index)"
            record.status = 200
            log.record(record)
        }
        await log.close()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).map { folder.appending(path: $0).path }.sorted()
        #expect(files.count > 1)

        let intact = try await CommandRunner.run(["audit", "verify"] + files)
        #expect(intact.status == 0, "\(intact.standardOutput)\(intact.standardError)")
        #expect(intact.standardOutput.contains("OK: 12 record(s) in \(files.count) file(s), chain intact"))

        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[0] = lines[0].replacingOccurrences(of: #""status":200"#, with: #""status":403"#)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let edited = try await CommandRunner.run(["audit", "verify"] + files)
        #expect(edited.status == 1)
        #expect(edited.standardOutput.contains("BROKEN: \(path) line 1: the line was edited"), "\(edited.standardOutput)")

        let unreadable = try await CommandRunner.run(["audit", "verify", folder.appending(path: "missing.log").path])
        #expect(unreadable.status == 2)
    }
}
