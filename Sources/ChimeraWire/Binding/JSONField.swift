import ChimeraCore

/// A JSON value and where it sits in a body, for reading with messages that name the field:
/// `messages[2].content[0].type: expected a string`.
///
/// Every binding reads its bodies through this, so messages have one form. A missing member and
/// `null` read alike (absent), as the providers' own APIs treat them.
struct JSONField {
    /// The value, or `nil` when the member is absent.
    let value: JSONValue?
    /// Where it is: `body`, `messages[2].role`, …
    let path: String

    /// The root of a body.
    init(root value: JSONValue) {
        self.value = value
        self.path = "body"
    }

    private init(value: JSONValue?, path: String) {
        self.value = value
        self.path = path
    }

    /// Parses a body and returns its root.
    ///
    /// - Throws: ``FieldError`` when the bytes are not JSON.
    static func parse(_ bytes: [UInt8]) throws(FieldError) -> JSONField {
        do {
            return JSONField(root: try JSONValue(parsing: bytes))
        } catch {
            throw FieldError("body: \(error.description)")
        }
    }

    /// Whether the member is there and not `null`.
    var isPresent: Bool { value.map { !$0.isNull } ?? false }

    /// The member `key` of this object (absent when this is not an object).
    subscript(key: String) -> JSONField {
        JSONField(value: value?[key], path: path == "body" ? key : "\(path).\(key)")
    }

    /// A failure at this field.
    func failure(_ message: String) -> FieldError {
        FieldError("\(path): \(message)")
    }

    private func mismatch(_ expected: String) -> FieldError {
        guard let value, !value.isNull else { return failure("required") }
        return failure("expected \(expected), found \(value.typeName)")
    }

    // MARK: Required values

    /// The string.
    func string() throws(FieldError) -> String {
        guard let text = value?.string else { throw mismatch("a string") }
        return text
    }

    /// The integer.
    func int() throws(FieldError) -> Int {
        guard case .number? = value else { throw mismatch("an integer") }
        guard let number = value?.int else { throw failure("expected an integer") }
        return number
    }

    /// The number.
    func double() throws(FieldError) -> Double {
        guard let number = value?.double, number.isFinite else { throw mismatch("a number") }
        return number
    }

    /// The boolean.
    func bool() throws(FieldError) -> Bool {
        guard let flag = value?.bool else { throw mismatch("true or false") }
        return flag
    }

    /// The object.
    func object() throws(FieldError) -> JSONObject {
        guard let object = value?.object else { throw mismatch("an object") }
        return object
    }

    /// The elements of the array, each with its path.
    func elements() throws(FieldError) -> [JSONField] {
        guard let array = value?.array else { throw mismatch("an array") }
        return array.enumerated().map { JSONField(value: $1, path: "\(path)[\($0)]") }
    }

    /// The members of the object, each with its path.
    func members() throws(FieldError) -> [(key: String, field: JSONField)] {
        try object().members.map { ($0.key, JSONField(value: $0.value, path: path == "body" ? $0.key : "\(path).\($0.key)")) }
    }

    // MARK: Optional values (absent or null → nil)

    /// The string, if present.
    func optionalString() throws(FieldError) -> String? { isPresent ? try string() : nil }
    /// The integer, if present.
    func optionalInt() throws(FieldError) -> Int? { isPresent ? try int() : nil }
    /// The number, if present.
    func optionalDouble() throws(FieldError) -> Double? { isPresent ? try double() : nil }
    /// The boolean, if present.
    func optionalBool() throws(FieldError) -> Bool? { isPresent ? try bool() : nil }
    /// The object, if present.
    func optionalObject() throws(FieldError) -> JSONObject? { isPresent ? try object() : nil }
    /// The elements, or none when absent.
    func optionalElements() throws(FieldError) -> [JSONField] { isPresent ? try elements() : [] }
}

/// A body that is not what its protocol promises, with a message naming the field.
struct FieldError: Error {
    /// The field and what it accepts, e.g. `messages[2].role: expected a string`.
    let message: String

    init(_ message: String) { self.message = message }

    /// The error of an inbound request that is wrong: the caller's mistake (400).
    func invalidRequest(provider: ProviderID?) -> ChimeraError {
        .invalidRequest(message, provider: provider)
    }

    /// The error of an upstream answer Chimera cannot read (502).
    func malformed(_ what: String, provider: ProviderID, body: [UInt8]) -> ChimeraError {
        .decoding("\(provider.displayName) \(what) could not be read: \(message)", provider: provider, body: String(decoding: body, as: UTF8.self))
    }
}
