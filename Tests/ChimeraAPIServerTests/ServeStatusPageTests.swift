import AsyncHTTPClient
import ChimeraAPIServer
import ChimeraCore
import ChimeraTestSupport
import Foundation
import NIOCore
import Synchronization
import Testing

/// `GET /status` and `GET /status.json` of `chimera serve` in proxy mode, over loopback.
@Suite struct ServeStatusPageTests {
    static let serveKey = "sentinel-serve-key-5e1f07"
    static let proxyKey = "sentinel-proxy-hop-key-93ab4c"

    private func withServe(_ proxy: URL, _ body: (URL, HTTPClient) async throws -> Void) async throws {
        var configuration = proxyConfiguration(proxy)
        configuration.proxy.apiKey = Secret(Self.proxyKey)
        let server = try await RunningAPIServer.start(configuration: configuration, options: .init(apiKey: Secret(Self.serveKey)), port: 0)
        let client = HTTPClient()
        do {
            try await body(server.baseURL, client)
            try await client.shutdown()
            try await server.shutdown()
        } catch {
            try await client.shutdown()
            try await server.shutdown()
            throw error
        }
    }

    private func send(_ client: HTTPClient, _ url: URL, _ path: String, key: String? = serveKey, body: String? = nil) async throws -> (status: Int, body: String, requestID: String?) {
        var request = HTTPClientRequest(url: url.appending(path: path).absoluteString)
        if let key { request.headers.add(name: "authorization", value: "Bearer \(key)") }
        if let body {
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(10))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 4 << 20)), response.headers.first(name: "x-request-id"))
    }

    @Test func requestsAndTheProxyBandAppearAndTheKeyIsRequired() async throws {
        let proxy = try await startProxy()
        do {
            try await withServe(proxy.baseURL) { url, client in
                let ok = try await send(client, url, "api/v1/generate", body: #"{"provider":"openai","model":"gpt-4.1","prompt":"secret prompt text"}"#)
                let failed = try await send(client, url, "api/v1/generate", body: #"{"provider":"openai","model":"gpt-4.1@status=429","prompt":"hi"}"#)
                #expect(ok.status == 200 && failed.status == 429)
                for path in ["status", "status.json"] {
                    #expect(try await send(client, url, path, key: nil).status == 401)
                    #expect(try await send(client, url, path, key: "wrong").status == 401)
                }
                try await expectEventually(within: .seconds(10)) {
                    try await send(client, url, "status").body.contains("data-status=\"healthy\"")
                }
                let page = try await send(client, url, "status")
                #expect(page.status == 200)
                #expect(page.body.contains("data-request-id=\"\(try #require(ok.requestID))\""))
                #expect(page.body.contains("data-request-id=\"\(try #require(failed.requestID))\" data-error-kind=\"rate_limited\""))
                let json = try await send(client, url, "status.json")
                #expect(json.status == 200 && json.body.contains("\"subject\":\"proxy \(proxy.baseURL.absoluteString)"))
                for body in [page.body, json.body] {
                    for secret in [Self.serveKey, Self.proxyKey, "secret prompt text"] { #expect(!body.contains(secret)) }
                }
            }
        } catch {
            try await proxy.shutdown()
            throw error
        }
        try await proxy.shutdown()
    }

    @Test func aStoppedProxyTurnsTheBandRed() async throws {
        let proxy = try await startProxy()
        let stopped = Atomic(false)
        do {
            try await withServe(proxy.baseURL) { url, client in
                try await expectEventually(within: .seconds(10)) {
                    try await send(client, url, "status.json").body.contains("\"status\":\"healthy\"")
                }
                stopped.store(true, ordering: .relaxed)
                try await proxy.shutdown()
                // One check interval is 200 ms here; a refused check marks the proxy unhealthy at once.
                try await expectEventually(within: .seconds(5)) {
                    let page = try await send(client, url, "status").body
                    return page.contains("data-status=\"unhealthy\"") && page.contains("class=\"segment s-unhealthy\"")
                }
            }
        } catch {
            // A failure before the proxy was stopped must not leave it running.
            if !stopped.load(ordering: .relaxed) { try await proxy.shutdown() }
            throw error
        }
    }

    @Test func directModeSaysThereIsNoProxyToMonitor() async throws {
        let server = try await RunningAPIServer.start(configuration: ChimeraConfiguration(), port: 0)
        let page: (status: Int, body: String, requestID: String?)
        do {
            page = try await withHTTPClient { client in try await send(client, server.baseURL, "status", key: nil) }
        } catch {
            try await server.shutdown()
            throw error
        }
        try await server.shutdown()
        #expect(page.status == 200 && page.body.contains("there is no proxy to monitor"))
    }
}
