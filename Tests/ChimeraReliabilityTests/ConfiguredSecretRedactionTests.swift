import AsyncHTTPClient
import Chimera
import ChimeraAPIServer
import ChimeraProxyServer
import ChimeraTestSupport
import Foundation
import Testing

/// Issue 15, item 7: every configured secret is masked wherever text leaves the process, even a
/// key no pattern recognises, echoed by an upstream in plain prose.
@Suite("Configured secrets are masked whatever their shape")
struct ConfiguredSecretRedactionTests {
    /// No known prefix (`sk-`, `AIza`) and no label next to it when the upstream echoes it.
    static let sentinel = "dskey-SENTINEL4c8e1f0a9b"

    @Test func registeredValuesAreMaskedAndShortOnesAreNot() {
        Redaction.register([Secret("dskey-REGISTERED77q3"), Secret("short7")])
        #expect(Redaction.redact("the key dskey-REGISTERED77q3 is invalid") == "the key **** is invalid")
        #expect(Redaction.redact("a short7 word") == "a short7 word")
    }

    @Test func aRegisteredValueIsMaskedInTheOtherUnicodeFormOfItsCharacters() {
        // The quick byte test before the character comparison must not skip this: the echo
        // holds "a" + combining diaeresis where the value holds "ä".
        Redaction.register([Secret("geh\u{E4}im-REGISTERED5")])
        #expect(Redaction.redact("the key geha\u{308}im-REGISTERED5 is invalid") == "the key **** is invalid")
    }

    @Test func anEchoedProviderKeyNeverReachesTheProxysClientHealthOrLog() async throws {
        let upstream = try await MisbehavingServer.start(.echoKey)
        let logs = LogCapture()
        var configuration = ChimeraConfiguration()
        configuration.direct.maxRetries = 0
        configuration.providers[.openai]?.baseURL = upstream.url
        configuration.providers[.openai]?.apiKey = Secret(Self.sentinel)
        let proxy = try await RunningProxy.start(configuration: configuration, port: 0, logger: logs.logger)
        var outputs: [(String, String)] = []
        do {
            try await withHTTPClient { client in
                let body = #"{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}"#
                let refused = try await exchange(client, proxy.baseURL.appending(path: "v1/chat/completions"), method: .POST, body: body)
                #expect(refused.status == 401)
                // The upstream's words came through, masked: the echo really happened.
                #expect(refused.body.contains("the key **** is invalid"), "\(refused.body)")
                outputs.append(("the proxy's error body", refused.body))
                for path in ["provider_health", "health"] {
                    outputs.append(("the proxy's /\(path)", try await exchange(client, proxy.baseURL.appending(path: path)).body))
                }
            }
        } catch {
            try await proxy.shutdown()
            try await upstream.shutdown()
            throw error
        }
        try await proxy.shutdown()
        try await upstream.shutdown()
        #expect(outputs[1].1.contains("the key **** is invalid"), "the failure is in /provider_health: \(outputs[1].1)")
        outputs.append(("the proxy's trace log", logs.allText))
        for (place, text) in outputs {
            #expect(!text.contains(Self.sentinel), "\(place) shows the key: \(text)")
        }
    }

    @Test func anEchoedProviderKeyNeverReachesServesClientHealthOrLog() async throws {
        let upstream = try await MisbehavingServer.start(.echoKey)
        let logs = LogCapture()
        var configuration = ChimeraConfiguration()
        configuration.direct.maxRetries = 0
        configuration.providers[.openai]?.baseURL = upstream.url
        configuration.providers[.openai]?.apiKey = Secret(Self.sentinel)
        let serve = try await RunningAPIServer.start(configuration: configuration, port: 0, logger: logs.logger)
        var outputs: [(String, String)] = []
        do {
            try await withHTTPClient { client in
                for stream in [false, true] {
                    let body = #"{"provider":"openai","model":"gpt-4.1","prompt":"hi","stream":\#(stream)}"#
                    let refused = try await exchange(client, serve.baseURL.appending(path: "api/v1/generate"), method: .POST, body: body)
                    #expect(refused.body.contains("the key **** is invalid"), "\(refused.body)")
                    outputs.append(("serve's error body, stream=\(stream)", refused.body))
                }
                for path in ["health", "metrics"] {
                    outputs.append(("serve's /\(path)", try await exchange(client, serve.baseURL.appending(path: path)).body))
                }
            }
        } catch {
            try await serve.shutdown()
            try await upstream.shutdown()
            throw error
        }
        try await serve.shutdown()
        try await upstream.shutdown()
        outputs.append(("serve's trace log", logs.allText))
        for (place, text) in outputs {
            #expect(!text.contains(Self.sentinel), "\(place) shows the key: \(text)")
        }
    }
}
