import ChimeraCore
import Foundation
import Testing

@Suite("JSONValue: order- and number-preserving JSON")
struct JSONValueTests {
    @Test func membersKeepTheirOrderAndNumbersTheirText() throws {
        let text = #"{"z":1,"a":{"y":[1.50,-0,1e400,12345678901234567890],"b":null},"m":true}"#
        let value = try JSONValue(parsing: text)
        #expect(value.object?.keys == ["z", "a", "m"])
        #expect(value["a"]?.object?.keys == ["y", "b"])
        #expect(value.serialized() == text)
    }

    @Test func stringsRoundTripEscapesAndUnicode() throws {
        let text = #"{"s":"quote \" back \\ slash / tab \t nl \n é 👋 \u0001 \ud83d\ude00"}"#
        let value = try JSONValue(parsing: text)
        #expect(value["s"]?.string == "quote \" back \\ slash / tab \t nl \n é 👋 \u{01} 😀")
        #expect(try JSONValue(parsing: value.serialized()) == value)
        #expect(value.serialized().contains(#"\u0001"#))
    }

    @Test func literalsBuildOrderedValues() {
        let schema: JSONValue = ["type": "object", "properties": ["b": ["type": "string"], "a": ["type": "integer"]], "required": ["b"]]
        #expect(schema.serialized() == #"{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer"}},"required":["b"]}"#)
        #expect(JSONValue.double(2.0)?.serialized() == "2")
        #expect(JSONValue.double(.nan) == nil)
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "1.", "-", "1e", "tru", "nul", "\"abc", "\"\\x\"",
        "\"\u{01}\"", "\"\\ud83d\"", "\"\\ude00\"", "[1] 2", "{\"a\":1}}", "NaN", "'a'",
    ])
    func malformedTextIsRefusedWithAnOffset(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    /// A lone 0xFF, a sequence cut short after ASCII, an overlong `/` and an encoded surrogate.
    @Test(arguments: [[0x22, 0xFF, 0x22], [0x22, 0x61, 0xC3, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] as [[UInt8]])
    func invalidUTF8IsRefused(_ bytes: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: bytes) }
    }

    @Test(arguments: ["plain ascii", "ünïcödé", "mixed ascii and 😀", ""])
    func stringsReadAsWritten(_ text: String) throws {
        #expect(try JSONValue(parsing: "\"" + text + "\"") == .string(text))
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
        let fine = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(throws: Never.self) { try JSONValue(parsing: fine) }
    }

    @Test func duplicateKeysKeepTheLastValueInTheFirstPlace() throws {
        let value = try JSONValue(parsing: #"{"a":1,"b":2,"a":3}"#)
        #expect(value.serialized() == #"{"a":3,"b":2}"#)
    }

    @Test func valueRangesLocateTopLevelMembers() throws {
        let text = #"{ "model" : "gpt-4.1", "messages":[{"role":"user"}], "n":2 }"#
        let bytes = Array(text.utf8)
        let (object, ranges) = try bytes.withUnsafeBytes { try JSONParser.skim($0, keeping: ["model", "messages", "n"]) }
        #expect(object.keys == ["model", "messages", "n"])
        let model = try #require(ranges["model"])
        #expect(String(decoding: bytes[model], as: UTF8.self) == #""gpt-4.1""#)
        #expect(String(decoding: bytes[try #require(ranges["n"])], as: UTF8.self) == "2")
    }

    @Test func skimKeepsTheNamedMembersAndLocatesEveryOne() throws {
        let text = #"{"id":"x\"}","choices":[{"message":{"content":"a \\ [b]"}},[]],"usage":{"prompt_tokens":3},"n":-1.5e3,"t":true,"z":null}"#
        let bytes = Array(text.utf8)
        let (kept, ranges) = try bytes.withUnsafeBytes { try JSONParser.skim($0, keeping: ["usage", "error"]) }
        #expect(kept.keys == ["usage"])
        #expect(kept["usage"] == .object(JSONObject([("prompt_tokens", .int(3))])))
        #expect(Set(ranges.keys) == ["id", "choices", "usage", "n", "t", "z"])
        #expect(String(decoding: bytes[try #require(ranges["choices"])], as: UTF8.self) == #"[{"message":{"content":"a \\ [b]"}},[]]"#)
        #expect(String(decoding: bytes[try #require(ranges["id"])], as: UTF8.self) == #""x\"}""#)
    }

    @Test(arguments: [
        #"[1]"#, #"{"a":"unterminated}"#, #"{"a":[1,}"#, #"{"a":{"b" 1}}"#, #"{"a":01}"#, #"{"a":tru}"#, #"{"a":1} x"#, "{\"a\":\"\u{01}\"}",
    ])
    func skimRefusesWhatIsNotAnObject(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(throws: JSONParseError.self) { try bytes.withUnsafeBytes { try JSONParser.skim($0, keeping: []) } }
    }

    @Test func skimRefusesDeepNestingInSkippedMembers() {
        let bytes = Array(("{\"a\":" + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}").utf8)
        #expect(throws: JSONParseError.self) { try bytes.withUnsafeBytes { try JSONParser.skim($0, keeping: []) } }
    }

    @Test func agreesWithFoundationOnRandomDocuments() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let text = value.serialized()
            let reparsed = try JSONValue(parsing: text)
            #expect(reparsed == value)
            #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }
        }
    }

    private static func randomValue(depth: Int, using generator: inout SystemRandomNumberGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int.random(in: -1_000_000...1_000_000, using: &generator))
        case 3: return .string(String((0..<Int.random(in: 0..<8, using: &generator)).map { _ in "aé\"\\\n👋 x".randomElement(using: &generator)! }))
        case 4: return .array((0..<Int.random(in: 0..<4, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            return .object(JSONObject((0..<Int.random(in: 0..<4, using: &generator)).map { index in
                ("k\(index)\(Int.random(in: 0..<3, using: &generator))", randomValue(depth: depth + 1, using: &generator))
            }))
        }
    }
}
