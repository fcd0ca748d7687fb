import ChimeraSimulator
import ChimeraTestSupport
import Testing

@testable import ChimeraSimulator

@Suite("Cached-token usage")
struct PromptCacheTests {
    /// A text of `count` words.
    static func words(_ count: Int, _ word: String = "lorem") -> String {
        Array(repeating: word, count: count).joined(separator: " ")
    }

    private func anthropic(system: String, stream: Bool = false, toolMarker: Bool = false) -> String {
        let tools = toolMarker ? #","tools":[{"name":"lookup","description":"\#(Self.words(20, "tool"))","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}],"tool_choice":{"type":"none"}"# : ""
        return #"{"model":"claude-sonnet-4-5","max_tokens":100,"stream":\#(stream),"system":[{"type":"text","text":"\#(system)","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"Hi"}]\#(tools)}"#
    }

    @Test func anthropicWritesTheMarkedPrefixOnceThenReadsIt() async throws {
        try await withSimulator { simulator in
            let first = try await post(.anthropicMessages, anthropic(system: Self.words(50)), to: simulator).json()["usage"]
            #expect(first["cache_creation_input_tokens"].int == 50)
            #expect(first["cache_read_input_tokens"].int == 0)
            #expect(first["input_tokens"].int == 1)
            let second = try await post(.anthropicMessages, anthropic(system: Self.words(50)), to: simulator).json()["usage"]
            #expect(second["cache_creation_input_tokens"].int == 0)
            #expect(second["cache_read_input_tokens"].int == 50)
            #expect(second["input_tokens"].int == 1)
            let streamed = try payloads(await post(.anthropicMessages, anthropic(system: Self.words(50), stream: true), to: simulator))
            #expect(streamed.first?["message"]["usage"]["cache_read_input_tokens"].int == 50)
            #expect(streamed.first?["message"]["usage"]["input_tokens"].int == 1)
            let delta = streamed.first { $0["type"].string == "message_delta" }
            #expect(delta?["usage"]["cache_read_input_tokens"].int == 50)
            #expect(delta?["usage"]["cache_creation_input_tokens"].int == 0)
            #expect(delta?["usage"]["output_tokens"].int == 5)
        }
    }

    @Test func anthropicReadsTheLongestMarkedPrefixItHasSeenAndWritesTheRest() async throws {
        try await withSimulator { simulator in
            _ = try await post(.anthropicMessages, anthropic(system: Self.words(30), toolMarker: true), to: simulator)
            let changedSystem = try await post(.anthropicMessages, anthropic(system: Self.words(40, "ipsum"), toolMarker: true), to: simulator).json()["usage"]
            // The tool (its name and 20 words of description) is still cached; the new system prompt is written.
            #expect(changedSystem["cache_read_input_tokens"].int == 21)
            #expect(changedSystem["cache_creation_input_tokens"].int == 40)
            #expect(changedSystem["input_tokens"].int == 1)
        }
    }

    @Test func anthropicWithoutMarkersNeverCaches() async throws {
        try await withSimulator { simulator in
            for _ in 0..<2 {
                let body = try await send(ChatCall(.anthropic), to: simulator).json()
                #expect(body["usage"]["cache_read_input_tokens"].int == 0)
                #expect(body["usage"]["cache_creation_input_tokens"].int == 0)
                #expect(body["usage"]["input_tokens"].int == 7)
            }
        }
    }

    @Test(arguments: ["gpt-4.1", "deepseek-chat"])
    func openAIFamilyReportsALongPrefixSeenBeforeAsCached(model: String) async throws {
        try await withSimulator { simulator in
            let request = #"{"model":"\#(model)","messages":[{"role":"system","content":"\#(Self.words(1100))"},{"role":"user","content":"Hi"}]}"#
            let first = try await post(.openAIChat, request, to: simulator).json()["usage"]
            #expect(first["prompt_tokens_details"]["cached_tokens"].int == 0)
            let second = try await post(.openAIChat, request.replacingOccurrences(of: #""Hi""#, with: #""Hello there""#), to: simulator).json()["usage"]
            #expect(second["prompt_tokens"].int == 1102)
            #expect(second["prompt_tokens_details"]["cached_tokens"].int == 1100)
            if model.hasPrefix("deepseek") {
                #expect(second["prompt_cache_hit_tokens"].int == 1100)
                #expect(second["prompt_cache_miss_tokens"].int == 2)
            }
            let streamed = try payloads(
                await post(.openAIChat, request.replacingOccurrences(of: #""messages""#, with: #""stream":true,"stream_options":{"include_usage":true},"messages""#), to: simulator)
            )
            #expect(streamed.last?["usage"]["prompt_tokens_details"]["cached_tokens"].int == 1100)
        }
    }

    @Test func shortPromptsAreNeverCachedImplicitly() async throws {
        try await withSimulator { simulator in
            for wire in [Wire.openAI, .gemini] {
                let first = try await send(ChatCall(wire), to: simulator).json()
                let second = try await send(ChatCall(wire), to: simulator).json()
                #expect(wire == .openAI ? second["usage"]["prompt_tokens_details"]["cached_tokens"].int == 0 : !second["usageMetadata"]["cachedContentTokenCount"].exists)
                #expect(first["usage"].keys == second["usage"].keys)
            }
        }
    }

    @Test func geminiReportsCachedContentTokensOnTheLastChunk() async throws {
        try await withSimulator { simulator in
            let request = #"{"systemInstruction":{"parts":[{"text":"\#(Self.words(1200))"}]},"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"#
            let first = try await post(.gemini(model: "gemini-2.5-flash", method: "generateContent"), request, to: simulator).json()
            #expect(!first["usageMetadata"]["cachedContentTokenCount"].exists)
            let streamed = try payloads(await post(.gemini(model: "gemini-2.5-flash", method: "streamGenerateContent?alt=sse"), request, to: simulator))
            #expect(streamed.last?["usageMetadata"]["cachedContentTokenCount"].int == 1200)
            #expect(streamed.last?["usageMetadata"]["promptTokenCount"].int == 1201)
        }
    }

    @Test func cacheForgetsTheLeastRecentlyUsedPrefixBeyondItsCapacity() {
        let cache = PromptCache()
        let checkpoint = { (index: Int) in CacheCheckpoint(hash: UInt64(index), words: index + 1) }
        for index in 0...PromptCache.capacity {
            #expect(cache.use([checkpoint(index)], implicit: false).created == index + 1)
        }
        #expect(cache.use([checkpoint(PromptCache.capacity)], implicit: false).read == PromptCache.capacity + 1)
        #expect(cache.use([checkpoint(0)], implicit: false) == PromptCache.Outcome(read: 0, created: 1))
    }
}
