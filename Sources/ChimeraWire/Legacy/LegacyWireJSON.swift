import ChimeraCore
import Foundation

/// JSON encoding and decoding shared by the three codecs, and the one place that turns Foundation's
/// coding errors into messages that name the field and what it accepts.
enum LegacyWireJSON {
    /// Decodes `type` from `data`.
    ///
    /// - Throws: The message of the failure, e.g. `messages[2].role: expected a string`.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(FieldError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw FieldError(message: describe(error))
        } catch {
            throw FieldError(message: "body: \(error)")
        }
    }

    /// Encodes a request body, which may hold numbers JSON cannot express (NaN, infinity).
    ///
    /// - Throws: ``ChimeraError`` of kind `invalidRequest` naming the field.
    static func encodeRequest<T: Encodable>(_ value: T, provider: ProviderID) throws(ChimeraError) -> Data {
        do {
            return try makeEncoder().encode(value)
        } catch let error as EncodingError {
            guard case .invalidValue(let value, let context) = error else {
                throw ChimeraError.invalidRequest("request: cannot be written as JSON", provider: provider)
            }
            throw ChimeraError.invalidRequest("\(path(context.codingPath)): \(value) cannot be written as JSON", provider: provider)
        } catch {
            throw ChimeraError.invalidRequest("request: cannot be written as JSON (\(error))", provider: provider)
        }
    }

    /// Encodes a value built only of strings, integers, booleans, optionals, arrays and nested
    /// such values.
    ///
    /// JSONEncoder fails only on non-finite floating-point numbers, which these values cannot
    /// hold, so a failure is a programming error in the wire structs, not bad input.
    static func encode<T: Encodable>(_ value: T) -> Data {
        do {
            return try makeEncoder().encode(value)
        } catch {
            preconditionFailure("\(T.self) holds a value JSON cannot express: \(error)")
        }
    }

    /// Encodes a value as the text of one Server-Sent Event's `data:` field.
    static func encodeString<T: Encodable>(_ value: T) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    /// Quotes untrusted text for a message, cut short so that a hostile body cannot make the
    /// message large.
    static func quoted(_ text: String) -> String {
        let limit = 64
        return "\"" + (text.count > limit ? text.prefix(limit) + "…" : Substring(text)) + "\""
    }

    /// The message of a coding error: the field path (`messages[2].role`, `body` for the root),
    /// then what was expected.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(name(of: type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(name(of: type)), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "body: not valid JSON (or a number out of range)"
            }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "body: \(error)"
        }
    }

    /// A failure whose message is written out, for values that may take several shapes (a string
    /// or an array of parts) or that hold a value Chimera cannot carry.
    ///
    /// - Parameters:
    ///   - codingPath: Where the value is; never empty, since every body is an object.
    ///   - message: What is wrong and what is accepted, e.g. `expected a string or an array of text parts`.
    static func invalid(at codingPath: [any CodingKey], _ message: String) -> DecodingError {
        DecodingError.dataCorrupted(DecodingError.Context(codingPath: codingPath, debugDescription: message))
    }

    /// A field path as a reader writes it: `messages[2].content[0].type`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "body" }
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }

    /// The failure of ``decode(_:from:)``: a message naming the field.
    struct FieldError: Error {
        /// The field and what it accepts.
        let message: String
    }

    private static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is [String: Any].Type: "an object"
        case is [Any].Type: "an array"
        default: "a value of type \(type)"
        }
    }
}
