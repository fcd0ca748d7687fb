import ChimeraCore

/// Gemini's OpenAPI-subset `Schema` (function `parameters`, `responseSchema`) as JSON Schema,
/// the form the domain holds (``Tool/parameters``, ``JSONSchemaFormat/schema``).
///
/// The subset writes types upper-case (`OBJECT`, `STRING`), marks optional values with
/// `nullable: true` and gives the order of properties in `propertyOrdering`. The conversion
/// lower-cases types, turns `nullable: true` into a type array with `"null"` (or a
/// `{"type":"null"}` alternative of an `anyOf`), orders `properties` by `propertyOrdering` (names
/// it does not list follow in their order) and drops it, reads the int64 counts Google's JSON
/// mapping may write as strings (`"minItems": "1"`) as numbers, and spells `defs` / `ref` as
/// `$defs` / `$ref`. Everything else (`format`, `enum`, `description`, `minimum`, …) is kept.
/// The way back is not needed: the encoder sends JSON Schema as it is (`parametersJsonSchema`,
/// `responseJsonSchema`).
enum GeminiSchema {
    /// The JSON Schema for an OpenAPI-subset schema; anything that is not an object is returned as it is.
    static func jsonSchema(fromOpenAPI value: JSONValue) -> JSONValue {
        guard case .object(let schema) = value else { return value }
        let nullable = schema["nullable"]?.bool == true
        var ordering: [String] = []
        for name in schema["propertyOrdering"]?.array ?? [] {
            if let name = name.string { ordering.append(name) }
        }
        var result = JSONObject()
        var wroteNull = false
        for member in schema {
            let key = GeminiWire.camelCase(member.key)
            switch key {
            case "type":
                var type = lowercasedType(member.value)
                if nullable {
                    type = addingNull(to: type)
                    wroteNull = true
                }
                if type != .string("type_unspecified") { result["type"] = type }
            case "nullable", "propertyOrdering":
                continue
            case "properties":
                result["properties"] = properties(member.value, ordering: ordering)
            case "items", "additionalProperties", "not":
                result[key] = jsonSchema(fromOpenAPI: member.value)
            case "anyOf", "oneOf", "allOf", "prefixItems":
                result[key] = .array((member.value.array ?? []).map(jsonSchema(fromOpenAPI:)))
            case "defs", "$defs":
                result["$defs"] = properties(member.value, ordering: [])
            case "ref", "$ref":
                result["$ref"] = member.value
            case "minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties":
                result[key] = integerValue(member.value)
            default:
                result[member.key] = member.value
            }
        }
        if nullable, !wroteNull, case .array(var alternatives)? = result["anyOf"] {
            alternatives.append(["type": "null"])
            result["anyOf"] = .array(alternatives)
        }
        return .object(result)
    }

    private static func lowercasedType(_ type: JSONValue) -> JSONValue {
        switch type {
        case .string(let name): .string(name.lowercased())
        case .array(let names): .array(names.map { $0.string.map { .string($0.lowercased()) } ?? $0 })
        default: type
        }
    }

    private static func addingNull(to type: JSONValue) -> JSONValue {
        switch type {
        case .string(let name) where name != "null": .array([.string(name), "null"])
        case .array(let names) where !names.contains("null"): .array(names + ["null"])
        default: type
        }
    }

    /// `properties` (or `$defs`) with each schema converted, in `ordering` first.
    private static func properties(_ value: JSONValue, ordering: [String]) -> JSONValue {
        guard case .object(let members) = value else { return value }
        var result = JSONObject()
        for name in ordering {
            if let schema = members[name] { result[name] = jsonSchema(fromOpenAPI: schema) }
        }
        for member in members where result[member.key] == nil {
            result[member.key] = jsonSchema(fromOpenAPI: member.value)
        }
        return .object(result)
    }

    private static func integerValue(_ value: JSONValue) -> JSONValue {
        if let text = value.string, let number = Int(text) { return .int(number) }
        return value
    }
}
