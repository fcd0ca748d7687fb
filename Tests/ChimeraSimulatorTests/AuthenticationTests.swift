import AsyncHTTPClient
import ChimeraSimulator
import ChimeraTestSupport
import NIOCore
import Testing

@Suite("Authentication")
struct AuthenticationTests {
    @Test(arguments: Wire.allCases, [nil, "invalid"])
    func missingOrWrongKeyIsRefusedInTheProtocolsErrorShape(wire: Wire, key: String?) async throws {
        try await withSimulator { simulator in
            var call = ChatCall(wire)
            call.key = key
            let response = try await send(call, to: simulator)
            let body = try response.json()
            switch wire {
            case .openAI:
                #expect(response.status == 401)
                #expect(body["error"]["type"].string == "invalid_request_error")
                #expect(body["error"]["message"].string?.isEmpty == false)
                #expect(body["error"]["param"].isNull)
                if key != nil { #expect(body["error"]["code"].string == "invalid_api_key") }
            case .anthropic:
                #expect(response.status == 401)
                #expect(body["type"].string == "error")
                #expect(body["error"]["type"].string == "authentication_error")
                #expect(body["request_id"].string?.hasPrefix("req_") == true)
            case .gemini:
                #expect(response.status == 400)
                #expect(body["error"]["code"].int == 400)
                #expect(body["error"]["status"].string == "INVALID_ARGUMENT")
                #expect(body["error"]["details"][0]["@type"].string == "type.googleapis.com/google.rpc.ErrorInfo")
                #expect(body["error"]["details"][0]["reason"].string == "API_KEY_INVALID")
                // Google pretty-prints its error bodies over several lines.
                #expect(response.body.contains("\n  "))
            }
            #expect(simulator.stats.requests(on: route(wire)) == 1)
        }
    }

    @Test func anthropicAcceptsABearerTokenAndAnyVersion() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.anthropic)
            call.key = nil
            var request = try call.request(to: simulator)
            request.headers.replaceOrAdd(name: "anthropic-version", value: "2026-10-21")
            request.headers.add(name: "Authorization", value: "Bearer new-sdk-key")
            let response = try await send(request)
            #expect(response.status == 200)
            #expect(unaryText(.anthropic, try response.json()) == Prompt.reply(from: "claude-sonnet-4-5"))
        }
    }

    @Test func anthropicRequiresAVersionHeader() async throws {
        try await withSimulator { simulator in
            var request = try ChatCall(.anthropic).request(to: simulator)
            request.headers.remove(name: "anthropic-version")
            let response = try await send(request)
            #expect(response.status == 400)
            #expect(try response.json()["error"]["type"].string == "invalid_request_error")
        }
    }

    @Test func geminiAcceptsTheKeyAsQueryParameter() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.gemini)
            call.key = nil
            var request = try call.request(to: simulator)
            request.url += "?key=query-key"
            let response = try await send(request)
            #expect(response.status == 200)
        }
    }

    @Test func openAIRefusesAnEmptyBearerToken() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.openAI)
            call.key = nil
            call.headers = [("Authorization", "Bearer ")]
            let response = try await send(call, to: simulator)
            #expect(response.status == 401)
        }
    }

    @Test func deepSeekAuthenticationErrorUsesItsOwnType() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.openAI, model: "deepseek-chat")
            call.key = "invalid"
            let response = try await send(call, to: simulator)
            #expect(response.status == 401)
            #expect(try response.json()["error"]["type"].string == "authentication_error")
        }
    }

    @Test func qwenErrorBodiesCarryARequestID() async throws {
        try await withSimulator { simulator in
            var call = ChatCall(.openAI, model: "qwen-plus")
            call.key = nil
            let body = try await send(call, to: simulator).json()
            #expect(body["error"]["message"].string?.isEmpty == false)
            #expect(body["request_id"].string?.isEmpty == false)
        }
    }
}

/// The chat route of a protocol's unary requests.
func route(_ wire: Wire) -> SimulatorRoute {
    switch wire {
    case .openAI: .chatCompletions
    case .anthropic: .messages
    case .gemini: .generateContent
    }
}
