import ChimeraCore

/// What the simulator adds to Chimera's ``ChimeraCore/JSONValue``: builders for its answers and
/// the layouts its answers need besides the compact one.
///
/// The simulator builds its bodies as JSON values rather than Codable structs so that they read
/// like the examples in the wire-format reference: keys in the providers' order and explicit
/// `null`s (`"refusal": null`, `"usage": null`) where the providers send them. Requests are
/// parsed into the same type, which keeps key order: the arguments built from a tool's schema
/// list its properties in the order the schema wrote them.
extension JSONValue {
    /// An object built from key-value pairs assembled step by step.
    static func fields(_ pairs: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(pairs))
    }

    /// A 32-bit float (an embedding component), written with the float's own shortest literal
    /// (`0.12345679`), not the digits of the `Double` it widens to.
    static func float(_ value: Float) -> JSONValue {
        guard value.isFinite else { return .null }
        do {
            return try JSONValue(parsing: value.description)
        } catch {
            preconditionFailure("a finite Float's description is a JSON number")
        }
    }

    /// The object without `key`; any other value unchanged.
    func removing(_ key: String) -> JSONValue {
        guard case .object(var object) = self else { return self }
        object[key] = nil
        return .object(object)
    }

    /// The serialization spread over lines with two-space indentation, as Google's APIs answer errors.
    var prettySerialized: String {
        var output: [UInt8] = []
        write(to: &output, layout: .pretty(indent: ""))
        output.append(UInt8(ascii: "\n"))
        return String(decoding: output, as: UTF8.self)
    }

    /// One line with a space after every `:` and `,` (`{"a": 1, "b": [true, null]}`).
    ///
    /// Structured-output answers use it: the simulator counts and streams words, and this way a
    /// JSON answer has several.
    var spacedSerialized: String {
        var output: [UInt8] = []
        write(to: &output, layout: .spaced)
        return String(decoding: output, as: UTF8.self)
    }

    /// The compact serialization with every object's keys sorted, so that two documents that
    /// differ only in key order serialize alike (signatures over tool arguments use it).
    var canonicalSerialized: String { canonical.serialized() }

    private var canonical: JSONValue {
        switch self {
        case .array(let elements): .array(elements.map(\.canonical))
        case .object(let object):
            .fields(object.members.map { ($0.key, $0.value.canonical) }.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) })
        default: self
        }
    }

    private enum Layout {
        case spaced
        case pretty(indent: String)

        /// The layout of the elements inside a container.
        var inner: Layout {
            if case .pretty(let indent) = self { return .pretty(indent: indent + "  ") }
            return self
        }
    }

    private func write(to output: inout [UInt8], layout: Layout) {
        switch self {
        case .array(let elements):
            writeContainer(elements, open: "[", close: "]", to: &output, layout: layout) { element, output, inner in
                element.write(to: &output, layout: inner)
            }
        case .object(let object):
            writeContainer(object.members, open: "{", close: "}", to: &output, layout: layout) { member, output, inner in
                Self.write(string: member.key, to: &output)
                output += Array(": ".utf8)
                member.value.write(to: &output, layout: inner)
            }
        default:
            write(to: &output)
        }
    }

    private func writeContainer<Element>(
        _ elements: [Element],
        open: Unicode.Scalar,
        close: Unicode.Scalar,
        to output: inout [UInt8],
        layout: Layout,
        writeElement: (Element, inout [UInt8], Layout) -> Void
    ) {
        output.append(UInt8(ascii: open))
        guard !elements.isEmpty else {
            output.append(UInt8(ascii: close))
            return
        }
        let inner = layout.inner
        for (index, element) in elements.enumerated() {
            if index > 0 {
                output.append(UInt8(ascii: ","))
                if case .spaced = layout { output.append(UInt8(ascii: " ")) }
            }
            if case .pretty(let indent) = inner { output += Array(("\n" + indent).utf8) }
            writeElement(element, &output, inner)
        }
        if case .pretty(let indent) = layout { output += Array(("\n" + indent).utf8) }
        output.append(UInt8(ascii: close))
    }
}
