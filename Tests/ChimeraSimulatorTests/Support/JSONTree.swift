import Foundation

/// Read-only access to parsed JSON for assertions: `body["choices"][0]["delta"]["content"].string`.
///
/// The tests read the simulator's bodies with Foundation's parser, independently of the code
/// that wrote them. A missing key or index gives an empty tree, so a wrong path fails the
/// assertion that follows instead of crashing.
struct JSONTree: @unchecked Sendable {
    /// The parsed value (`NSNull` for `null`), or `nil` when the path does not exist.
    let value: Any?

    /// Parses `text`.
    ///
    /// - Throws: When `text` is not JSON.
    init(parsing text: String) throws {
        value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    private init(value: Any?) {
        self.value = value
    }

    subscript(key: String) -> JSONTree {
        JSONTree(value: (value as? [String: Any])?[key])
    }

    subscript(index: Int) -> JSONTree {
        guard let array = value as? [Any], array.indices.contains(index) else { return JSONTree(value: nil) }
        return JSONTree(value: array[index])
    }

    var string: String? { value as? String }
    var int: Int? { (value as? NSNumber)?.intValue }
    var double: Double? { (value as? NSNumber)?.doubleValue }
    var bool: Bool? { (value as? NSNumber)?.boolValue }
    var array: [JSONTree]? { (value as? [Any])?.map { JSONTree(value: $0) } }
    var keys: Set<String>? { (value as? [String: Any]).map { Set($0.keys) } }
    /// Whether the value is an explicit JSON `null` (not a missing key).
    var isNull: Bool { value is NSNull }
    /// Whether the key or index exists.
    var exists: Bool { value != nil }
}
