import ChimeraCore
import Foundation

/// Pieces the Gemini codecs share: member names, the extension merge, tool-call ids and numbers.
enum GeminiWire {
    /// The family whose extensions the Gemini codecs read and write.
    static let family = ProtocolFamily.geminiGenerateContent

    /// A member name in lowerCamelCase: Google's servers also accept the protobuf field names
    /// (`system_instruction`, `max_output_tokens`), which Google's own REST examples use, so the
    /// readers accept both and the writers write lowerCamelCase.
    static func camelCase(_ key: String) -> String {
        guard key.contains("_"), !key.hasPrefix("_") else { return key }
        var result = ""
        var upperNext = false
        for character in key {
            if character == "_" {
                upperNext = true
            } else if upperNext {
                result += character.uppercased()
                upperNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// Adds the members of `extra` that `object` lacks, merging nested objects the same way:
    /// what a codec wrote always wins over an extension.
    static func merge(_ extra: JSONObject, into object: inout JSONObject) {
        for member in extra {
            guard let existing = object[member.key] else {
                object[member.key] = member.value
                continue
            }
            if case .object(var inner) = existing, case .object(let extraInner) = member.value {
                merge(extraInner, into: &inner)
                object[member.key] = .object(inner)
            }
        }
    }

    /// A body or event from upstream, parsed, after throwing the error it carries instead of an
    /// answer (AIClient-2-API reports upstream failures with HTTP 200).
    ///
    /// - Parameters:
    ///   - what: What is read, for messages: `response`, `stream event`.
    ///   - location: Where an error arrived: `in a 200 response`, `in the stream`.
    /// - Throws: ``ChimeraError`` of kind `decoding` for bytes that are not JSON, or the carried error.
    static func payload(_ bytes: [UInt8], what: String, location: String, provider: ProviderID) throws(ChimeraError) -> JSONField {
        let root: JSONField
        do {
            root = try JSONField.parse(bytes)
        } catch {
            throw error.malformed(what, provider: provider, body: bytes)
        }
        if let error = root.value?["error"],
           let failure = UpstreamErrorReader.inBandError(error, raw: bytes, provider: provider, location: location) {
            throw failure
        }
        return root
    }

    /// A model id without Google's `models/` prefix.
    static func modelID(_ name: String) -> String {
        name.hasPrefix("models/") ? String(name.dropFirst("models/".count)) : name
    }

    /// A domain number as JSON.
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming `field` for NaN and infinities.
    static func number(_ value: Double, field: String, provider: ProviderID) throws(ChimeraError) -> JSONValue {
        guard let number = JSONValue.double(value) else {
            throw ChimeraError.invalidRequest("\(field): \(value) cannot be written as JSON", provider: provider)
        }
        return number
    }

    /// The arguments of a tool call as the JSON object Gemini's `functionCall.args` is; an empty
    /// text (OpenAI-compatible servers send one for calls without parameters) is `{}`.
    ///
    /// - Returns: `nil` when the text is not a JSON object.
    static func argumentsObject(_ text: String) -> JSONValue? {
        if text.allSatisfy(\.isWhitespace) { return .object(JSONObject()) }
        do {
            let value = try JSONValue(parsing: text)
            return value.object == nil ? nil : value
        } catch {
            return nil
        }
    }
}

/// The ids Chimera gives Gemini's function calls, which mostly come without one.
///
/// Request ids are derived from the position of the call (turn and index within the turn), so
/// the same conversation read twice gives the same ids and a `functionResponse` in the next turn
/// maps to its call; answer ids are `call_<index>_<hash>` (a hash of the name and the
/// arguments), unique within an answer and the same for the same call whether it was streamed or
/// not. Ids of either shape are never written back to Gemini: only ids Gemini (or another
/// family's caller) gave travel as `functionCall.id` / `functionResponse.id`.
enum GeminiToolCallID {
    /// The id of the `index`th call in turn `turn` of a request.
    static func request(turn: Int, index: Int) -> String { "call_\(turn)_\(index)" }

    /// The id of the `index`th call of an answer.
    static func answer(index: Int, name: String, arguments: String) -> String {
        // FNV-1a: stable across processes, unlike Hasher.
        var hash: UInt32 = 0x811C_9DC5
        for byte in name.utf8 + [0] + arguments.utf8 {
            hash = (hash ^ UInt32(byte)) &* 0x0100_0193
        }
        let hex = String(hash, radix: 16)
        return "call_\(index)_" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Whether `id` has one of the shapes above.
    static func isSynthesized(_ id: String) -> Bool {
        let pieces = id.split(separator: "_", omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces[0] == "call", !pieces[1].isEmpty, pieces[1].allSatisfy(\.isASCIIDigit) else { return false }
        let last = pieces[2]
        return !last.isEmpty && (last.allSatisfy(\.isASCIIDigit) || (last.count == 8 && last.allSatisfy(\.isHexDigitLowercase)))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    fileprivate var isHexDigitLowercase: Bool { isASCIIDigit || ("a"..."f").contains(self) }
}

/// The members of a Gemini object by lowerCamelCase name (see ``GeminiWire/camelCase(_:)``), for
/// reading the known ones and keeping the rest in order, under the names they were sent with.
struct GeminiMembers {
    /// One member: its lowerCamelCase name, its name as sent, and its value with its path.
    struct Member {
        var key: String
        var original: String
        var field: JSONField
    }

    /// The object itself.
    let parent: JSONField
    /// The members in order.
    let ordered: [Member]
    private let byKey: [String: JSONField]

    init(_ field: JSONField) throws(FieldError) {
        parent = field
        ordered = try field.members().map { Member(key: GeminiWire.camelCase($0.key), original: $0.key, field: $0.field) }
        var byKey: [String: JSONField] = [:]
        for member in ordered where byKey[member.key] == nil { byKey[member.key] = member.field }
        self.byKey = byKey
    }

    /// The member `key`, absent (with its path, for "required" messages) when not sent.
    subscript(key: String) -> JSONField { byKey[key] ?? parent[key] }

    /// The keys that are not among `known`, in order.
    func keys(notIn known: Set<String>) -> [String] {
        ordered.map(\.key).filter { !known.contains($0) }
    }
}
