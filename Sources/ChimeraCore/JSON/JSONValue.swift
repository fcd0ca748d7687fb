/// A JSON value that keeps what Foundation's decoders lose: the order of object members and the
/// exact text of numbers.
///
/// Chimera carries JSON it does not interpret — tool schemas, tool arguments, provider fields it
/// has no place for — from one protocol to another. Models read schemas in order (OpenAI's
/// structured outputs generate properties in schema order) and a seed or an id may not survive a
/// round trip through `Double`, so this type parses and writes JSON without either loss.
///
/// Build values with literals (`["type": "object", "required": ["city"]]` keeps the order
/// written), parse bytes with ``init(parsing:)``, write them with ``serialized()``.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number, as its JSON text (`1`, `-0.5`, `1e400`): exact, whatever its size.
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The member `key` of an object, or `nil` for anything else.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { object[key] } else { nil }
    }

    /// The text of a string.
    public var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The value of a boolean.
    public var bool: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The value of a number that is an integer in `Int`'s range.
    public var int: Int? {
        if case .number(let number) = self { number.int } else { nil }
    }

    /// The value of a number as a `Double` (which may round it).
    public var double: Double? {
        if case .number(let number) = self { number.double } else { nil }
    }

    /// The elements of an array.
    public var array: [JSONValue]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    /// The members of an object.
    public var object: JSONObject? {
        if case .object(let object) = self { object } else { nil }
    }

    /// Whether this is `null`.
    public var isNull: Bool { self == .null }

    /// The JSON type's name as messages write it: `a string`, `an object`, …
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// The text of a JSON number, checked when it was made, so writing it back is exact.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number as JSON writes it.
    public let text: String

    /// A number from JSON text already checked by the parser.
    init(validatedText: String) { text = validatedText }

    /// An integer.
    public init(_ value: Int) { text = String(value) }

    /// A floating-point number; `nil` for NaN and infinities, which JSON cannot express.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        // Whole numbers are written without a fraction, as JavaScript does (`1`, not `1.0`).
        if value == value.rounded(), abs(value) < 1e15 {
            text = String(Int(value))
        } else {
            text = String(value)
        }
    }

    /// The value, when it is an integer in `Int`'s range (`3`, also `3.0` and `3e2`).
    public var int: Int? {
        if let exact = Int(text) { return exact }
        guard let value = Double(text), value == value.rounded(), abs(value) < 9.0e15 else { return nil }
        return Int(value)
    }

    /// The value as a `Double`.
    public var double: Double? { Double(text) }

    public var description: String { text }
}

/// The members of a JSON object in the order they were written; a key appears once (a later
/// duplicate replaces the earlier value, as JavaScript's `JSON.parse` does).
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One member.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue
    }

    /// The members, in order.
    public private(set) var members: [Member]

    /// An object with these members; a repeated key keeps its first position and its last value.
    public init(_ members: [(String, JSONValue)] = []) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for (key, value) in members { self[key] = value }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// The value of `key`; setting `nil` removes the member, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// The keys, in order.
    public var keys: [String] { members.map(\.key) }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The number of members.
    public var count: Int { members.count }

    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    /// The members in key order, each value's keys sorted too (``JSONValue/keysSorted``).
    var keysSorted: JSONObject {
        var sorted = JSONObject()
        sorted.members = members.sorted { $0.key < $1.key }.map { Member(key: $0.key, value: $0.value.keysSorted) }
        return sorted
    }
}

extension JSONValue {
    /// The same value with every object's members in key order: equal values written with their
    /// keys in other orders become one value, and so one text (a cache key's normal form).
    public var keysSorted: JSONValue {
        switch self {
        case .array(let elements):
            return .array(elements.map(\.keysSorted))
        case .object(let object):
            return .object(object.keysSorted)
        case .null, .bool, .number, .string:
            return self
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(floatLiteral value: Double) {
        guard let number = JSONNumber(value) else { preconditionFailure("a float literal is finite") }
        self = .number(number)
    }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}

extension JSONValue {
    /// An integer.
    public static func int(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }

    /// A floating-point number, or `nil` for NaN and infinities.
    public static func double(_ value: Double) -> JSONValue? { JSONNumber(value).map(JSONValue.number) }

    /// A string, or `null` for `nil`.
    public static func nullable(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
}
