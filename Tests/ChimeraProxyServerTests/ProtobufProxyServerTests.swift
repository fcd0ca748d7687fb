import AsyncHTTPClient
import Chimera
import ChimeraProxyServer
import ChimeraTestSupport
import ChimeraTransport
import ChimeraWire
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@Suite("chimera proxy: binary protocol (Connect + protobuf) on the JSON port")
struct ProtobufProxyServerTests {
    @Test(arguments: ProviderID.allCases)
    func completeAndStreamAnswerWhatTheJSONRoutesAnswer(provider: ProviderID) async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let json = proxyClient(proxy, speaking: .openai, upstream: provider, transport: transport)
                let expected = try await collect(json, sampleRequest(.openai, model: modelNames[provider]!))

                let unary = try await connectCall(transport, proxy, .complete, body: try sampleRequest(provider).protobufData())
                #expect(unary.status == 200)
                #expect(unary.contentType == "application/proto")
                let response = try ChatResponse(protobuf: unary.body)
                #expect(response.provider == provider)
                #expect(response.text == expected.text)
                #expect(response.finishReason == expected.finishReason)
                #expect(response.usage == expected.usage)

                let envelope = ConnectEnvelope(message: try sampleRequest(provider, stream: true).protobufData()).encoded()
                let streamed = try await connectCall(transport, proxy, .stream, body: envelope)
                #expect(streamed.status == 200)
                #expect(streamed.contentType == "application/connect+proto")
                var decoder = ProtobufStreamDecoder(provider: provider)
                decoder.append(streamed.body)
                var events: [ChatStreamEvent] = []
                while let event = try decoder.next() { events.append(event) }
                try decoder.finish()
                #expect(decoder.isComplete)
                #expect(events.map(\.delta).joined() == expected.text)
                #expect(events.contains(.finish(expected.finishReason ?? .stop)))
                #expect(expected.usage.map { events.contains(.usage($0)) } == true)
            }
        }
    }

    @Test func pathPrefixRoutesTheCallWhateverTheMessageNames() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let reply = try await connectCall(transport, proxy, .complete, prefix: "gemini-cli-oauth",
                                                  body: try sampleRequest(.openai, model: "gemini-2.5-flash").protobufData())
                #expect(reply.status == 200)
                #expect(try ChatResponse(protobuf: reply.body).provider == .gemini)
            }
        }
    }

    @Test func getCapabilitiesOffersBothEncodingsWithGETAndPOST() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                for method in [HTTPMethod.GET, .POST] {
                    let reply = try await connectCall(transport, proxy, .getCapabilities, method: method, body: Data())
                    #expect(reply.status == 200, "\(method)")
                    let capabilities = try Chimera_Proxy_V1_Capabilities(protobuf: reply.body)
                    #expect(capabilities.protocolVersion == 1)
                    #expect(Set(capabilities.offeredEncodings) == [.json, .protobuf])
                    #expect(Set(capabilities.servedProviders) == Set(ProviderID.allCases))
                }
                let health = try await rawRequest(transport, proxy.baseURL.appending(path: "health"), method: .GET)
                #expect(health.body.contains(#""protocols":["json","protobuf"]"#))
            }
        }
    }

    @Test func wrongContentTypeIs415NamingTheExpectedOne() async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let reply = try await connectCall(transport, proxy, .complete, contentType: "application/json", body: Data("{}".utf8))
                #expect(reply.status == 415)
                #expect(reply.headers["Accept-Post"].first == "application/proto")
                let error = ChimeraError(connectStatus: reply.status, body: reply.body, provider: nil)
                #expect(error.kind == .protocolMismatch)
            }
        }
    }

    @Test func unaryFailuresAreConnectErrorsCarryingTheChimeraError() async throws {
        try await withProxy(apiKey: "proxy-key") { proxy in
            try await withTransport { transport in
                let body = try sampleRequest(.openai).protobufData()
                let denied = try await connectCall(transport, proxy, .complete, body: body)
                #expect(denied.status == 401)
                #expect(denied.contentType == "application/json")
                let deniedError = ChimeraError(connectStatus: denied.status, body: denied.body, provider: nil)
                #expect(deniedError.kind == .authentication)
                #expect(!String(decoding: denied.body, as: UTF8.self).contains("proxy-key"))

                let garbage = try await connectCall(transport, proxy, .complete, key: "proxy-key", body: Data([0xff, 0xff, 0xff]))
                #expect(garbage.status == 400)
                #expect(ChimeraError(connectStatus: garbage.status, body: garbage.body, provider: nil).kind == .invalidRequest)

                var message = Chimera_Proxy_V1_ChatRequest(sampleRequest(.openai))
                message.provider = "mistral"
                let unknown = try await connectCall(transport, proxy, .complete, key: "proxy-key", body: try message.protobufData())
                #expect(unknown.status == 400)
                let unknownError = ChimeraError(connectStatus: unknown.status, body: unknown.body, provider: nil)
                #expect(unknownError.kind == .invalidRequest)
                #expect(unknownError.message.hasPrefix("provider:"))
            }
        }
    }

    /// Issue 15, item 9: docs/binary-protocol.md says an envelope with the compressed bit
    /// (nothing was negotiated) or a reserved bit is an error, in requests as in responses.
    @Test(arguments: [UInt8(0x01), 0x04, 0x80, 0x05])
    func requestEnvelopesWithTheCompressedOrAReservedFlagAreRefused(_ flags: UInt8) async throws {
        try await withProxy { proxy in
            try await withTransport { transport in
                let payload = try sampleRequest(.openai, stream: true).protobufData()
                let envelope = ConnectEnvelope(flags: ConnectEnvelope.Flags(rawValue: flags), payload: payload).encoded()
                let reply = try await connectCall(transport, proxy, .stream, body: envelope)
                #expect(reply.status == 200)
                var decoder = ProtobufStreamDecoder(provider: .openai)
                decoder.append(reply.body)
                #expect {
                    while try decoder.next() != nil {}
                } throws: { error in
                    let error = error as? ChimeraError
                    return error?.kind == .invalidRequest && error?.message.contains(flags == 0x01 ? "compressed" : "reserved") == true
                }
            }
            #expect(proxy.simulator.stats.totalRequests == 0)
        }
    }

    @Test func streamingFailuresAre200WithTheErrorInTheEndOfStreamEnvelope() async throws {
        try await withProxy(apiKey: "proxy-key") { proxy in
            try await withTransport { transport in
                let envelope = ConnectEnvelope(message: try sampleRequest(.anthropic, stream: true).protobufData()).encoded()
                let denied = try await connectCall(transport, proxy, .stream, body: envelope)
                #expect(denied.status == 200)
                var decoder = ProtobufStreamDecoder(provider: .anthropic)
                decoder.append(denied.body)
                #expect {
                    _ = try decoder.next()
                } throws: { error in
                    (error as? ChimeraError)?.kind == .authentication
                }
            }
        }
    }
}

