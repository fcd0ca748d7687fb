import AsyncHTTPClient
import Chimera
import ChimeraAPIServer
import ChimeraTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("API server: authentication, limits, request ids, providers, binding and shutdown")
struct ServerBehaviourTests {
    static let key = "chimera-test-key-0123456789"

    @Test(arguments: [
        ("/health/proxy", HTTPRequest.Method.get),
        ("/api/v1/providers", .get),
        ("/v1/models", .get),
        ("/api/v1/generate", .post),
        ("/v1/chat/completions", .post),
        ("/metrics", .get),
    ])
    func everyRouteButHealthWantsTheBearerKey(path: String, method: HTTPRequest.Method) async throws {
        try await withAPI(ChimeraConfiguration(), options: APIServer.Options(apiKey: Secret(Self.key))) { client, _ in
            for offered in [nil, "wrong-key", "\(Self.key)x"] {
                try await client.execute(uri: path, method: method, headers: headers(bearer: offered), body: ByteBuffer(string: "{}")) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="chimera""#)
                    let error = try #require(try jsonObject(response.body)["error"] as? [String: Any])
                    // OpenAI's shape under /v1/, so OpenAI SDKs raise AuthenticationError.
                    #expect(error["type"] as? String == (path.hasPrefix("/v1/") ? "authentication_error" : "authentication"))
                    #expect(!String(buffer: response.body).contains(Self.key))
                }
            }
            try await client.execute(uri: path, method: method, headers: headers(bearer: Self.key), body: ByteBuffer(string: "{}")) { response in
                #expect(response.status != .unauthorized)
            }
        }
    }

    @Test func healthStaysOpenWhenAKeyIsRequired() async throws {
        try await withAPI(ChimeraConfiguration(), options: APIServer.Options(apiKey: Secret(Self.key))) { client, _ in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func everyResponseCarriesItsOwnRequestID() async throws {
        try await withAPI(ChimeraConfiguration(), options: APIServer.Options(apiKey: Secret(Self.key), maxBodyBytes: 64)) { client, _ in
            var ids: [String] = []
            let requests: [(String, HTTPRequest.Method, HTTPFields, String?, HTTPResponse.Status)] = [
                ("/health", .get, [:], nil, .ok),
                ("/api/v1/generate", .post, headers(), "{}", .unauthorized),
                ("/api/v1/generate", .post, headers(bearer: Self.key), "{}", .badRequest),
                ("/api/v1/generate", .post, headers(bearer: Self.key), String(repeating: " ", count: 100), .contentTooLarge),
                ("/nowhere", .get, headers(bearer: Self.key), nil, .notFound),
            ]
            for (path, method, fields, body, status) in requests {
                let id = try await client.execute(uri: path, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) }) { response in
                    #expect(response.status == status, "\(path)")
                    return response.headers[HTTPField.Name("x-request-id")!]
                }
                ids.append(try #require(id))
            }
            #expect(Set(ids).count == requests.count)
        }
    }

    @Test func anUnknownRouteIs404NamingTheRoutesServed() async throws {
        try await withAPI(ChimeraConfiguration()) { client, _ in
            try await client.execute(uri: "/api/v2/generate", method: .post, headers: headers(), body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .notFound)
                let error = try #require(try jsonObject(response.body)["error"] as? [String: Any])
                #expect(error["message"] as? String == "no route for POST /api/v2/generate")
                #expect((error["hint"] as? String)?.contains("POST /api/v1/generate") == true)
            }
        }
    }

    @Test func openAIModelListNamesEveryConfiguredProvidersModelsAndTheFailures() async throws {
        try await withSimulator { simulator in
            var configuration = directConfiguration(simulator)
            configuration.providers[.qwen]?.apiKey = nil
            configuration.providers[.deepseek]?.baseURL = try await deadProxyURL()
            try await withAPI(configuration) { client, _ in
                try await client.execute(uri: "/v1/models", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try jsonObject(response.body)
                    #expect(body["object"] as? String == "list")
                    let models = try #require(body["data"] as? [[String: Any]])
                    let ids = models.compactMap { $0["id"] as? String }
                    #expect(ids.contains("openai/gpt-4.1"), "\(ids)")
                    #expect(ids.contains { $0.hasPrefix("anthropic/") } && ids.contains { $0.hasPrefix("gemini/") }, "\(ids)")
                    #expect(!ids.contains { $0.hasPrefix("qwen/") || $0.hasPrefix("deepseek/") }, "\(ids)")
                    #expect(models.allSatisfy { $0["object"] as? String == "model" && $0["owned_by"] is String })
                    // The unreachable provider is named, not silently left out.
                    let errors = try #require(body["errors"] as? [[String: Any]])
                    #expect(errors.map { $0["provider"] as? String } == ["deepseek"])
                }
            }
        }
    }

    @Test func providersListEveryProviderWithCapabilitiesAndTheModelsOfTheConfiguredOnes() async throws {
        try await withSimulator { simulator in
            var configuration = directConfiguration(simulator)
            configuration.providers[.qwen]?.apiKey = nil
            configuration.providers[.deepseek]?.baseURL = try await deadProxyURL()
            try await withAPI(configuration) { client, _ in
                try await client.execute(uri: "/api/v1/providers", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try jsonObject(response.body)
                    #expect(body["mode"] as? String == "direct")
                    let providers = try #require(body["providers"] as? [[String: Any]])
                    let byID = Dictionary(uniqueKeysWithValues: providers.map { ($0["id"] as! String, $0) })
                    #expect(byID.keys.sorted() == ProviderID.allCases.map(\.rawValue).sorted())

                    let openai = try #require(byID["openai"])
                    #expect(openai["configured"] as? Bool == true)
                    #expect(openai["family"] as? String == "openai")
                    let models = try #require(openai["models"] as? [[String: Any]])
                    #expect(models.contains { $0["id"] as? String == "gpt-4.1" })
                    let capabilities = try #require(byID["anthropic"]?["capabilities"] as? [String: Any])
                    #expect(capabilities["temperature_max"] as? Double == 1)
                    #expect(capabilities["requires_max_tokens"] as? Bool == true)

                    let qwen = try #require(byID["qwen"])
                    #expect(qwen["configured"] as? Bool == false)
                    #expect(qwen["models"] == nil)
                    // A provider that cannot be reached is reported, not fatal.
                    let deepseek = try #require(byID["deepseek"])
                    #expect(deepseek["models"] == nil)
                    #expect((deepseek["models_error"] as? String)?.contains("could not connect") == true)
                }
            }
        }
    }

    @Test func aNonLoopbackAddressWithoutAKeyIsRefused() async throws {
        await #expect {
            _ = try await RunningAPIServer.start(configuration: ChimeraConfiguration(), host: "0.0.0.0", port: 0)
        } throws: { error in
            let error = try #require(error as? ChimeraError)
            return error.kind == .configuration && error.message.contains("refusing to listen on 0.0.0.0 without an API key")
        }
    }

    @Test func shutdownLetsARequestInFlightFinish() async throws {
        try await withSimulator { simulator in
            let server = try await RunningAPIServer.start(configuration: directConfiguration(simulator), port: 0)
            let url = server.baseURL.appending(path: "api/v1/generate").absoluteString
            let inFlight = Task {
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: #"{"provider":"openai","model":"gpt-4.1@latency=800","prompt":"Hi"}"#))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
            }
            try await expectEventually(within: .seconds(30)) { simulator.stats.totalRequests == 1 }
            try await server.shutdown()
            let (status, body) = try await inFlight.value
            #expect(status == 200)
            #expect(body.contains("Simulated reply"))
        }
    }

    @Test func shutdownStopsWaitingAfterTheGracePeriod() async throws {
        try await withSimulator { simulator in
            let server = try await RunningAPIServer.start(configuration: directConfiguration(simulator), port: 0, gracePeriod: .milliseconds(300))
            let url = server.baseURL.appending(path: "api/v1/generate").absoluteString
            let inFlight = Task {
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: #"{"provider":"openai","model":"gpt-4.1@stall","prompt":"Hi"}"#))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                return Int(response.status.code)
            }
            try await expectEventually(within: .seconds(30)) { simulator.stats.totalRequests == 1 }
            let started = ContinuousClock.now
            try await server.shutdown()
            // The stalled call alone would hold the server for ten minutes.
            #expect(ContinuousClock.now - started < .seconds(10))
            // The cut request's client got an error answer or a closed connection, never a success.
            if case .success(let status) = await inFlight.result {
                #expect(status >= 500)
            }
        }
    }
}
