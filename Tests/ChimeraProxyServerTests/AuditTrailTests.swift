import AsyncHTTPClient
import Chimera
import ChimeraAudit
import ChimeraProxyServer
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import Testing

@Suite("chimera proxy writes the audit log")
struct AuditTrailTests {
    static let clientKey = "sk-SENTINEL-proxy-client-key-0123456789"

    /// Runs `body` with a simulated `chimera proxy` that requires `clientKey` and audits to a
    /// fresh folder, then `verify` on the log's path once the proxy stopped: shutting down
    /// drains the server and then closes the log, so every record is written by then.
    private func withAuditedProxy(
        content: Bool = false, maxBytes: Int = 100 << 20,
        _ body: (SimulatedProxy, String) async throws -> Void, verify: (String) throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "chimera-proxy-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "audit.log").path
        var configuration = try ChimeraConfiguration(environment: [
            "CHIMERA_AUDIT_LOG": path, "CHIMERA_AUDIT_CONTENT": content ? "true" : "false", "CHIMERA_AUDIT_MAX_BYTES": String(maxBytes),
        ])
        configuration.direct.maxRetries = 0
        let proxy = try await SimulatedProxy.start(configuration: configuration, options: ProxyServer.Options(apiKey: Secret(Self.clientKey)))
        do {
            try await body(proxy, path)
        } catch {
            try await proxy.shutdown()
            throw error
        }
        try await proxy.shutdown()
        try verify(path)
    }

    private func files(_ path: String) throws -> [String] {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        return AuditVerifier.rotationOrder(try FileManager.default.contentsOfDirectory(atPath: folder.path).map { folder.appending(path: $0).path })
    }

    private func records(_ path: String) throws -> [[String: Any]] {
        try files(path).flatMap { file in
            try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
    }

    @Test func concurrentUnaryAndStreamedRequestsGiveOneLineEachWithNoSecret() async throws {
        try await withAuditedProxy(maxBytes: 16 << 10) { proxy, path in
            try await withTransport { transport in
                // 3 protocols × 6 upstreams × unary and streamed, all at once.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for inbound in [ProviderID.openai, .anthropic, .gemini] {
                        for upstream in ProviderID.allCases {
                            for stream in [false, true] {
                                group.addTask {
                                    let client = proxyClient(proxy, speaking: inbound, upstream: upstream, transport: transport, key: Self.clientKey)
                                    _ = try await collect(client, sampleRequest(inbound, model: modelNames[upstream]!, stream: stream))
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                // And two that fail: a wrong key, and an unknown route.
                let refused = try await rawRequest(transport, proxy.baseURL.appending(path: "v1/chat/completions"), headers: [("Authorization", "Bearer sk-SENTINEL-wrong-key-0123456789")], body: "{}")
                #expect(refused.status == 401)
                let missing = try await rawRequest(transport, proxy.baseURL.appending(path: "nowhere"), method: .GET, headers: [("x-api-key", Self.clientKey)])
                #expect(missing.status == 404)
            }
        } verify: { path in
            let records = try self.records(path)
            #expect(records.count == 36 + 2)
            let text = try files(path).map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
            #expect(!text.contains("SENTINEL"), "no key in the audit log")
            #expect(!text.contains("Hello wörld"), "no content without CHIMERA_AUDIT_CONTENT")
            let chats = records.filter { $0["status"] as? Int == 200 }
            #expect(chats.count == 36)
            #expect(Set(chats.compactMap { $0["key_id"] as? String }) == [AuditKeyID.fingerprint(of: Self.clientKey)])
            #expect(chats.filter { $0["streamed"] as? Bool == true }.count == 18)
            #expect(Set(chats.compactMap { $0["provider"] as? String }) == Set(ProviderID.allCases.map(\.rawValue)))
            #expect(Set(chats.compactMap { $0["protocol"] as? String }) == ["openai_chat", "anthropic_messages", "gemini"])
            #expect(chats.allSatisfy { $0["model"] is String && $0["client"] is String && $0["latency_ms"] is Int && $0["bytes_out"] is Int })
            #expect(chats.allSatisfy { $0["tokens_in"] as? Int == 7 }, "usage of unary answers and of streams")
            let failures = records.filter { $0["status"] as? Int != 200 }
            #expect(Set(failures.compactMap { $0["error_kind"] as? String }) == ["authentication", "invalid_request"])
            let report = try AuditVerifier.verify(files: try files(path))
            #expect(report.isIntact, "\(String(describing: report.firstBreak))")
            #expect(report.files.count > 1, "the log rotated under the load")
        }
    }

    @Test func protobufCallsAreRecordedAsConnect() async throws {
        try await withAuditedProxy { proxy, _ in
            let client = LLMService(configuration: try ChimeraConfiguration(environment: [
                "API_CONNECTION_MODE": "proxy", "PROXY_SERVER_URL": proxy.baseURL.absoluteString,
                "PROXY_PROTOCOL": "protobuf", "PROXY_API_KEY": Self.clientKey, "PROXY_MAX_RETRIES": "0",
            ]))
            do {
                _ = try await client.complete(sampleRequest(.qwen))
                _ = try await client.stream(sampleRequest(.deepseek, stream: true)).collect(id: "s", provider: .deepseek, model: "deepseek-chat")
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
        } verify: { path in
            let calls = try self.records(path).filter { ["Complete", "Stream"].contains(($0["route"] as? String)?.split(separator: "/").last ?? "") }
            #expect(calls.count == 2)
            #expect(calls.allSatisfy { $0["protocol"] as? String == "connect_protobuf" && $0["status"] as? Int == 200 && $0["tokens_in"] as? Int == 7 })
            #expect(Set(calls.compactMap { $0["provider"] as? String }) == ["qwen", "deepseek"])
            #expect(calls.map { $0["streamed"] as? Bool } == [false, true])
        }
    }

    @Test func contentIsRecordedOnlyWhenAskedFor() async throws {
        try await withAuditedProxy(content: true) { proxy, _ in
            try await withTransport { transport in
                let client = proxyClient(proxy, speaking: .openai, upstream: .anthropic, transport: transport, key: Self.clientKey)
                _ = try await collect(client, sampleRequest(.openai, model: modelNames[.anthropic]!, stream: true))
            }
        } verify: { path in
            let record = try #require(try self.records(path).first)
            let content = try #require(record["content"] as? [String: Any])
            #expect((content["prompt"] as? String)?.contains("Hello wörld") == true)
            #expect((content["answer"] as? String)?.contains("Simulated reply") == true)
        }
    }
}
