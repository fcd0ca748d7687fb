/// A JSON document the simulator reads or writes, with its keys in document order.
///
/// The simulator builds its bodies from this instead of Codable structs so that they read like
/// the examples in the wire-format reference: keys in the providers' order and explicit `null`s
/// (`"refusal": null`, `"usage": null`) where the providers send them. Strings are written as
/// raw UTF-8, so non-ASCII text crosses the wire as multi-byte sequences.
///
/// Requests are parsed into it too (``JSONParser``), because Foundation's decoders forget the
/// order of an object's keys, and the simulator's answers follow it: the arguments built from a
/// tool's schema list its properties in the order the schema wrote them.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// A number that is not a whole `Int`, as its JSON literal (`1.5`, `1e-7`, `12345678901234567890`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([Member])

    /// One key and its value.
    struct Member: Sendable, Equatable {
        var key: String
        var value: JSONValue
    }

    /// The compact serialization, one line.
    var serialized: String {
        var output = ""
        write(to: &output, layout: .compact)
        return output
    }

    /// The serialization spread over lines with two-space indentation, as Google's APIs answer errors.
    var prettySerialized: String {
        var output = ""
        write(to: &output, layout: .pretty(indent: ""))
        return output + "\n"
    }

    /// One line with a space after every `:` and `,` (`{"a": 1, "b": [true, null]}`).
    ///
    /// Structured-output answers use it: the simulator counts and streams words, and this way a
    /// JSON answer has several.
    var spacedSerialized: String {
        var output = ""
        write(to: &output, layout: .spaced)
        return output
    }

    /// The compact serialization with every object's keys sorted, so that two documents that
    /// differ only in key order serialize alike (signatures over tool arguments use it).
    var canonicalSerialized: String { canonical.serialized }

    private var canonical: JSONValue {
        switch self {
        case .array(let elements): .array(elements.map(\.canonical))
        case .object(let members):
            .object(members.map { Member(key: $0.key, value: $0.value.canonical) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
        default: self
        }
    }

    private enum Layout {
        case compact, spaced
        case pretty(indent: String)

        /// The layout of the elements inside a container.
        var inner: Layout {
            if case .pretty(let indent) = self { return .pretty(indent: indent + "  ") }
            return self
        }
    }

    private func write(to output: inout String, layout: Layout) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .number(let literal): output += literal
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let elements):
            writeContainer(elements, open: "[", close: "]", to: &output, layout: layout) { element, output, inner in
                element.write(to: &output, layout: inner)
            }
        case .object(let members):
            writeContainer(members, open: "{", close: "}", to: &output, layout: layout) { member, output, inner in
                Self.writeString(member.key, to: &output)
                if case .compact = inner { output += ":" } else { output += ": " }
                member.value.write(to: &output, layout: inner)
            }
        }
    }

    private func writeContainer<Element>(
        _ elements: [Element],
        open: String,
        close: String,
        to output: inout String,
        layout: Layout,
        writeElement: (Element, inout String, Layout) -> Void
    ) {
        output += open
        guard !elements.isEmpty else {
            output += close
            return
        }
        let inner = layout.inner
        for (index, element) in elements.enumerated() {
            if index > 0 {
                if case .spaced = layout { output += ", " } else { output += "," }
            }
            if case .pretty(let indent) = inner { output += "\n" + indent }
            writeElement(element, &output, inner)
        }
        if case .pretty(let indent) = layout { output += "\n" + indent }
        output += close
    }

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(nilLiteral: ()) { self = .null }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { Member(key: $0.0, value: $0.1) })
    }

    /// An object built from key-value pairs assembled step by step.
    static func fields(_ pairs: [(String, JSONValue)]) -> JSONValue {
        .object(pairs.map { Member(key: $0.0, value: $0.1) })
    }

    /// A string, or `null` when there is none.
    static func nullable(_ value: String?) -> JSONValue {
        value.map { .string($0) } ?? .null
    }

    /// A floating-point number, written with the shortest literal that reads back the same.
    static func double(_ value: Double) -> JSONValue {
        value.isFinite ? .number(value.description) : .null
    }

    /// A 32-bit float (embeddings), written as its own shortest literal rather than a widened `Double`'s.
    static func float(_ value: Float) -> JSONValue {
        value.isFinite ? .number(value.description) : .null
    }
}

extension JSONValue {
    /// The value of `key` in an object (the last one, when a key repeats), else `nil`.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// The object without `key`; any other value unchanged.
    func removing(_ key: String) -> JSONValue {
        guard case .object(let members) = self else { return self }
        return .object(members.filter { $0.key != key })
    }

    /// The string, if this is one.
    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an array.
    var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The members, if this is an object.
    var objectMembers: [Member]? {
        if case .object(let members) = self { return members }
        return nil
    }
}
