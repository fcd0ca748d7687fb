import ChimeraCore

/// Builds a JSON value that fits a schema, deterministically: the arguments of simulated tool
/// calls and the answers to structured-output requests.
///
/// Reads JSON Schema (OpenAI, Anthropic, Gemini `parametersJsonSchema`/`responseJsonSchema`)
/// and Gemini's OpenAPI subset (`"type": "OBJECT"`, `propertyOrdering`, `nullable`) alike;
/// type names are compared without case. The rules, applied in this order:
///
/// - `$ref` (`#/$defs/…`, `#/definitions/…`) is followed; `const` gives its value; `enum` its
///   first value; `anyOf`/`oneOf`/`allOf` their first alternative that is not `null`;
/// - `string` → `"sample-<name>"`, where name is the property's (or the tool's, at the root);
///   `integer` → `1`; `number` → `1.5`; `boolean` → `true`; `null` → `null`;
/// - `array` → one element built from `items` (or `prefixItems`);
/// - `object` (or a schema with `properties`) → every `required` property, or every property
///   when none is required, in `propertyOrdering` order if given, else as the schema lists them;
/// - a list of types (`["string", "null"]`) uses its first type that is not `null`; a schema
///   with no type at all gives `"sample-<name>"`.
///
/// Recursion stops at ``maximumDepth``: deeper schemas (self-referencing `$ref`s) get `null`.
enum SchemaInstance {
    /// How deep the generator follows nested schemas.
    static let maximumDepth = 12

    /// A value that fits `schema`.
    ///
    /// - Parameters:
    ///   - schema: The schema; `nil` or a non-object gives an empty object, as for a tool without parameters.
    ///   - name: The name strings at the root are built from.
    static func make(for schema: JSONValue?, name: String) -> JSONValue {
        guard let schema, case .object = schema else { return [:] }
        return value(for: schema, name: name, root: schema, depth: 0)
    }

    private static func value(for schema: JSONValue, name: String, root: JSONValue, depth: Int) -> JSONValue {
        guard depth < maximumDepth, case .object = schema else { return .null }
        if let reference = schema["$ref"]?.string {
            guard let target = resolve(reference, in: root) else { return .null }
            return value(for: target, name: name, root: root, depth: depth + 1)
        }
        if let constant = schema["const"] { return constant }
        if let first = schema["enum"]?.array?.first { return first }
        for combinator in ["anyOf", "oneOf", "allOf"] {
            if let alternatives = schema[combinator]?.array, !alternatives.isEmpty {
                let chosen = alternatives.first { !isNullSchema($0) } ?? alternatives[0]
                return value(for: chosen, name: name, root: root, depth: depth + 1)
            }
        }
        switch typeName(of: schema) {
        case "string": return .string("sample-\(name)")
        case "integer": return .int(1)
        case "number": return 1.5
        case "boolean": return .bool(true)
        case "null": return .null
        case "array":
            let items = schema["items"] ?? schema["prefixItems"]?.array?.first
            guard let items else { return .array([]) }
            return .array([value(for: items, name: name, root: root, depth: depth + 1)])
        case "object": return object(for: schema, root: root, depth: depth)
        default: return .string("sample-\(name)")
        }
    }

    private static func object(for schema: JSONValue, root: JSONValue, depth: Int) -> JSONValue {
        let properties = schema["properties"]?.object?.members ?? []
        let required = Set(schema["required"]?.array?.compactMap(\.string) ?? [])
        var chosen = required.isEmpty ? properties : properties.filter { required.contains($0.key) }
        if let ordering = schema["propertyOrdering"]?.array?.compactMap(\.string) {
            let rank = Dictionary(ordering.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
            // A stable sort: properties missing from the ordering keep their place after the ordered ones.
            chosen = chosen.enumerated()
                .sorted { (rank[$0.element.key] ?? ordering.count + $0.offset, $0.offset) < (rank[$1.element.key] ?? ordering.count + $1.offset, $1.offset) }
                .map(\.element)
        }
        return .fields(chosen.map { ($0.key, value(for: $0.value, name: $0.key, root: root, depth: depth + 1)) })
    }

    /// The schema's type, lower-cased; the first non-null of a list; `object` or `array` when
    /// only `properties` or `items` say so.
    private static func typeName(of schema: JSONValue) -> String? {
        switch schema["type"] {
        case .string(let name)?: return name.lowercased()
        case .array(let names)?:
            let lowered = names.compactMap(\.string).map { $0.lowercased() }
            return lowered.first { $0 != "null" } ?? lowered.first
        default:
            if schema["properties"] != nil { return "object" }
            if schema["items"] != nil { return "array" }
            return nil
        }
    }

    private static func isNullSchema(_ schema: JSONValue) -> Bool {
        schema["type"]?.string?.lowercased() == "null"
    }

    /// Follows a local JSON pointer (`#/$defs/Address`).
    private static func resolve(_ reference: String, in root: JSONValue) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var target = root
        for token in reference.dropFirst().split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = target[key] else { return nil }
            target = next
        }
        return target
    }
}
