import ChimeraCore

/// A value inside a request body together with where it is, so that a value of the wrong type
/// is refused with a message and parameter that name it (`messages.0.content`).
///
/// Absent keys and indexes give an absent field; `null` reads like an absent value, as the
/// providers treat an explicit `null` for an optional field. Unknown keys are simply never read,
/// so every dialect accepts fields it does not know.
struct JSONField: Sendable {
    /// One step of a path: a key or an index.
    enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    /// The value, or `nil` when the key or index is absent.
    let value: JSONValue?
    /// Where the value is, from the body's root.
    let path: [Step]

    /// The root of a body.
    init(root: JSONValue) {
        value = root
        path = []
    }

    private init(value: JSONValue?, path: [Step]) {
        self.value = value
        self.path = path
    }

    /// The member `key` of an object.
    ///
    /// A lowerCamelCase key that is absent is also looked up in snake_case
    /// (`parametersJsonSchema` → `parameters_json_schema`): Google's JSON mapping of protocol
    /// buffers accepts both spellings, and google-genai sends some fields in the second. Only
    /// Gemini's fields are camelCase, so the other protocols never meet this.
    subscript(key: String) -> JSONField {
        if let member = value?[key] { return JSONField(value: member, path: path + [.key(key)]) }
        let snake = Self.snakeCase(key)
        guard snake != key, let member = value?[snake] else { return JSONField(value: nil, path: path + [.key(key)]) }
        return JSONField(value: member, path: path + [.key(snake)])
    }

    /// `lowerCamelCase` as `lower_camel_case`.
    private static func snakeCase(_ key: String) -> String {
        var snake = ""
        for character in key {
            if character.isUppercase {
                snake += "_" + character.lowercased()
            } else {
                snake.append(character)
            }
        }
        return snake
    }

    /// The path with dots, as Anthropic and the simulator's type errors write it: `messages.0.content`.
    var dotted: String {
        path.map { step in
            switch step {
            case .key(let key): key
            case .index(let index): String(index)
            }
        }
        .joined(separator: ".")
    }

    /// The path with brackets, as OpenAI and Google write it: `messages[0].content`.
    var bracketed: String {
        var text = ""
        for step in path {
            switch step {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// Whether there is a value other than `null`.
    var isPresent: Bool {
        switch value {
        case nil, .null?: false
        default: true
        }
    }

    /// A 400 that names this field.
    func invalid(_ expectation: String) -> SimulatedFailure {
        .invalidRequest(message: "invalid value for '\(dotted)': expected \(expectation)", parameter: dotted)
    }

    /// The string, or `nil` when absent.
    ///
    /// - Throws: ``SimulatedFailure/invalidRequest(message:parameter:)`` when it is not a string.
    func string() throws(SimulatedFailure) -> String? {
        guard isPresent else { return nil }
        guard case .string(let text)? = value else { throw invalid("a string") }
        return text
    }

    /// The whole number, or `nil` when absent.
    ///
    /// - Throws: ``SimulatedFailure/invalidRequest(message:parameter:)`` when it is not a whole number.
    func int() throws(SimulatedFailure) -> Int? {
        guard isPresent else { return nil }
        // `2.0` is a whole number too, as JSON Schema's `integer` counts it.
        guard case .number(let number)? = value, let whole = number.int else { throw invalid("an integer") }
        return whole
    }

    /// The number, or `nil` when absent.
    ///
    /// - Throws: ``SimulatedFailure/invalidRequest(message:parameter:)`` when it is not a number.
    func double() throws(SimulatedFailure) -> Double? {
        guard isPresent else { return nil }
        guard case .number(let number)? = value, let double = number.double else { throw invalid("a number") }
        return double
    }

    /// The boolean, or `nil` when absent.
    ///
    /// - Throws: ``SimulatedFailure/invalidRequest(message:parameter:)`` when it is not a boolean.
    func bool() throws(SimulatedFailure) -> Bool? {
        guard isPresent else { return nil }
        guard case .bool(let flag)? = value else { throw invalid("a boolean") }
        return flag
    }

    /// The elements, or `nil` when absent.
    ///
    /// - Throws: ``SimulatedFailure/invalidRequest(message:parameter:)`` when it is not an array.
    func array() throws(SimulatedFailure) -> [JSONField]? {
        guard isPresent else { return nil }
        guard case .array(let elements)? = value else { throw invalid("an array") }
        return elements.enumerated().map { JSONField(value: $0.element, path: path + [.index($0.offset)]) }
    }

    /// The field itself when it holds an object, or `nil` when absent.
    ///
    /// - Throws: ``SimulatedFailure/invalidRequest(message:parameter:)`` when it is not an object.
    func object() throws(SimulatedFailure) -> JSONField? {
        guard isPresent else { return nil }
        guard case .object? = value else { throw invalid("an object") }
        return self
    }

    /// A string or an array of strings (OpenAI's `stop`, `input`), or `nil` when absent.
    ///
    /// - Throws: ``SimulatedFailure/invalidRequest(message:parameter:)`` for anything else.
    func strings() throws(SimulatedFailure) -> [String]? {
        guard isPresent else { return nil }
        if case .string(let single)? = value { return [single] }
        guard case .array? = value, let elements = try array() else { throw invalid("a string or an array of strings") }
        var strings: [String] = []
        for element in elements {
            guard let text = try element.string() else { throw element.invalid("a string") }
            strings.append(text)
        }
        return strings
    }
}
