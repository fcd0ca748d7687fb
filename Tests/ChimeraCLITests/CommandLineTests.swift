import Foundation
import Testing

@Suite("The chimera command, as a user runs it", .serialized)
struct CommandLineTests {
    static let models = ["openai": "gpt-4.1", "anthropic": "claude-sonnet-4-5", "gemini": "gemini-2.5-flash",
                         "deepseek": "deepseek-chat", "qwen": "qwen-plus", "cursor": "cursor-small"]

    /// Runs `body` while `chimera simulate --port 0` runs, with the environment its exports give.
    private func withSimulate(_ body: ([String: String]) async throws -> Void) async throws {
        let (process, line) = try await CommandRunner.start(["simulate", "--port", "0"])
        do {
            try await withExports(line, body)
        } catch {
            process.terminate()
            try await CommandRunner.waitForExit(process)
            throw error
        }
        process.terminate()
        try await CommandRunner.waitForExit(process)
    }

    /// `chimera simulate` prints the exports to use; they are parsed here as a script would.
    private func withExports(_ line: String, _ body: ([String: String]) async throws -> Void) async throws {
        let exports = line.components(separatedBy: "export ").last ?? ""
        var environment: [String: String] = [:]
        for pair in exports.split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { environment[String(parts[0])] = String(parts[1]) }
        }
        #expect(environment.count == 6, "simulate printed: \(line)")
        for prefix in ["OPENAI", "ANTHROPIC", "GEMINI", "DEEPSEEK", "QWEN", "CURSOR"] {
            environment["\(prefix)_API_KEY"] = "cli-test-key"
        }
        try await body(environment)
    }

    @Test func chatStreamsAndAnswersUnaryForEveryProvider() async throws {
        try await withSimulate { environment in
            for (provider, model) in Self.models.sorted(by: { $0.key < $1.key }) {
                let streamed = try await CommandRunner.run(["chat", "--provider", provider, "--model", model, "Grüße 🌍"], environment: environment)
                #expect(streamed.status == 0, "\(provider): \(streamed.standardError)")
                #expect(streamed.standardOutput.contains("Simulated reply from \(model): Grüße 🌍"), "\(provider)")
                let unary = try await CommandRunner.run(["chat", "--provider", provider, "--model", model, "--no-stream", "--json", "--max-tokens", "3", "hello there friend"], environment: environment)
                #expect(unary.status == 0, "\(provider): \(unary.standardError)")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(unary.standardOutput.utf8)) as? [String: Any])
                #expect(json["finish_reason"] as? String == "length", "\(provider)")
                #expect(json["route"] as? String == "direct", "\(provider)")
                #expect(json["protocol"] as? String == "json", "\(provider)")
                #expect((json["usage"] as? [String: Any])?["output_tokens"] as? Int == 3, "\(provider)")
            }
        }
    }

    /// Issue 16, item 5: `chat --json` names its fields as the HTTP API does, and a streamed
    /// answer reports the provider's id, not a placeholder.
    @Test func chatJSONOfAStreamUsesTheHTTPAPIsNamesAndTheRealID() async throws {
        try await withSimulate { environment in
            let streamed = try await CommandRunner.run(["chat", "--provider", "anthropic", "--model", "claude-sonnet-4-5", "--json", "hi"], environment: environment)
            #expect(streamed.status == 0, "\(streamed.standardError)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(streamed.standardOutput.utf8)) as? [String: Any])
            #expect(Set(json.keys) == ["id", "provider", "model", "text", "finish_reason", "usage", "route", "protocol"], "\(json.keys)")
            let id = try #require(json["id"] as? String)
            #expect(id.hasPrefix("msg_"), "\(id)")
            #expect(json["finish_reason"] as? String == "stop")
            #expect((json["text"] as? String)?.hasPrefix("Simulated reply from claude-sonnet-4-5: hi") == true)
        }
    }

    /// Issue 14: `chat --image` sends a file's bytes or a URL with the prompt, `--json-schema` a
    /// schema the answer follows; a file that cannot be sent is one error line naming it.
    @Test func chatSendsImagesAndAJSONSchema() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "chimera-chat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }  // A leftover temp folder harms nothing.
        let png = directory.appending(path: "pixel.png")
        try Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!.write(to: png)
        let schema = directory.appending(path: "forecast.json")
        try Data(#"{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city","days"]}"#.utf8).write(to: schema)
        let notes = directory.appending(path: "notes.txt")
        try Data("hi".utf8).write(to: notes)
        try await withSimulate { environment in
            for provider in ["openai", "anthropic", "gemini"] {
                let model = Self.models[provider]!
                let imaged = try await CommandRunner.run(["chat", "--provider", provider, "--model", model, "--image", png.path, "--image", "https://example.com/cat.png", "Describe"], environment: environment)
                #expect(imaged.status == 0, "\(provider): \(imaged.standardError)")
                #expect(imaged.standardOutput.contains("[image image/png 70 bytes]"), "\(provider): \(imaged.standardOutput)")
                #expect(imaged.standardOutput.contains("[image url https://example.com/cat.png]"), "\(provider): \(imaged.standardOutput)")
                let structured = try await CommandRunner.run(["chat", "--provider", provider, "--model", model, "--no-stream", "--json-schema", schema.path, "Forecast"], environment: environment)
                #expect(structured.status == 0, "\(provider): \(structured.standardError)")
                let answer = try JSONSerialization.jsonObject(with: Data(structured.standardOutput.utf8)) as? [String: Any]
                #expect(answer?["city"] as? String == "sample-city", "\(provider): \(structured.standardOutput)")
                #expect(answer?["days"] as? Int == 1, "\(provider)")
            }
            let refused = try await CommandRunner.run(["chat", "--provider", "openai", "--model", "gpt-4.1", "--image", notes.path, "hi"], environment: environment)
            #expect(refused.status != 0)
            #expect(refused.standardError.split(separator: "\n").count == 1, "\(refused.standardError)")
            #expect(refused.standardError.contains("notes.txt") && refused.standardError.contains(".png"), "\(refused.standardError)")
        }
    }

    /// Issue 16, item 5: a failed chat is one error line on stderr (its retries are logged only
    /// with --verbose), and a stream that fails midway keeps its partial text on its own line.
    @Test func aFailedChatIsOneErrorLineAndAMidStreamErrorHasItsOwnLine() async throws {
        let refusedEnvironment = ["API_CONNECTION_MODE": "proxy", "PROXY_SERVER_URL": "http://127.0.0.1:1", "PROXY_MAX_RETRIES": "2"]
        let refused = try await CommandRunner.run(["chat", "--provider", "openai", "--model", "gpt-4.1", "hi"], environment: refusedEnvironment)
        #expect(refused.status != 0)
        let lines = refused.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(refused.standardError)")
        #expect(lines.first?.hasPrefix("error: ") == true)
        let verbose = try await CommandRunner.run(["chat", "--provider", "openai", "--model", "gpt-4.1", "--verbose", "hi"], environment: refusedEnvironment)
        #expect(verbose.standardError.split(separator: "\n").count > 1, "--verbose shows the retries: \(verbose.standardError)")

        try await withSimulate { environment in
            let failed = try await CommandRunner.run(["chat", "--provider", "openai", "--model", "gpt-4.1@inband-error", "hi"], environment: environment)
            #expect(failed.status != 0)
            #expect(!failed.standardOutput.isEmpty && failed.standardOutput.hasSuffix("\n"), "\(failed.standardOutput.debugDescription)")
            #expect(failed.standardError.split(separator: "\n").count == 1, "\(failed.standardError)")
        }
    }

    @Test func chatErrorsGoToStandardErrorWithANonZeroExit() async throws {
        let missingKey = try await CommandRunner.run(["chat", "--provider", "openai", "--model", "gpt-4.1", "hi"])
        #expect(missingKey.status != 0)
        #expect(missingKey.standardError.contains("OPENAI_API_KEY"))
        let refused = try await CommandRunner.run(["chat", "--provider", "qwen", "--model", "qwen-plus", "hi"],
                                                  environment: ["API_CONNECTION_MODE": "proxy", "PROXY_SERVER_URL": "http://127.0.0.1:1", "PROXY_MAX_RETRIES": "0"])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("chimera proxy"))
    }

    @Test func configCheckPrintsTheConfigurationWithSecretsMasked() async throws {
        let sentinel = "sk-SENTINEL-cli-0123456789abcdef"
        let valid = try await CommandRunner.run(["config", "check"], environment: ["OPENAI_API_KEY": sentinel, "API_CONNECTION_MODE": "proxy"])
        #expect(valid.status == 0)
        #expect(valid.standardOutput.contains("API_CONNECTION_MODE"))
        #expect(valid.standardOutput.contains("proxy"))
        #expect(!valid.standardOutput.contains(sentinel))
        let invalid = try await CommandRunner.run(["config", "check"], environment: ["PROXY_POOL_SIZE": "0", "PROXY_PROTOCOL": "grpc"])
        #expect(invalid.status != 0)
        #expect(invalid.standardError.contains(#"PROXY_POOL_SIZE="0": accepted: an integer from 1 to 1024"#))
        #expect(invalid.standardError.contains(#"PROXY_PROTOCOL="grpc": accepted: auto, json, protobuf"#))
    }

    /// Issue 15, item 1: an empty key, from the flag or the variable, is no key, so the proxy
    /// refuses to bind all interfaces instead of serving them with an empty key.
    @Test(arguments: [(["--api-key", ""], [:]), (["--api-key", "  "], [:]), ([], ["CHIMERA_PROXY_API_KEY": ""]), ([], ["CHIMERA_PROXY_API_KEY": " "])])
    func aBlankProxyKeyDoesNotOpenAPublicBind(flags: [String], environment: [String: String]) async throws {
        // Were the key taken, the proxy would listen until the timeout; the message proves the refusal.
        let proxy = try await CommandRunner.run(["proxy", "--host", "0.0.0.0", "--port", "0", "--simulate"] + flags, environment: environment, timeout: .seconds(30))
        #expect(proxy.status != 0)
        #expect(proxy.standardError.contains("refusing to listen on 0.0.0.0 without an API key"), "\(proxy.standardError)")
    }

    /// Issue 16, item 5: a port out of range is refused, not taken modulo 65536.
    @Test(arguments: ["proxy", "serve", "simulate"])
    func aPortOutOfRangeIsRefused(command: String) async throws {
        let outOfRange = try await CommandRunner.run([command, "--port", "70000"], timeout: .seconds(30))
        #expect(outOfRange.status != 0)
        #expect(outOfRange.standardError.contains("--port 70000: accepted: 1 to 65535, or 0 for a free port"), "\(outOfRange.standardError)")
    }

    /// Issue 16, item 5: a busy port is named in one plain line, not as a socket call's errno.
    @Test(arguments: ["proxy", "serve", "simulate"])
    func aBusyPortIsNamed(command: String) async throws {
        let (holder, line) = try await CommandRunner.start(["simulate", "--port", "0"])
        let port = line.split(separator: ":").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) }
        do {
            let port = try #require(port, "no port in: \(line)")
            let busy = try await CommandRunner.run([command, "--port", "\(port)"], timeout: .seconds(30))
            #expect(busy.status != 0)
            #expect(busy.standardError.contains("error: port \(port) is in use on 127.0.0.1"), "\(busy.standardError)")
            #expect(!busy.standardError.contains("errno"), "\(busy.standardError)")
        } catch {
            holder.terminate()
            try await CommandRunner.waitForExit(holder)
            throw error
        }
        holder.terminate()
        try await CommandRunner.waitForExit(holder)
    }

    @Test func demoRunsOfflineAndExitsZero() async throws {
        let demo = try await CommandRunner.run(["demo"], timeout: .seconds(60))
        #expect(demo.status == 0, "\(demo.standardError)")
        for provider in Self.models.keys {
            #expect(demo.standardOutput.contains("\(provider) "), "\(provider)")
        }
        #expect(demo.standardOutput.contains("protobuf"))
        #expect(demo.standardOutput.contains("cannot connect to the proxy"))
        #expect(demo.standardOutput.contains("route: direct-fallback"))
    }
}
