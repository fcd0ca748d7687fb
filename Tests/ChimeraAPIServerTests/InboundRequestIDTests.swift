import ChimeraServerSupport
import Foundation
import Testing

@Suite("The id a request goes by")
struct InboundRequestIDTests {
    @Test func aSaneOfferedIdIsKept() {
        #expect(InboundRequestID.resolve(offered: "trace-42_a.b:c") == "trace-42_a.b:c")
    }

    @Test func anInsaneOrMissingIdGetsANewVersion4UUID() throws {
        let pattern = try Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        var seen = Set<String>()
        for offered in [nil, "", "has space", String(repeating: "x", count: 129), "ünïcode"] + Array(repeating: nil, count: 200) {
            let id = InboundRequestID.resolve(offered: offered)
            #expect(id.wholeMatch(of: pattern) != nil, "\(id)")
            #expect(UUID(uuidString: id) != nil, "\(id)")
            seen.insert(id)
        }
        #expect(seen.count == 205)
    }
}
