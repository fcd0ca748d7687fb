import Foundation

/// Any JSON value, for bodies whose shape is not promised: error bodies come from providers,
/// proxies and gateways in many shapes, and reading one must never fail.
///
/// Wire structs hold one where a payload may carry an error object of any shape next to the
/// fields they read (`{"error":{…}}` in a 200 stream).
enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Probing each JSON type in turn is how a single-value container tells them apart;
        // a mismatch here only means "not this type".
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses `data`, or `nil` when it is not JSON (an HTML page from a gateway, an empty body).
    static func parse(_ data: Data) -> JSONValue? {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            return nil
        }
    }

    /// The member `key` of an object.
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    /// The text of a string.
    var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The value of a number that is a whole number in `Int`'s range.
    var int: Int? {
        guard case .number(let value) = self, value.rounded() == value, abs(value) < 1e15 else { return nil }
        return Int(value)
    }

    /// The elements of an array.
    var array: [JSONValue]? {
        if case .array(let elements) = self { elements } else { nil }
    }
}
