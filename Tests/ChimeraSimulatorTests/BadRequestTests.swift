import AsyncHTTPClient
import ChimeraSimulator
import ChimeraTestSupport
import Foundation
import NIOCore
import Testing

@Suite("Bad requests")
struct BadRequestTests {
    @Test(arguments: Wire.allCases)
    func bodyThatIsNotJSONIsA400InTheProtocolsShape(wire: Wire) async throws {
        try await withSimulator { simulator in
            var request = try ChatCall(wire).request(to: simulator)
            request.body = .bytes(ByteBuffer(string: "{\"model\": "))
            let response = try await send(request)
            #expect(response.status == 400)
            try expectInvalidRequest(wire, response.json())
        }
    }

    @Test func anthropicRequiresMaxTokens() async throws {
        try await withSimulator { simulator in
            var request = try ChatCall(.anthropic).request(to: simulator)
            request.body = .bytes(ByteBuffer(string: #"{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"Hi"}]}"#))
            let response = try await send(request)
            #expect(response.status == 400)
            let body = try response.json()
            #expect(body["error"]["type"].string == "invalid_request_error")
            #expect(body["error"]["message"].string == "max_tokens: Field required")
        }
    }

    @Test func openAIRequiresMessagesAndNamesTheParameter() async throws {
        try await withSimulator { simulator in
            var request = try ChatCall(.openAI).request(to: simulator)
            request.body = .bytes(ByteBuffer(string: #"{"model":"gpt-4.1"}"#))
            let response = try await send(request)
            #expect(response.status == 400)
            #expect(try response.json()["error"]["param"].string == "messages")
        }
    }

    @Test func geminiRequiresContents() async throws {
        try await withSimulator { simulator in
            var request = try ChatCall(.gemini).request(to: simulator)
            request.body = .bytes(ByteBuffer(string: "{}"))
            let response = try await send(request)
            #expect(response.status == 400)
            #expect(try response.json()["error"]["status"].string == "INVALID_ARGUMENT")
        }
    }

    @Test func fieldOfTheWrongTypeIsA400NamingIt() async throws {
        try await withSimulator { simulator in
            var request = try ChatCall(.openAI).request(to: simulator)
            request.body = .bytes(ByteBuffer(string: #"{"model":"gpt-4.1","messages":[],"stream":"yes"}"#))
            let response = try await send(request)
            #expect(response.status == 400)
            #expect(try response.json()["error"]["param"].string == "stream")
        }
    }

    @Test(arguments: Wire.allCases)
    func unknownOrBadSwitchIsA400(wire: Wire) async throws {
        try await withSimulator { simulator in
            for model in [wire.model + "@teleport", wire.model + "@latency=soon"] {
                let response = try await send(ChatCall(wire, model: model), to: simulator)
                #expect(response.status == 400)
                try expectInvalidRequest(wire, response.json())
            }
        }
    }

    @Test func unknownGeminiMethodIsNotFound() async throws {
        try await withSimulator { simulator in
            var request = try ChatCall(.gemini).request(to: simulator)
            request.url = request.url.replacingOccurrences(of: ":generateContent", with: ":teleport")
            #expect(try await send(request).status == 404)
        }
    }
}

/// Checks that `body` is the protocol's 400 invalid-request error.
func expectInvalidRequest(_ wire: Wire, _ body: JSONTree, sourceLocation: SourceLocation = #_sourceLocation) throws {
    switch wire {
    case .openAI:
        #expect(body["error"]["type"].string == "invalid_request_error", sourceLocation: sourceLocation)
    case .anthropic:
        #expect(body["type"].string == "error", sourceLocation: sourceLocation)
        #expect(body["error"]["type"].string == "invalid_request_error", sourceLocation: sourceLocation)
    case .gemini:
        #expect(body["error"]["code"].int == 400, sourceLocation: sourceLocation)
        #expect(body["error"]["status"].string == "INVALID_ARGUMENT", sourceLocation: sourceLocation)
    }
    #expect(body["error"]["message"].string?.isEmpty == false, sourceLocation: sourceLocation)
}
