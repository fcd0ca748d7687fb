import Chimera
import ChimeraAPIServer
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET /health, /health/proxy and /metrics")
struct HealthRouteTests {
    @Test func healthReportsVersionUptimeModeAndEveryProvider() async throws {
        try await withSimulator { simulator in
            var configuration = directConfiguration(simulator)
            configuration.providers[.qwen]?.apiKey = nil
            try await withAPI(configuration) { client, _ in
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try jsonObject(response.body)
                    #expect(body["status"] as? String == "ok")
                    #expect(body["version"] as? String == APIServer.version)
                    #expect(body["mode"] as? String == "direct")
                    let uptime = try #require(body["uptime_seconds"] as? Double)
                    #expect(uptime >= 0)
                    #expect(body["proxy"] == nil)
                    let providers = try #require(body["providers"] as? [[String: Any]])
                    #expect(providers.map { $0["id"] as? String } == ProviderID.allCases.map(\.rawValue))
                    let configured = Dictionary(uniqueKeysWithValues: providers.map { ($0["id"] as! String, $0["configured"] as! Bool) })
                    #expect(configured["qwen"] == false)
                    #expect(configured["openai"] == true)
                    #expect(configured["cursor"] == true)
                }
            }
        }
    }

    @Test func proxyHealthInDirectModeSaysProxyModeIsOff() async throws {
        try await withAPI(ChimeraConfiguration()) { client, _ in
            try await client.execute(uri: "/health/proxy", method: .get) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                #expect(body["proxy_mode"] as? Bool == false)
                #expect(body["mode"] as? String == "direct")
                #expect((body["message"] as? String)?.contains("proxy mode is off") == true)
            }
        }
    }

    @Test func proxyHealthIs503WhileTheProxyIsDownAnd200WhenItIsBack() async throws {
        let proxy = try await RestartableProxy()
        try await withAPI(proxyConfiguration(proxy.baseURL)) { client, _ in
            @Sendable func proxyStatus() async throws -> (HTTPResponse.Status, String?) {
                try await client.execute(uri: "/health/proxy", method: .get) { response in
                    (response.status, try jsonObject(response.body)["status"] as? String)
                }
            }
            try await expectEventually(within: .seconds(30)) { try await proxyStatus() == (.ok, "healthy") }
            try await client.execute(uri: "/health", method: .get) { response in
                let body = try jsonObject(response.body)
                #expect(body["status"] as? String == "ok")
                let summary = try #require(body["proxy"] as? [String: Any])
                #expect(summary["status"] as? String == "healthy")
                #expect(summary["url"] as? String == proxy.baseURL.absoluteString)
                #expect(summary["protocol_preference"] as? String == "json")
                #expect(summary["protocol"] as? String == "json")
            }

            try await proxy.stop()
            try await expectEventually(within: .seconds(30)) { try await proxyStatus() == (.serviceUnavailable, "unhealthy") }
            try await client.execute(uri: "/health/proxy", method: .get) { response in
                let report = try jsonObject(response.body)
                #expect((report["last_error"] as? String)?.contains("cannot connect to the proxy") == true)
                let failures = try #require(report["consecutive_failures"] as? Int)
                #expect(failures >= 1)
                let transitions = try #require(report["transitions"] as? [[String: Any]])
                #expect(transitions.last?["to"] as? String == "unhealthy")
                #expect(report["availability"] as? Double ?? 1 < 1)
                #expect(report["latency"] is [String: Any])
            }
            // The process still answers: /health is 200 and says the proxy is in trouble.
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let status = try jsonObject(response.body)["status"] as? String
                #expect(status == "degraded")
            }

            try await proxy.start()
            try await expectEventually(within: .seconds(30)) { try await proxyStatus() == (.ok, "healthy") }
        }
        try await proxy.stop()
    }

    @Test func withAutoTheProxyHealthShowsTheProtocolRequestsNegotiated() async throws {
        let proxy = try await startProxy()
        var configuration = proxyConfiguration(proxy.baseURL)
        configuration.proxy.wireProtocol = .auto
        do {
            try await withAPI(configuration) { client, _ in
                @Sendable func report() async throws -> [String: Any] {
                    try await client.execute(uri: "/health/proxy", method: .get) { try jsonObject($0.body) }
                }
                try await expectEventually(within: .seconds(30)) { try await report()["status"] as? String == "healthy" }
                let before = try await report()
                #expect(before["protocol"] == nil, "no request has been through the proxy yet")
                let body = try jsonBody(["provider": "qwen", "model": "qwen-plus", "prompt": "Hi"])
                let answered = try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: body) { try jsonObject($0.body) }
                #expect(answered["protocol"] as? String == "protobuf")
                let after = try await report()
                #expect(after["protocol_preference"] as? String == "auto")
                #expect(after["protocol"] as? String == "protobuf")
            }
        } catch {
            try await proxy.shutdown()
            throw error
        }
        try await proxy.shutdown()
    }

    @Test func metricsCountRequestsByProviderRouteAndOutcome() async throws {
        try await withSimulator { simulator in
            try await withAPI(directConfiguration(simulator)) { client, _ in
                for model in ["gpt-4.1", "gpt-4.1", "gpt-4.1@status=429"] {
                    let body = try jsonBody(["provider": "openai", "model": model, "prompt": "Hi"])
                    try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: body) { _ in }
                }
                try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: ByteBuffer(string: "{")) { _ in }
                try await client.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                    let text = String(buffer: response.body)
                    #expect(text.contains(#"chimera_requests_total{provider="openai",route="direct",outcome="success"} 2"#))
                    #expect(text.contains(#"chimera_requests_total{provider="openai",route="direct",outcome="rate_limited"} 1"#))
                    #expect(text.contains(#"chimera_request_duration_seconds_count{provider="openai",route="direct"} 3"#))
                    #expect(text.contains(#"chimera_upstream_attempts_total{provider="openai",route="direct",outcome="success"} 2"#))
                    #expect(text.contains(#"chimera_http_responses_total{endpoint="/api/v1/generate",method="POST",status="400"} 1"#))
                    #expect(text.contains(#"chimera_http_responses_total{endpoint="/api/v1/generate",method="POST",status="429"} 1"#))
                    #expect(!text.contains("chimera_proxy_health"))
                    #expect(!text.contains("test-key"))
                }
            }
        }
    }

    @Test func metricsCountCacheHitsAndMisses() async throws {
        try await withSimulator { simulator in
            var configuration = directConfiguration(simulator)
            configuration.sharing.cache = .memory
            try await withAPI(configuration) { client, _ in
                for prompt in ["Hi", "Hi", "Hello"] {
                    let body = try jsonBody(["provider": "openai", "model": "gpt-4.1", "prompt": prompt])
                    try await client.execute(uri: "/api/v1/generate", method: .post, headers: headers(), body: body) { response in
                        #expect(response.headers[HTTPField.Name("chimera-cache")!] != nil)
                    }
                }
                try await client.execute(uri: "/metrics", method: .get) { response in
                    let text = String(buffer: response.body)
                    #expect(text.contains(#"chimera_cache_results_total{result="hit"} 1"#))
                    #expect(text.contains(#"chimera_cache_results_total{result="miss"} 2"#))
                }
            }
        }
    }

    @Test func metricsInProxyModeShowTheProxyStatusAndCheckLatency() async throws {
        let proxy = try await startProxy()
        try await withAPI(proxyConfiguration(proxy.baseURL)) { client, api in
            let monitor = try #require(api.service.proxyHealthMonitors.first)
            try await expectEventually(within: .seconds(30)) { monitor.status == .healthy }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                // One-hot: exactly one status is 1.
                let statuses = text.split(separator: "\n").filter { $0.hasPrefix("chimera_proxy_health_status{") }
                #expect(statuses.count == ProxyHealthStatus.allCases.count)
                #expect(statuses.filter { $0.hasSuffix(" 1.0") }.count == 1)
                let label = #"proxy="\#(proxy.baseURL.absoluteString)""#
                #expect(text.contains("chimera_proxy_health_availability_ratio{\(label)} "))
                #expect(text.contains("chimera_proxy_health_consecutive_failures{\(label)} "))
                for statistic in ["last", "mean", "p50", "p95", "p99"] {
                    #expect(text.contains(#"chimera_proxy_health_check_latency_seconds{\#(label),statistic="\#(statistic)"}"#))
                }
            }
        }
        try await proxy.shutdown()
    }
}
