import ChimeraCore

/// Where an OpenAI Chat value without a domain counterpart sat in its message, so that it goes
/// back to the same place: as an ``OpaquePart`` of family ``ProtocolFamily/openAIChat`` at its
/// position among the message's parts.
///
/// The part's ``OpaquePart/type`` names the slot, and is what other families' refusals quote:
/// - a content part (`input_audio`, an assistant `refusal` part, a part of a type Chimera does
///   not know, or a known part with members it does not know): its own `type`, the part as sent;
/// - a tool call that is not a function call (`custom`): `tool_call.<type>`, the call as sent;
/// - a message member the domain has no field for (`refusal`, `audio`, `annotations`, the
///   deprecated `function_call`, a legacy `function` message's `content`):
///   `message.<key>`, the JSON `{"<key>": value}`.
enum OpenAIChatOpaque {
    case contentPart(JSONObject)
    case toolCall(JSONObject)
    case messageMember(key: String, value: JSONValue)

    private static let toolCallPrefix = "tool_call."
    private static let memberPrefix = "message."

    /// Reads an OpenAI Chat opaque part; `nil` for other families' parts.
    init?(_ part: OpaquePart) {
        guard part.family == .openAIChat, let object = part.json.object else { return nil }
        if part.type.hasPrefix(Self.memberPrefix) {
            let key = String(part.type.dropFirst(Self.memberPrefix.count))
            guard let value = object[key] else { return nil }
            self = .messageMember(key: key, value: value)
        } else if part.type.hasPrefix(Self.toolCallPrefix) {
            self = .toolCall(object)
        } else {
            self = .contentPart(object)
        }
    }

    /// The domain part.
    var part: ContentPart {
        switch self {
        case .contentPart(let object):
            .opaque(OpaquePart(family: .openAIChat, type: object["type"]?.string ?? "unknown", json: .object(object)))
        case .toolCall(let object):
            .opaque(OpaquePart(family: .openAIChat, type: Self.toolCallPrefix + (object["type"]?.string ?? "unknown"), json: .object(object)))
        case .messageMember(let key, let value):
            .opaque(OpaquePart(family: .openAIChat, type: Self.memberPrefix + key, json: .object([key: value])))
        }
    }
}
