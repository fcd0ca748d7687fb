import Chimera
import ChimeraProxyServer
import ChimeraSimulator
import ChimeraTestSupport
import ChimeraTransport
import Foundation
import HTTPTypes
import InMemoryTracing
import Instrumentation
import NIOCore
import Testing
import Tracing

/// Issue 18, item 3: a caller's trace reaches the provider through `chimera serve` and `chimera
/// proxy`, and both servers' spans join it.
@Suite("Traces from client through proxy to provider")
struct TraceTests {
    /// Without a tracer of its own, each hop passes the caller's W3C `traceparent` on as it came.
    @Test func aCallersTraceparentArrivesAtTheProviderThroughServeAndTheProxy() async throws {
        let proxy = try await startProxy()
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        let traceparent = "00-\(traceID)-00f067aa0ba902b7-01"
        do {
            try await withAPI(proxyConfiguration(proxy.baseURL, interval: .seconds(60))) { client, _ in
                var headers = headers()
                headers[HTTPField.Name("traceparent")!] = traceparent
                let body = ByteBuffer(string: #"{"model":"anthropic/claude-sonnet-4-5","messages":[{"role":"user","content":"Hello trace"}]}"#)
                try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .ok)
                }
            }
        } catch {
            try await proxy.shutdown()
            throw error
        }
        let arrived = proxy.simulator.recordedRequests(limit: 20).filter { $0.body.contains("Hello trace") }
        try await proxy.shutdown()
        let values = try #require(arrived.first).headerValues("traceparent")
        #expect(values.count == 1, "\(values)")
        #expect(values.first?.split(separator: "-").dropFirst().first.map(String.init) == traceID, "\(values)")
    }

    /// With a tracer bootstrapped, the client's span context goes out in its headers, the proxy's
    /// server span continues it, and the proxy's upstream call is a client span of the same trace
    /// whose context reaches the provider.
    @Test func theServersSpansJoinTheCallersTrace() async throws {
        // The tracer is handed to each part, not bootstrapped: the process's other tests keep theirs.
        let tracer = InMemoryTracer()
        let simulator = try await ProviderSimulator.start()
        let proxy: RunningProxy
        do {
            proxy = try await RunningProxy.start(configuration: simulator.configuring(ChimeraConfiguration()), port: 0, tracer: tracer)
        } catch {
            try await simulator.shutdown()
            throw error
        }
        var configuration = ChimeraConfiguration(connectionMode: .proxy)
        configuration.proxy.serverURL = proxy.baseURL
        configuration.proxy.wireProtocol = .json
        configuration.proxy.maxRetries = 0
        let transport = HTTPTransport(connectTimeout: .seconds(5), poolSize: 4, tracer: tracer)
        let service = LLMService(configuration: configuration, transport: transport)
        let traceID: String
        do {
            traceID = try await tracer.withSpan("caller") { span in
                _ = try await service.complete(ChatRequest(provider: .anthropic, model: "claude-sonnet-4-5", messages: [.user("Hello spans")]))
                return span.context.inMemorySpanContext?.traceID ?? ""
            }
        } catch {
            try await service.shutdown()
            try await transport.shutdown()
            try await proxy.shutdown()
            try await simulator.shutdown()
            throw error
        }
        try await service.shutdown()
        try await transport.shutdown()
        try await proxy.shutdown()
        let arrived = simulator.recordedRequests(limit: 50).filter { $0.body.contains("Hello spans") }
        try await simulator.shutdown()
        #expect(!traceID.isEmpty)
        #expect(try #require(arrived.first).headerValues(InMemoryTracer.traceIDKey) == [traceID], "\(arrived.first?.headers ?? [])")
        let spans = tracer.finishedSpans.filter { $0.traceID == traceID }
        let kinds = spans.map { "\($0.kind) \($0.operationName)" }
        #expect(spans.contains { $0.kind == .server && $0.operationName == "chat" }, "\(kinds)")
        // The transport's client spans: the client's call to the proxy and the proxy's call to the provider.
        let clientSpans = spans.filter { $0.kind == .client && $0.operationName == "POST" }
        #expect(clientSpans.count == 2, "\(kinds)")
        for span in clientSpans {
            #expect(span.attributes.get("http.status_code") == .int64(200), "\(span.attributes)")
            #expect(span.attributes.get("server.address") == .string("127.0.0.1"), "\(span.attributes)")
        }
    }
}
