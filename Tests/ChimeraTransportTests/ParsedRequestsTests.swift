@testable import ChimeraTransport
import NIOCore
import Testing

/// A request kept by ``ParsedRequests`` carries each call's own headers and body, never an
/// earlier call's.
@Suite("Requests parsed once per method and URL")
struct ParsedRequestsTests {
    @Test func aKeptRequestTakesEachCallsHeadersAndBody() throws {
        let parsed = ParsedRequests()
        let url = "http://127.0.0.1:8080/v1/chat/completions"
        var first = UpstreamRequest(url: url, method: .POST, headers: ["x-first": "1"], body: ByteBuffer(string: "first"))
        _ = try parsed.whole(first)
        first.headers = ["x-second": "2"]
        first.body = nil
        let second = try parsed.whole(first)
        #expect(second.url.absoluteString == url)
        #expect(second.method == .POST)
        #expect(second.headers["x-first"].isEmpty)
        #expect(second.headers["x-second"] == ["2"])
        #expect(second.body == nil)
    }

    @Test func theMethodAndURLEachMakeTheirOwnRequest() throws {
        let parsed = ParsedRequests()
        let post = try parsed.whole(UpstreamRequest(url: "http://127.0.0.1:8080/a", method: .POST))
        let get = try parsed.whole(UpstreamRequest(url: "http://127.0.0.1:8080/a", method: .GET))
        let other = try parsed.whole(UpstreamRequest(url: "http://127.0.0.1:8080/b", method: .POST))
        #expect(post.method == .POST)
        #expect(get.method == .GET)
        #expect(other.url.path == "/b")
    }

    @Test func moreURLsThanItKeepsAreStillRight() throws {
        let parsed = ParsedRequests()
        for index in 0..<(ParsedRequests.capacity * 2 + 3) {
            let url = "http://127.0.0.1:8080/models/m\(index):generateContent"
            #expect(try parsed.whole(UpstreamRequest(url: url, method: .POST)).url.absoluteString == url)
        }
    }

    @Test func aURLItCannotSendToIsAnError() {
        #expect(throws: (any Error).self) { try ParsedRequests().whole(UpstreamRequest(url: "not a url", method: .POST)) }
    }
}
