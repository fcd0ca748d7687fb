import ChimeraSimulator
import ChimeraTestSupport
import Testing

@Suite("Structured output")
struct StructuredOutputTests {
    static let schema = #"{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}}},"required":["city","days","tags"],"additionalProperties":false}"#
    /// The instance of ``schema``, spaced so that it has several words.
    static let instance = #"{"city": "sample-city", "days": 1, "tags": ["sample-tags"]}"#

    @Test func openAIJSONSchemaAnswersAnInstanceOfTheSchemaUnaryAndStreamed() async throws {
        try await withSimulator { simulator in
            let request = #"{"model":"gpt-4.1","messages":[{"role":"user","content":"Plan a trip"}],"response_format":{"type":"json_schema","json_schema":{"name":"trip","strict":true,"schema":\#(Self.schema)}}}"#
            let body = try await post(.openAIChat, request, to: simulator).json()
            #expect(unaryText(.openAI, body) == Self.instance)
            #expect(body["usage"]["completion_tokens"].int == 6)
            let streamed = try await post(.openAIChat, request.replacingOccurrences(of: #""messages""#, with: #""stream":true,"messages""#), to: simulator)
            #expect(try streamedText(.openAI, streamed.events()) == Self.instance)
        }
    }

    @Test func openAIJSONObjectWrapsTheReplyAndNeedsTheWordJSON() async throws {
        try await withSimulator { simulator in
            let request = #"{"model":"gpt-4.1","messages":[{"role":"system","content":"Answer in JSON."},{"role":"user","content":"Hi"}],"response_format":{"type":"json_object"}}"#
            let body = try await post(.openAIChat, request, to: simulator).json()
            #expect(unaryText(.openAI, body) == #"{"answer": "Simulated reply from gpt-4.1: Hi"}"#)
            let without = try await post(.openAIChat, #"{"model":"gpt-4.1","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_object"}}"#, to: simulator)
            #expect(without.status == 400)
            #expect(try without.json()["error"]["param"].string == "messages")
        }
    }

    @Test func geminiResponseSchemaInOpenAPIFormFollowsPropertyOrdering() async throws {
        try await withSimulator { simulator in
            let request = #"""
                {"contents":[{"parts":[{"text":"Plan"}]}],"generationConfig":{"responseMimeType":"application/json",
                 "responseSchema":{"type":"OBJECT","properties":{"days":{"type":"INTEGER"},"city":{"type":"STRING"}},"propertyOrdering":["city","days"]}}}
                """#
            let body = try await post(.gemini(model: "gemini-2.5-flash", method: "generateContent"), request, to: simulator).json()
            #expect(unaryText(.gemini, body) == #"{"city": "sample-city", "days": 1}"#)
        }
    }

    @Test func geminiResponseJSONSchemaAndPlainJSONMode() async throws {
        try await withSimulator { simulator in
            let route = Endpoint.gemini(model: "gemini-2.5-flash", method: "generateContent")
            let schema = #"{"contents":[{"parts":[{"text":"Plan"}]}],"generationConfig":{"responseMimeType":"application/json","responseJsonSchema":\#(Self.schema)}}"#
            let fromSchema = try await post(route, schema, to: simulator).json()
            #expect(unaryText(.gemini, fromSchema) == Self.instance)
            let plain = #"{"contents":[{"parts":[{"text":"Plan"}]}],"generationConfig":{"responseMimeType":"application/json"}}"#
            let fromPlain = try await post(route, plain, to: simulator).json()
            #expect(unaryText(.gemini, fromPlain) == #"{"answer": "Simulated reply from gemini-2.5-flash: Plan"}"#)
            let enumeration = #"{"contents":[{"parts":[{"text":"Pick"}]}],"generationConfig":{"responseMimeType":"text/x.enum","responseSchema":{"type":"STRING","enum":["red","blue"]}}}"#
            let fromEnumeration = try await post(route, enumeration, to: simulator).json()
            #expect(unaryText(.gemini, fromEnumeration) == "red")
        }
    }

    @Test(arguments: ["output_config", "output_format"])
    func anthropicOutputFormatAnswersAnInstanceOfTheSchema(field: String) async throws {
        try await withSimulator { simulator in
            let format = #"{"type":"json_schema","schema":\#(Self.schema)}"#
            let value = field == "output_config" ? #"{"format":\#(format)}"# : format
            let request = #"{"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":"Plan"}],"\#(field)":\#(value)}"#
            let body = try await post(.anthropicMessages, request, to: simulator).json()
            #expect(unaryText(.anthropic, body) == Self.instance)
        }
    }

    @Test func outputLimitCutsAStructuredAnswerLikeAnyText() async throws {
        try await withSimulator { simulator in
            let request = #"{"model":"gpt-4.1","max_completion_tokens":2,"messages":[{"role":"user","content":"Plan"}],"response_format":{"type":"json_schema","json_schema":{"name":"trip","schema":\#(Self.schema)}}}"#
            let body = try await post(.openAIChat, request, to: simulator).json()
            #expect(unaryText(.openAI, body) == #"{"city": "sample-city","#)
            #expect(body["choices"][0]["finish_reason"].string == "length")
        }
    }
}