extension ChatStreamEvent {
    /// The text of a delta event; empty for the others.
    var delta: String {
        if case .delta(let text) = self { return text }
        return ""
    }
}

/// One raw call of `chimera.proxy.v1.ProxyService`, with the call's own content type unless told otherwise.
func connectCall(
    _ transport: HTTPTransport, _ proxy: SimulatedProxy, _ procedure: ProxyProcedure, prefix: String? = nil,
    method: HTTPMethod = .POST, contentType: String? = nil, key: String? = nil, body: Data
) async throws -> (status: Int, contentType: String?, headers: HTTPHeaders, body: Data) {
    let path = (prefix.map { "/\($0)" } ?? "") + procedure.path
    var request = HTTPClientRequest(url: proxy.baseURL.absoluteString + path)
    request.method = method
    if method == .POST {
        request.headers.add(name: "content-type", value: contentType ?? procedure.contentType)
        request.headers.add(name: ConnectProtocol.protocolVersionHeader, value: ConnectProtocol.protocolVersion)
        request.body = .bytes(ByteBuffer(data: body))
    }
    if let key { request.headers.add(name: "authorization", value: "Bearer \(key)") }
    let response = try await transport.client.execute(request, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), response.headers.first(name: "content-type"), response.headers, Data(buffer: bytes))
}
