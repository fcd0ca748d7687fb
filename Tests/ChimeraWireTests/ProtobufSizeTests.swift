import ChimeraCore
import ChimeraWire
import Foundation
import Testing

/// Bytes on the wire of full-fidelity exchanges in each family's JSON and in protobuf, as
/// `ProtocolSizeBenchmark` measures plain text (docs/binary-protocol.md, "How much smaller").
///
/// The JSON side is written here by hand, compact, in the shape each family's API documents,
/// because the JSON bindings that will write tools are being rebuilt beside this change; the
/// bodies carry the same content as the domain values, and no field those APIs would add on
/// top (`system_fingerprint`, `service_tier`, …), so the saving printed is a lower bound.
/// Run `swift test --filter ProtobufSizeTests` to print the table.
@Suite("Protobuf: size against JSON for tools, schemas and streamed tool calls")
struct ProtobufSizeTests {
    static let system = "You are a weather assistant. Call tools for live data; answer in the requested JSON shape."
    static let question = "What is the weather in Paris and in Tokyo right now?"

    static let weatherTool = Tool(
        name: "get_weather", description: "Current weather at a place, from the national weather service.",
        parameters: [
            "type": "object",
            "properties": [
                "city": ["type": "string", "description": "City name, e.g. Paris"],
                "unit": ["type": "string", "enum": ["celsius", "fahrenheit"], "description": "Temperature unit"],
            ],
            "required": ["city", "unit"],
            "additionalProperties": false,
        ],
        strict: true
    )

    static let forecastTool = Tool(
        name: "get_forecast", description: "Forecast for the next days at a place.",
        parameters: [
            "type": "object",
            "properties": ["city": ["type": "string"], "days": ["type": "integer", "minimum": 1, "maximum": 7]],
            "required": ["city", "days"],
            "additionalProperties": false,
        ],
        strict: true
    )

    static let reportSchema: JSONValue = [
        "type": "object",
        "properties": [
            "reports": [
                "type": "array",
                "items": [
                    "type": "object",
                    "properties": ["city": ["type": "string"], "temperature": ["type": "number"], "summary": ["type": "string"]],
                    "required": ["city", "temperature", "summary"],
                    "additionalProperties": false,
                ],
            ],
        ],
        "required": ["reports"],
        "additionalProperties": false,
    ]

    static let request = ChatRequest(
        provider: .openai, model: "gpt-4.1", messages: [.system(system), .user(question)],
        temperature: 0.2, maxTokens: 512, tools: [weatherTool, forecastTool], toolChoice: .auto, parallelToolCalls: true,
        responseFormat: .jsonSchema(JSONSchemaFormat(name: "weather_report", description: "Weather per city", schema: reportSchema, strict: true))
    )

    static func json(_ tool: Tool) -> JSONValue { tool.parameters ?? .null }

    /// An object whose members keep the order given (a dictionary literal of `JSONValue` does
    /// too, but tuples let each member's type be inferred on its own).
    static func object(_ members: [(String, JSONValue)]) -> JSONValue { .object(JSONObject(members)) }

