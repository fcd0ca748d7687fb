import ChimeraAudit
import ChimeraCore
import Foundation
import Logging
import Testing

@Suite("The audit log: hash chain, rotation, verification")
struct AuditLogTests {
    /// A fresh folder for one test's files, removed afterwards.
    private func withFolder(_ body: (URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "chimera-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(folder)
    }

    private let logger = Logger(label: "test.audit") { _ in SwiftLogNoOpLogHandler() }

    private func record(_ index: Int) -> AuditRecord {
        var record = AuditRecord()
        record.requestID = "request-\(index)"
        record.provider = "openai"
        record.model = "gpt-4.1"
        record.status = 200
        record.route = "/v1/chat/completions?key=AIzaSyD-SENTINEL-in-the-query"
        record.keyID = AuditKeyID.fingerprint(of: "sk-SENTINEL-client-key-0123456789")
        return record
    }

    /// Writes `count` records to a log at `path` and closes it.
    private func write(_ count: Int, to path: String, maxBytes: Int = 100 << 20, keep: Int = 10, from start: Int = 0) async throws {
        let log = try AuditLog(configuration: AuditConfiguration(path: path, maxBytes: maxBytes, keep: keep), logger: logger)
        for index in start..<(start + count) { log.record(record(index)) }
        await log.close()
    }

    private func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    private func rewrite(_ path: String, _ lines: [String]) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func everyLineIsOneChainedRecordWithNoSecret() async throws {
        try await withFolder { folder in
            let path = folder.appending(path: "audit.log").path
            try await write(5, to: path)
            let written = try lines(path)
            #expect(written.count == 5)
            var previous = AuditChain.genesis
            for (index, line) in written.enumerated() {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(object["seq"] as? Int == index + 1)
                #expect(object["prev"] as? String == previous)
                #expect(object["route"] as? String == "/v1/chat/completions", "the query, which may carry a key, is dropped")
                #expect(object.keys.contains("tokens_cached"), "unknown fields are written as null")
                #expect(object["content"] == nil, "no content unless CHIMERA_AUDIT_CONTENT=true")
                previous = try #require(object["hash"] as? String)
            }
            let text = written.joined()
            #expect(!text.contains("SENTINEL"))
            let report = try AuditVerifier.verify(files: [path])
            #expect(report.isIntact)
            #expect(report.records == 5)
            #expect(report.headHash == previous)
        }
    }

    @Test func anEditedLineIsNamed() async throws {
        try await withFolder { folder in
            let path = folder.appending(path: "audit.log").path
            try await write(6, to: path)
            var edited = try lines(path)
            edited[2] = edited[2].replacingOccurrences(of: #""status":200"#, with: #""status":500"#)
            try rewrite(path, edited)
            let report = try AuditVerifier.verify(files: [path])
            #expect(report.firstBreak?.line == 3)
            #expect(report.firstBreak?.reason.contains("edited") == true)
            #expect(report.records == 2)
        }
    }

    @Test func aRemovedLineIsNamed() async throws {
        try await withFolder { folder in
            let path = folder.appending(path: "audit.log").path
            try await write(6, to: path)
            var removed = try lines(path)
            removed.remove(at: 3)
            try rewrite(path, removed)
            let report = try AuditVerifier.verify(files: [path])
            #expect(report.firstBreak?.line == 4)
            #expect(report.firstBreak?.reason.contains("chain is broken") == true)
        }
    }

    @Test func reorderedLinesAreNamed() async throws {
        try await withFolder { folder in
            let path = folder.appending(path: "audit.log").path
            try await write(6, to: path)
            var reordered = try lines(path)
            reordered.swapAt(1, 2)
            try rewrite(path, reordered)
            #expect(try AuditVerifier.verify(files: [path]).firstBreak?.line == 2)
        }
    }

    @Test func aRewrittenHashIsCaughtByTheNextLine() async throws {
        try await withFolder { folder in
            let path = folder.appending(path: "audit.log").path
            try await write(4, to: path)
            var forged = try lines(path)
            // Edit line 2 and give it a correct hash of its own: line 3 no longer follows it.
            let body = forged[1].replacingOccurrences(of: #""status":200"#, with: #""status":201"#)
            let prefix = body[..<body.range(of: #","hash":""#)!.lowerBound] + "}"
            let digest = sha256Hex(Data(prefix.utf8))
            forged[1] = String(prefix.dropLast()) + #","hash":""# + digest + #""}"#
            try rewrite(path, forged)
            let report = try AuditVerifier.verify(files: [path])
            #expect(report.firstBreak?.line == 3)
        }
    }

    @Test func rotationKeepsTheChainAcrossFiles() async throws {
        try await withFolder { folder in
            let path = folder.appending(path: "audit.log").path
            try await write(40, to: path, maxBytes: 2048, keep: 50)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).map { folder.appending(path: $0).path }
            #expect(files.count > 3, "\(files)")
            for file in files {
                let size = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
                #expect(size <= 2048, "\(file) is \(size) bytes")
            }
            // In whatever order a glob gives them, the series is checked oldest first.
            let report = try AuditVerifier.verify(files: files.sorted())
            #expect(report.isIntact, "\(String(describing: report.firstBreak))")
            #expect(report.records == 40)
            #expect(report.files.last == path)
            // The newest rotated file's first line chains to the last line of the one before.
            let first = try #require(try lines(path + ".1").first)
            let previous = try #require(try lines(path + ".2").last)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
            let previousObject = try #require(try JSONSerialization.jsonObject(with: Data(previous.utf8)) as? [String: Any])
            #expect(object["prev"] as? String == previousObject["hash"] as? String)

            // A line removed at a file boundary breaks the chain too.
            var newest = try lines(path + ".1")
            newest.removeFirst()
            try rewrite(path + ".1", newest)
            let broken = try AuditVerifier.verify(files: files)
            #expect(broken.firstBreak?.file == path + ".1")
            #expect(broken.firstBreak?.line == 1)
        }
    }

    @Test func rotationKeepsOnlyTheConfiguredNumberOfFiles() async throws {
        try await withFolder { folder in
            let path = folder.appending(path: "audit.log").path
            try await write(60, to: path, maxBytes: 1024, keep: 2)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            #expect(files == ["audit.log", "audit.log.1", "audit.log.2"])
            let report = try AuditVerifier.verify(files: files.map { folder.appending(path: $0).path })
            #expect(report.isIntact)
            #expect((report.startsAtSeq ?? 0) > 1, "older records were rotated away")
        }
    }

    @Test func aRestartedWriterContinuesTheChain() async throws {
        try await withFolder { folder in
            let path = folder.appending(path: "audit.log").path
            try await write(3, to: path)
            try await write(3, to: path, from: 3)
            let report = try AuditVerifier.verify(files: [path])
            #expect(report.isIntact)
            #expect(report.records == 6)
        }
    }

    @Test func concurrentRecordsEachBecomeOneWholeLine() async throws {
        try await withFolder { folder in
            let path = folder.appending(path: "audit.log").path
            let log = try AuditLog(configuration: AuditConfiguration(path: path, maxBytes: 64 << 10, keep: 100), logger: logger)
            await withTaskGroup(of: Void.self) { group in
                for task in 0..<8 {
                    group.addTask {
                        for index in 0..<250 { log.record(record(task * 1000 + index)) }
                    }
                }
            }
            await log.close()
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).map { folder.appending(path: $0).path }
            let report = try AuditVerifier.verify(files: files)
            #expect(report.isIntact, "\(String(describing: report.firstBreak))")
            #expect(report.records == 2000)
        }
    }

    @Test func aTornLastLineIsReportedAndTheChainGoesOnAfterIt() async throws {
        try await withFolder { folder in
            let path = folder.appending(path: "audit.log").path
            try await write(2, to: path)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(#"{"seq":3,"time":"#.utf8))
            try handle.close()
            try await write(1, to: path, from: 2)
            let written = try lines(path)
            #expect(written.count == 4)
            let report = try AuditVerifier.verify(files: [path])
            #expect(report.firstBreak?.line == 3)
            #expect(report.firstBreak?.reason.contains("not an audit record") == true)
        }
    }

    @Test func keyIDsAreShortStableAndDistinct() {
        let first = AuditKeyID.fingerprint(of: "sk-first-key")
        #expect(first == AuditKeyID.fingerprint(of: "sk-first-key"))
        #expect(first != AuditKeyID.fingerprint(of: "sk-second-key"))
        #expect(first.count == 18)
        #expect(first.hasPrefix("k-"))
    }
}

import Crypto

private func sha256Hex(_ data: Data) -> String {
    SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}
