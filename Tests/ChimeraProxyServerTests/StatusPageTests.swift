import ChimeraCore
import ChimeraProxyServer
import ChimeraSimulator
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import Testing

/// `GET /status` and `GET /status.json` of `chimera proxy`, over loopback.
@Suite struct ProxyStatusPageTests {
    static let proxyKey = "sentinel-proxy-key-7f3a91"
    static let providerKey = "sentinel-provider-key-c4d2e8"
    static let clientKey = "sentinel-client-key-0b55aa"

    /// A proxy with the simulator as every upstream, sentinel secrets configured where a page
    /// could show them, and `body` run with it.
    private func withSentinelProxy(apiKey: String? = proxyKey, _ body: (RunningProxy, HTTPTransport) async throws -> Void) async throws {
        let simulator = try await ProviderSimulator.start()
        var configuration = simulator.configuring(ChimeraConfiguration())
        configuration.direct.maxRetries = 0
        configuration.providers[.deepseek]?.apiKey = Secret(Self.providerKey)
        configuration.proxy.apiKey = Secret(Self.clientKey)
        let proxy: RunningProxy
        do {
            proxy = try await RunningProxy.start(configuration: configuration, options: .init(apiKey: apiKey.map(Secret.init)), port: 0)
        } catch {
            try await simulator.shutdown()
            throw error
        }
        do {
            try await withTransport { transport in try await body(proxy, transport) }
            try await proxy.shutdown()
            try await simulator.shutdown()
        } catch {
            try await proxy.shutdown()
            try await simulator.shutdown()
            throw error
        }
    }

    private func chat(_ proxy: RunningProxy, _ transport: HTTPTransport, model: String, stream: Bool = false) async throws -> (status: Int, requestID: String?) {
        let body = #"{"model":"\#(model)","stream":\#(stream),"messages":[{"role":"user","content":"secret prompt text"}]}"#
        let answer = try await rawRequest(transport, proxy.baseURL.appending(path: "v1/chat/completions"), headers: [("authorization", "Bearer \(Self.proxyKey)")], body: body)
        return (answer.status, answer.headers.first(name: "x-request-id"))
    }

    private func get(_ proxy: RunningProxy, _ transport: HTTPTransport, _ path: String, key: String? = proxyKey) async throws -> (status: Int, body: String) {
        let answer = try await rawRequest(transport, proxy.baseURL.appending(path: path), method: .GET, headers: key.map { [("x-api-key", $0)] } ?? [])
        return (answer.status, answer.body)
    }

    @Test func relayedRequestsAppearInTheJSONAndTheTableWithErrorsMarked() async throws {
        try await withSentinelProxy { proxy, transport in
            let ok = try await chat(proxy, transport, model: "gpt-4.1")
            let streamed = try await chat(proxy, transport, model: "gpt-4.1", stream: true)
            let failed = try await chat(proxy, transport, model: "gpt-4.1@status=503")
            #expect(ok.status == 200 && streamed.status == 200 && failed.status == 503)

            let json = try await get(proxy, transport, "status.json")
            #expect(json.status == 200)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [String: Any])
            let requests = try #require(object["requests"] as? [[String: Any]])
            #expect(requests.count == 3)
            #expect(requests.compactMap { $0["request_id"] as? String }.sorted() == [ok.requestID, streamed.requestID, failed.requestID].compactMap { $0 }.sorted())
            let failure = try #require(requests.first { $0["request_id"] as? String == failed.requestID })
            #expect(failure["status"] as? Int == 503 && failure["error_kind"] as? String == "upstream")
            let latency = try #require(object["latency"] as? [[String: Any]])
            #expect(Set(latency.compactMap { $0["kind"] as? String }) == ["unary", "streamed", "ttft"])
            let health = try #require(object["health"] as? [[String: Any]])
            let openai = try #require(health.first { $0["subject"] as? String == "openai" })
            #expect(openai["checks"] as? Int == 3 && openai["failures"] as? Int == 1 && openai["status"] as? String == "degraded")

            let page = try await get(proxy, transport, "status")
            #expect(page.status == 200)
            #expect(page.body.hasPrefix("<!doctype html>"))
            for id in [ok.requestID, streamed.requestID, failed.requestID] {
                #expect(page.body.contains("data-request-id=\"\(try #require(id))\""))
            }
            #expect(page.body.contains("<tr class=\"failed\" data-request-id=\"\(try #require(failed.requestID))\" data-error-kind=\"upstream\">"))
            #expect(page.body.contains("class=\"point p50\""))
            #expect(page.body.contains("data-subject=\"openai\" data-status=\"degraded\""))
            #expect(!page.body.contains("secret prompt text") && !json.body.contains("secret prompt text"))
        }
    }

    @Test(arguments: ["status", "status.json"])
    func theKeyIsRequiredWhenOneIsSet(path: String) async throws {
        try await withSentinelProxy { proxy, transport in
            #expect(try await get(proxy, transport, path, key: nil).status == 401)
            #expect(try await get(proxy, transport, path, key: "wrong").status == 401)
            #expect(try await get(proxy, transport, path).status == 200)
            let byQuery = try await rawRequest(transport, URL(string: "\(proxy.baseURL.absoluteString)/\(path)?key=\(Self.proxyKey)")!, method: .GET)
            #expect(byQuery.status == 200)
        }
    }

    @Test func noConfiguredSecretAppearsInThePageOrTheJSON() async throws {
        try await withSentinelProxy { proxy, transport in
            _ = try await chat(proxy, transport, model: "gpt-4.1")
            _ = try await chat(proxy, transport, model: "gpt-4.1@status=401")
            for path in ["status", "status.json"] {
                let answer = try await get(proxy, transport, path)
                #expect(answer.status == 200)
                for secret in [Self.proxyKey, Self.providerKey, Self.clientKey, "simulated-key"] {
                    #expect(!answer.body.contains(secret), "\(path) shows \(secret)")
                }
                #expect(answer.body.contains("DEEPSEEK_API_KEY"))
            }
        }
    }

    @Test func aKeylessProxyServesThePageOnLoopback() async throws {
        try await withSentinelProxy(apiKey: nil) { proxy, transport in
            let page = try await get(proxy, transport, "status", key: nil)
            #expect(page.status == 200 && page.body.contains("No request has been relayed yet."))
        }
    }
}
