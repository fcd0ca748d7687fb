import ChimeraSimulator
import ChimeraTestSupport
import Testing

@Suite("Choices and logprobs")
struct ChoicesAndLogprobsTests {
    private let request = #"{"model":"gpt-4.1","n":3,"seed":42,"presence_penalty":0.1,"user":"u-7","stop":["never"],"messages":[{"role":"user","content":"Hi"}]}"#

    @Test func nAnswersThatManyIdenticalChoicesAndBillsThemAll() async throws {
        try await withSimulator { simulator in
            let body = try await post(.openAIChat, request, to: simulator).json()
            let choices = try #require(body["choices"].array)
            #expect(choices.map { $0["index"].int } == [0, 1, 2])
            #expect(Set(choices.compactMap { $0["message"]["content"].string }) == ["Simulated reply from gpt-4.1: Hi"])
            #expect(body["usage"]["completion_tokens"].int == 15)
        }
    }

    @Test func streamedChoicesEachGetTheirRoleWordsAndFinish() async throws {
        try await withSimulator { simulator in
            let streamed = request.replacingOccurrences(of: #""messages""#, with: #""stream":true,"messages""#)
            let chunks = try payloads(await post(.openAIChat, streamed, to: simulator))
            for index in 0..<3 {
                let mine = chunks.filter { $0["choices"][0]["index"].int == index }
                #expect(mine.first?["choices"][0]["delta"]["role"].string == "assistant")
                #expect(mine.compactMap { $0["choices"][0]["delta"]["content"].string }.joined() == "Simulated reply from gpt-4.1: Hi")
                #expect(mine.last?["choices"][0]["finish_reason"].string == "stop")
            }
        }
    }

    @Test func logprobsGiveOneEntryPerWordWithTheAskedAlternatives() async throws {
        try await withSimulator { simulator in
            let ask = #"{"model":"gpt-4.1","logprobs":true,"top_logprobs":2,"messages":[{"role":"user","content":"Hi"}]}"#
            let body = try await post(.openAIChat, ask, to: simulator).json()
            let content = try #require(body["choices"][0]["logprobs"]["content"].array)
            #expect(content.compactMap { $0["token"].string } == ["Simulated ", "reply ", "from ", "gpt-4.1: ", "Hi"])
            #expect(content.allSatisfy { ($0["logprob"].double ?? 1) <= 0 && $0["top_logprobs"].array?.count == 2 })
            #expect(content[0]["top_logprobs"][0]["token"].string == "Simulated ")
            #expect(content[0]["bytes"].array?.count == "Simulated ".utf8.count)
            #expect(body["choices"][0]["logprobs"]["refusal"].isNull)
            let again = try await post(.openAIChat, ask, to: simulator).json()
            #expect(again["choices"][0]["logprobs"]["content"][3]["logprob"].double == content[3]["logprob"].double)

            let streamed = try payloads(await post(.openAIChat, ask.replacingOccurrences(of: #""messages""#, with: #""stream":true,"messages""#), to: simulator))
            let entries = streamed.compactMap { $0["choices"][0]["logprobs"]["content"][0]["token"].string }
            #expect(entries == ["Simulated ", "reply ", "from ", "gpt-4.1: ", "Hi"])
        }
    }

    @Test func withoutLogprobsChoicesSayNull() async throws {
        try await withSimulator { simulator in
            let body = try await send(ChatCall(.openAI), to: simulator).json()
            #expect(body["choices"][0]["logprobs"].isNull)
            let refused = try await post(.openAIChat, #"{"model":"gpt-4.1","top_logprobs":2,"messages":[]}"#, to: simulator)
            #expect(refused.status == 400)
            #expect(try refused.json()["error"]["param"].string == "top_logprobs")
        }
    }
}
