/// Reads a JSON document (RFC 8259) into a ``JSONValue``, keeping the order of object keys.
///
/// Strict, as the providers' parsers are: one value, optional whitespace around it, no
/// trailing commas or comments. Whole numbers that fit an `Int` become ``JSONValue/int(_:)``;
/// any other number keeps its literal in ``JSONValue/number(_:)``. Nesting deeper than
/// ``maximumDepth`` is refused rather than risking the stack on a hostile body.
struct JSONParser {
    /// How deep arrays and objects may nest.
    static let maximumDepth = 512

    /// The document is not JSON.
    struct Malformed: Error {}

    private let bytes: [UInt8]
    private var position = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses a whole document.
    ///
    /// - Throws: ``Malformed`` when `bytes` are not exactly one JSON value.
    static func parse(_ bytes: some Sequence<UInt8>) throws(Malformed) -> JSONValue {
        var parser = JSONParser(Array(bytes))
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == parser.bytes.count else { throw Malformed() }
        return value
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) {
            position += 1
        }
    }

    private mutating func value(depth: Int) throws(Malformed) -> JSONValue {
        guard depth < Self.maximumDepth else { throw Malformed() }
        skipWhitespace()
        guard position < bytes.count else { throw Malformed() }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Malformed) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard bytes.count - position >= expected.count, bytes[position..<position + expected.count].elementsEqual(expected) else {
            throw Malformed()
        }
        position += expected.count
    }

    private mutating func expect(_ byte: Unicode.Scalar) throws(Malformed) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: byte) else { throw Malformed() }
        position += 1
    }

    /// Whether the next non-blank byte is `byte`; consumes it when it is.
    private mutating func take(_ byte: Unicode.Scalar) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: byte) else { return false }
        position += 1
        return true
    }

    private mutating func object(depth: Int) throws(Malformed) -> JSONValue {
        try expect("{")
        var members: [JSONValue.Member] = []
        if take("}") { return .object(members) }
        repeat {
            skipWhitespace()
            let key = try string()
            try expect(":")
            members.append(JSONValue.Member(key: key, value: try value(depth: depth + 1)))
        } while take(",")
        try expect("}")
        return .object(members)
    }

    private mutating func array(depth: Int) throws(Malformed) -> JSONValue {
        try expect("[")
        var elements: [JSONValue] = []
        if take("]") { return .array(elements) }
        repeat {
            elements.append(try value(depth: depth + 1))
        } while take(",")
        try expect("]")
        return .array(elements)
    }

    private mutating func string() throws(Malformed) -> String {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw Malformed() }
        position += 1
        var scalars = String.UnicodeScalarView()
        var run = position
        // Unescaped runs are copied as UTF-8 in one go; escapes are decoded one by one.
        func flush(_ end: Int) throws(Malformed) {
            guard run < end else { return }
            guard let text = String(validating: bytes[run..<end], as: UTF8.self) else { throw Malformed() }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                try flush(position)
                position += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flush(position)
                position += 1
                scalars.append(try escape())
                run = position
            case 0..<0x20:
                throw Malformed()
            default:
                position += 1
            }
        }
        throw Malformed()
    }

    private mutating func escape() throws(Malformed) -> Unicode.Scalar {
        guard position < bytes.count else { throw Malformed() }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hexUnit()
            if (0xD800..<0xDC00).contains(unit) {
                // A high surrogate must be followed by an escaped low one.
                guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    throw Malformed()
                }
                position += 2
                let low = try hexUnit()
                guard (0xDC00..<0xE000).contains(low) else { throw Malformed() }
                let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                guard let scalar = Unicode.Scalar(value) else { throw Malformed() }
                return scalar
            }
            guard let scalar = Unicode.Scalar(UInt32(unit)) else { throw Malformed() }
            return scalar
        default:
            throw Malformed()
        }
    }

    private mutating func hexUnit() throws(Malformed) -> UInt16 {
        guard bytes.count - position >= 4 else { throw Malformed() }
        var unit: UInt16 = 0
        for byte in bytes[position..<position + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Malformed()
            }
            unit = unit << 4 | UInt16(digit)
        }
        position += 4
        return unit
    }

    private mutating func number() throws(Malformed) -> JSONValue {
        let start = position
        var whole = true
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        // Integer part: 0, or a non-zero digit and more digits.
        guard position < bytes.count, isDigit(bytes[position]) else { throw Malformed() }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            whole = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw Malformed() }
            skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            whole = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw Malformed() }
            skipDigits()
        }
        let literal = String(decoding: bytes[start..<position], as: UTF8.self)
        if whole, let integer = Int(literal) { return .int(integer) }
        return .number(literal)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private mutating func skipDigits() {
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }
}
