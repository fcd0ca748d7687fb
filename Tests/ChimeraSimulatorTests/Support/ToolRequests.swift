import ChimeraCore
import Foundation

/// Requests that offer tools, in each protocol's shape, and the calls read back from answers.
enum ToolRequests {
    static let weatherSchema = #"{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location","unit"]}"#
    static let timeSchema = #"{"type":"object","properties":{"zone":{"type":"string"}}}"#
    /// What the simulator calls `get_weather` with.
    static let weatherArguments = #"{"location":"sample-location","unit":"celsius"}"#
    /// What the simulator calls `get_time` with.
    static let timeArguments = #"{"zone":"sample-zone"}"#

    /// The route of a chat request in `wire`.
    static func endpoint(_ wire: Wire, model: String, stream: Bool) -> Endpoint {
        switch wire {
        case .openAI: .openAIChat
        case .anthropic: .anthropicMessages
        case .gemini: .gemini(model: model, method: stream ? "streamGenerateContent?alt=sse" : "generateContent")
        }
    }

    /// A request asking about the weather with the two tools.
    ///
    /// - Parameter extra: More top-level members, as JSON text without braces (`"tool_choice":"none"`).
    static func body(_ wire: Wire, model: String, stream: Bool = false, extra: String = "") -> String {
        let more = extra.isEmpty ? "" : "," + extra
        switch wire {
        case .openAI:
            return #"{"model":"\#(model)","stream":\#(stream),"messages":[{"role":"user","content":"Weather in Paris?"}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather","parameters":\#(weatherSchema)}},{"type":"function","function":{"name":"get_time","parameters":\#(timeSchema)}}]\#(more)}"#
        case .anthropic:
            return #"{"model":"\#(model)","max_tokens":200,"stream":\#(stream),"messages":[{"role":"user","content":"Weather in Paris?"}],"tools":[{"name":"get_weather","description":"Current weather","input_schema":\#(weatherSchema)},{"name":"get_time","input_schema":\#(timeSchema)}]\#(more)}"#
        case .gemini:
            return #"{"contents":[{"role":"user","parts":[{"text":"Weather in Paris?"}]}],"tools":[{"functionDeclarations":[{"name":"get_weather","description":"Current weather","parameters":\#(weatherSchema)},{"name":"get_time","parametersJsonSchema":\#(timeSchema)}]}]\#(more)}"#
        }
    }

    /// A tool call read from an answer: id (none for Gemini), name, arguments with sorted keys.
    struct Call: Equatable, CustomStringConvertible {
        var id: String?
        var name: String
        var arguments: String

        var description: String { "\(id ?? "-") \(name)(\(arguments))" }
    }

    /// JSON text with its keys sorted, to compare arguments however they were written.
    static func normalized(_ json: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
    }

    private static func normalized(_ value: Any?) throws -> String {
        guard let value else { return "" }
        return String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
    }

    /// The calls of a unary answer.
    static func calls(_ wire: Wire, _ body: JSONTree) throws -> [Call] {
        switch wire {
        case .openAI:
            return try (body["choices"][0]["message"]["tool_calls"].array ?? []).map {
                Call(id: $0["id"].string, name: $0["function"]["name"].string ?? "", arguments: try normalized($0["function"]["arguments"].string ?? ""))
            }
        case .anthropic:
            return try (body["content"].array ?? []).filter { $0["type"].string == "tool_use" }.map {
                Call(id: $0["id"].string, name: $0["name"].string ?? "", arguments: try normalized($0["input"].value))
            }
        case .gemini:
            return try (body["candidates"][0]["content"]["parts"].array ?? []).filter { $0["functionCall"].exists }.map {
                Call(id: $0["functionCall"]["id"].string, name: $0["functionCall"]["name"].string ?? "", arguments: try normalized($0["functionCall"]["args"].value))
            }
        }
    }

    /// The calls of a stream, put together from its chunks, and how many chunks carried arguments.
    ///
    /// - Parameter normalize: Whether to sort the arguments' keys; a cut stream's arguments are not JSON.
    static func streamedCalls(_ wire: Wire, _ events: [SSEEvent], normalize: Bool = true) throws -> (calls: [Call], argumentChunks: Int) {
        var calls: [Call] = []
        var chunks = 0
        for event in events where event.data != "[DONE]" {
            let json = try JSONTree(parsing: event.data)
            switch wire {
            case .openAI:
                for delta in json["choices"][0]["delta"]["tool_calls"].array ?? [] {
                    let index = delta["index"].int ?? 0
                    if let name = delta["function"]["name"].string {
                        calls.append(Call(id: delta["id"].string, name: name, arguments: ""))
                    }
                    if let fragment = delta["function"]["arguments"].string, !fragment.isEmpty {
                        calls[index].arguments += fragment
                        chunks += 1
                    }
                }
            case .anthropic:
                if json["type"].string == "content_block_start", json["content_block"]["type"].string == "tool_use" {
                    calls.append(Call(id: json["content_block"]["id"].string, name: json["content_block"]["name"].string ?? "", arguments: ""))
                }
                if json["delta"]["type"].string == "input_json_delta" {
                    calls[calls.count - 1].arguments += json["delta"]["partial_json"].string ?? ""
                    chunks += 1
                }
            case .gemini:
                let parts = json["candidates"][0]["content"]["parts"].array ?? []
                for part in parts where part["functionCall"].exists {
                    calls.append(Call(id: nil, name: part["functionCall"]["name"].string ?? "", arguments: try normalized(part["functionCall"]["args"].value)))
                }
                if parts.contains(where: { $0["functionCall"].exists }) { chunks += 1 }
            }
        }
        if wire != .gemini, normalize {
            calls = try calls.map { Call(id: $0.id, name: $0.name, arguments: try normalized($0.arguments)) }
        }
        return (calls, chunks)
    }
}
