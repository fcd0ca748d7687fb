import AsyncHTTPClient
import ChimeraSimulator
import ChimeraTestSupport
import Testing

@Suite("Model lists")
struct ModelListTests {
    @Test func openAIListHasTheListShape() async throws {
        try await withSimulator { simulator in
            let response = try await send(listRequest(.openAI, simulator))
            #expect(response.status == 200)
            let body = try response.json()
            #expect(body["object"].string == "list")
            let first = body["data"][0]
            #expect(first["object"].string == "model")
            #expect(first["id"].string == "gpt-4.1")
            #expect(first["created"].int != nil)
            #expect(first["owned_by"].string != nil)
            #expect(body["data"].array?.contains { $0["id"].string == "deepseek-chat" } == true)
        }
    }

    @Test func anthropicVersionHeaderSelectsTheAnthropicListShape() async throws {
        try await withSimulator { simulator in
            let body = try await send(listRequest(.anthropic, simulator)).json()
            #expect(body["data"][0]["type"].string == "model")
            #expect(body["data"][0]["id"].string == "claude-sonnet-4-5")
            #expect(body["data"][0]["display_name"].string != nil)
            #expect(body["has_more"].bool == false)
            #expect(body["first_id"].string == "claude-sonnet-4-5")
            #expect(simulator.stats.requests(for: .anthropic) == 1)
        }
    }

    @Test func geminiListNamesModelsWithTheirPrefix() async throws {
        try await withSimulator { simulator in
            let body = try await send(listRequest(.gemini, simulator)).json()
            #expect(body["models"][0]["name"].string == "models/gemini-2.5-flash")
            #expect(body["models"][0]["supportedGenerationMethods"].array?.first?.string == "generateContent")
        }
    }

    @Test(arguments: Wire.allCases)
    func listsNeedAKey(wire: Wire) async throws {
        try await withSimulator { simulator in
            let response = try await send(listRequest(wire, simulator, key: nil))
            #expect(response.status == (wire == .gemini ? 400 : 401))
        }
    }

    @Test func listsHonourSwitchesFromTheOptionsHeader() async throws {
        try await withSimulator { simulator in
            var request = listRequest(.openAI, simulator)
            request.headers.add(name: ProviderSimulator.optionsHeader, value: "status=503,fail=1")
            let first = try await send(request)
            let second = try await send(request)
            #expect(first.status == 503)
            #expect(second.status == 200)
        }
    }
}