    /// The request in each family's JSON.
    static var jsonRequests: [(String, JSONValue)] {
        let tools = [weatherTool, forecastTool]
        let openAI = object([
            ("model", "gpt-4.1"),
            ("messages", [["role": "system", "content": .string(system)], ["role": "user", "content": .string(question)]]),
            ("temperature", 0.2), ("max_completion_tokens", 512),
            ("tools", .array(tools.map { tool in
                ["type": "function", "function": ["name": .string(tool.name), "description": .nullable(tool.description), "parameters": json(tool), "strict": true]]
            })),
            ("tool_choice", "auto"), ("parallel_tool_calls", true),
            ("response_format", ["type": "json_schema", "json_schema": ["name": "weather_report", "description": "Weather per city", "schema": reportSchema, "strict": true]]),
        ])
        let anthropic = object([
            ("model", "claude-sonnet-4-5"), ("max_tokens", 512), ("system", .string(system)),
            ("messages", [["role": "user", "content": .string(question)]]),
            ("temperature", 0.2),
            ("tools", .array(tools.map { tool in
                ["name": .string(tool.name), "description": .nullable(tool.description), "input_schema": json(tool), "strict": true]
            })),
            ("tool_choice", ["type": "auto"]),
            ("output_format", ["type": "json_schema", "schema": reportSchema]),
        ])
        let gemini = object([
            ("systemInstruction", ["parts": [["text": .string(system)]]]),
            ("contents", [["role": "user", "parts": [["text": .string(question)]]]]),
            ("tools", [["functionDeclarations": .array(tools.map { tool in
                ["name": .string(tool.name), "description": .nullable(tool.description), "parametersJsonSchema": json(tool)]
            })]]),
            ("toolConfig", ["functionCallingConfig": ["mode": "AUTO"]]),
            ("generationConfig", ["temperature": 0.2, "maxOutputTokens": 512, "responseMimeType": "application/json", "responseJsonSchema": reportSchema]),
        ])
        return [("openai", openAI), ("anthropic", anthropic), ("gemini", gemini)]
    }

