import AsyncHTTPClient
import ChimeraSimulator
import ChimeraTestSupport
import Testing

@Suite("Token counting and Gemini v1")
struct TokenCountTests {
    @Test func anthropicCountTokensCountsWhatUsageWouldWithoutMaxTokens() async throws {
        try await withSimulator { simulator in
            let body = #"{"model":"claude-sonnet-4-5","system":"You are terse.","messages":[{"role":"user","content":"Hello wörld 🌍 こんにちは"}],"tools":[{"name":"get_time","description":"The time now","input_schema":{"type":"object"}}]}"#
            let response = try await post(.anthropicCountTokens, body, to: simulator)
            #expect(response.status == 200)
            #expect(try response.json()["input_tokens"].int == 3 + 4 + 4)
            #expect(try response.json().keys == ["input_tokens"])
            let chat = try await post(.anthropicMessages, body.replacingOccurrences(of: #""system""#, with: #""max_tokens":10,"tool_choice":{"type":"none"},"system""#), to: simulator)
            #expect(try chat.json()["usage"]["input_tokens"].int == 11)
            #expect(simulator.stats.requests(on: .countTokens) == 1)
            let refused = try await post(.anthropicCountTokens, #"{"model":"claude-sonnet-4-5"}"#, to: simulator)
            #expect(refused.status == 400)
            #expect(try refused.json()["error"]["message"].string == "messages: Field required")
        }
    }

    @Test(arguments: ["v1beta", "v1"])
    func geminiCountTokensBareOrAsAGenerateContentRequest(version: String) async throws {
        try await withSimulator { simulator in
            let contents = #""contents":[{"role":"user","parts":[{"text":"one two three"}]}]"#
            let bare = try await post(.gemini(model: "gemini-2.5-flash", method: "countTokens", version: version), "{\(contents)}", to: simulator).json()
            #expect(bare["totalTokens"].int == 3)
            #expect(bare["promptTokensDetails"][0]["modality"].string == "TEXT")
            let wrapped = try await post(
                .gemini(model: "gemini-2.5-flash", method: "countTokens", version: version),
                #"{"generateContentRequest":{"model":"models/gemini-2.5-flash",\#(contents),"systemInstruction":{"parts":[{"text":"be kind"}]}}}"#,
                to: simulator
            ).json()
            #expect(wrapped["totalTokens"].int == 5)
        }
    }

    @Test func geminiAnswersUnderV1LikeUnderV1Beta() async throws {
        try await withSimulator { simulator in
            let body = #"{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"#
            let unary = try await post(.gemini(model: "gemini-2.5-flash", method: "generateContent", version: "v1"), body, to: simulator)
            #expect(unaryText(.gemini, try unary.json()) == "Simulated reply from gemini-2.5-flash: Hi")
            let streamed = try await post(.gemini(model: "gemini-2.5-flash", method: "streamGenerateContent?alt=sse", version: "v1"), body, to: simulator)
            #expect(try streamedText(.gemini, streamed.events()) == "Simulated reply from gemini-2.5-flash: Hi")
            var list = HTTPClientRequest(url: "http://\(simulator.host):\(simulator.port)/v1/models")
            list.headers.add(name: "x-goog-api-key", value: "test-key")
            let models = try await send(list).json()
            #expect(models["models"][0]["name"].string == "models/gemini-2.5-flash")
            #expect(simulator.stats.requests(on: .generateContent) == 1)
            #expect(simulator.stats.requests(on: .geminiModels) == 1)
        }
    }
}
