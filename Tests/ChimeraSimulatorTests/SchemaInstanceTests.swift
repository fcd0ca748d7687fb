import ChimeraCore
import Testing

@testable import ChimeraSimulator

@Suite("Values from schemas")
struct SchemaInstanceTests {
    private func instance(_ schema: String, name: String = "tool") throws -> String {
        SchemaInstance.make(for: try JSONValue(parsing: schema), name: name).serialized()
    }

    @Test func requiredPropertiesGetAValueOfTheirTypeInSchemaOrder() throws {
        let schema = #"""
            {"type":"object","properties":{"zone":{"type":"string"},"count":{"type":"integer"},"ratio":{"type":"number"},
             "exact":{"type":"boolean"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"note":{"type":"string"}},
             "required":["zone","count","ratio","exact","unit"]}
            """#
        #expect(try instance(schema) == #"{"zone":"sample-zone","count":1,"ratio":1.5,"exact":true,"unit":"celsius"}"#)
    }

    @Test func withoutRequiredEveryPropertyIsFilled() throws {
        #expect(try instance(#"{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer"}}}"#) == #"{"b":"sample-b","a":1}"#)
    }

    @Test func arraysGetOneElementAndObjectsRecurse() throws {
        let schema = #"{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"}},"where":{"type":"object","properties":{"city":{"type":"string"}}}}}"#
        #expect(try instance(schema) == #"{"tags":["sample-tags"],"where":{"city":"sample-city"}}"#)
    }

    @Test func referencesAndAlternativesTakeTheFirstUsefulChoice() throws {
        let schema = #"""
            {"type":"object","properties":{"home":{"$ref":"#/$defs/Address"},"maybe":{"anyOf":[{"type":"null"},{"type":"integer"}]},
             "kind":{"type":["string","null"]},"fixed":{"const":"v2"}},"$defs":{"Address":{"type":"object","properties":{"street":{"type":"string"}}}}}
            """#
        #expect(try instance(schema) == #"{"home":{"street":"sample-street"},"maybe":1,"kind":"sample-kind","fixed":"v2"}"#)
    }

    @Test func geminiUpperCaseTypesAndPropertyOrderingAreRead() throws {
        let schema = #"{"type":"OBJECT","properties":{"b":{"type":"STRING"},"a":{"type":"NUMBER"},"c":{"type":"BOOLEAN"}},"propertyOrdering":["c","a","b"]}"#
        #expect(try instance(schema) == #"{"c":true,"a":1.5,"b":"sample-b"}"#)
    }

    @Test func selfReferenceStopsAtTheDepthLimit() throws {
        let schema = ##"{"type":"object","properties":{"next":{"$ref":"#"}},"required":["next"]}"##
        let text = try instance(schema)
        #expect(text.hasPrefix(#"{"next":{"next":"#))
        #expect(text.contains(#"{"next":null}"#))
    }

    @Test func missingSchemaGivesAnEmptyObject() {
        #expect(SchemaInstance.make(for: nil, name: "x").serialized() == "{}")
    }
}