    /// Two parallel tool calls, their arguments in the pieces OpenAI and Anthropic stream them in.
    static let calls: [(id: String, name: String, fragments: [String])] = [
        ("call_Qx7bM2kLr9TnA4vW1sEy", "get_weather", [#"{""#, #"city"#, #"":""#, #"Paris"#, #"",""#, #"unit"#, #"":""#, #"c"#, #"elsius"#, #""}"#]),
        ("call_Vd3pH8cJw5ZmK0qR6tUb", "get_weather", [#"{""#, #"city"#, #"":""#, #"Tokyo"#, #"",""#, #"unit"#, #"":""#, #"c"#, #"elsius"#, #""}"#]),
    ]

    static let streamUsage = Usage(inputTokens: 231, outputTokens: 48, cachedInputTokens: 128)

    /// The domain events of the streamed answer; Gemini sends each call's arguments whole.
    static func events(wholeArguments: Bool) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = [.start(id: "chatcmpl-9sX2b7QeLr0aT4kPzV1mN8yH", model: "gpt-4.1-2025-04-14")]
        for (index, call) in calls.enumerated() {
            events.append(.toolCallStart(ToolCallStart(index: index, id: call.id, name: call.name)))
            let pieces = wholeArguments ? [call.fragments.joined()] : call.fragments
            events += pieces.map { .toolCallArguments(index: index, fragment: $0) }
            events.append(.toolCallEnd(index: index))
        }
        return events + [.finish(.toolCalls), .usage(streamUsage)]
    }

    static func sse(_ data: JSONValue, event: String? = nil) -> String {
        (event.map { "event: \($0)\n" } ?? "") + "data: \(data.serialized())\n\n"
    }

    /// The streamed answer in each family's Server-Sent Events.
    static var jsonStreams: [(String, String)] {
        let head: [(String, JSONValue)] = [
            ("id", "chatcmpl-9sX2b7QeLr0aT4kPzV1mN8yH"), ("object", "chat.completion.chunk"), ("created", 1_764_000_000),
            ("model", "gpt-4.1-2025-04-14"),
        ]
        func chunk(_ delta: JSONValue, finish: JSONValue = .null) -> String {
            sse(.object(JSONObject(head + [("choices", [["index": 0, "delta": delta, "finish_reason": finish]])])))
        }
        var openAI = ""
        for (index, call) in calls.enumerated() {
            let first: JSONValue = ["index": .int(index), "id": .string(call.id), "type": "function", "function": ["name": .string(call.name), "arguments": ""]]
            openAI += chunk(index == 0 ? ["role": "assistant", "content": nil, "tool_calls": [first]] : ["tool_calls": [first]])
            for fragment in call.fragments {
                openAI += chunk(["tool_calls": [["index": .int(index), "function": ["arguments": .string(fragment)]]]])
            }
        }
        openAI += chunk([:], finish: "tool_calls")
        openAI += sse(.object(JSONObject(head + [
            ("choices", []),
            ("usage", ["prompt_tokens": 231, "completion_tokens": 48, "total_tokens": 279, "prompt_tokens_details": ["cached_tokens": 128]]),
        ])))
        openAI += "data: [DONE]\n\n"

        var anthropic = sse([
            "type": "message_start",
            "message": [
                "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
                "content": [], "stop_reason": nil, "stop_sequence": nil,
                "usage": ["input_tokens": 103, "cache_read_input_tokens": 128, "cache_creation_input_tokens": 0, "output_tokens": 1],
            ],
        ], event: "message_start")
        for (index, call) in calls.enumerated() {
            anthropic += sse(["type": "content_block_start", "index": .int(index), "content_block": ["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": [:]]], event: "content_block_start")
            for fragment in call.fragments {
                anthropic += sse(["type": "content_block_delta", "index": .int(index), "delta": ["type": "input_json_delta", "partial_json": .string(fragment)]], event: "content_block_delta")
            }
            anthropic += sse(["type": "content_block_stop", "index": .int(index)], event: "content_block_stop")
        }
        anthropic += sse(["type": "message_delta", "delta": ["stop_reason": "tool_use", "stop_sequence": nil], "usage": ["output_tokens": 48]], event: "message_delta")
        anthropic += sse(["type": "message_stop"], event: "message_stop")

        let gemini = sse([
            "candidates": [[
                "content": ["role": "model", "parts": .array(calls.map { call in
                    ["functionCall": ["name": .string(call.name), "args": ["city": .string(call.fragments[3]), "unit": "celsius"]]]
                })],
                "finishReason": "STOP", "index": 0,
            ]],
            "usageMetadata": ["promptTokenCount": 231, "candidatesTokenCount": 48, "totalTokenCount": 279, "cachedContentTokenCount": 128],
            "modelVersion": "gemini-2.5-pro", "responseId": "9sX2b7QeLr0aT4kPzV1mN8yH",
        ])
        return [("openai", openAI), ("anthropic", anthropic), ("gemini", gemini)]
    }

    static func streamBytes(_ events: [ChatStreamEvent]) throws -> Int {
        try ProtobufSamples.streamBody(events).count
    }

    static func saving(_ json: Int, _ protobuf: Int) -> String {
        String(format: "%.1f%%", Double(json - protobuf) / Double(json) * 100)
    }

    @Test func protobufIsSmallerForToolsSchemasAndStreamedToolCalls() throws {
        let requestBytes = try Self.request.protobufData().count
        var table = "exchange                            JSON protocol  JSON bytes  protobuf bytes  saved\n"
        func row(_ exchange: String, _ family: String, _ json: Int, _ protobuf: Int) {
            table += exchange.padding(toLength: 36, withPad: " ", startingAt: 0) + family.padding(toLength: 13, withPad: " ", startingAt: 0)
                + String(format: "%11d %15d  ", json, protobuf) + Self.saving(json, protobuf) + "\n"
            #expect(protobuf < json, "\(exchange), \(family)")
        }
        for (family, body) in Self.jsonRequests {
            row("request: 2 tools + JSON Schema", family, body.serializedBytes().count, requestBytes)
        }
        for (family, sse) in Self.jsonStreams {
            let protobuf = try Self.streamBytes(Self.events(wholeArguments: family == "gemini"))
            row("stream: 2 parallel tool calls", family, sse.utf8.count, protobuf)
        }
        print(table)
        // The schema dominates the request; protobuf saves only the JSON structure around it.
        #expect(requestBytes > 1_000)
    }

    @Test func theMeasuredValuesRoundTrip() throws {
        #expect(try ChatRequest(protobuf: try Self.request.protobufData()) == Self.request)
        for whole in [false, true] {
            let events = Self.events(wholeArguments: whole)
            #expect(ProtobufSamples.decodeStream([try ProtobufSamples.streamBody(events)]).events == events)
        }
    }
}
