import AsyncHTTPClient
import ChimeraSimulator
import ChimeraTestSupport
import Foundation
import Testing

@Suite("Recorded requests")
struct RequestRecordingTests {
    @Test func requestsRouteShowsMethodPathQueryHeadersAndTheExactBody() async throws {
        try await withSimulator { simulator in
            let body = #"{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":"Hi"}],"x_unknown":{"kept":[1,2]}}"#
            let response = try await post(
                .anthropicMessages,
                body,
                to: simulator,
                headers: [("anthropic-beta", "prompt-caching-2024-07-31"), ("traceparent", "00-abc-def-01"), ("X-Request-Id", "req-42")]
            )
            #expect(response.status == 200)
            let page = try await send(HTTPClientRequest(url: "http://\(simulator.host):\(simulator.port)/_simulator/requests?limit=5")).json()
            let recorded = try #require(page["requests"].array?.last)
            #expect(recorded["method"].string == "POST")
            #expect(recorded["path"].string == "/v1/messages")
            #expect(recorded["query"].string == "")
            #expect(recorded["body"].string == body)
            let headers = recorded["headers"].array?.compactMap { pair -> (String, String)? in
                guard let name = pair[0].string, let value = pair[1].string else { return nil }
                return (name, value)
            } ?? []
            #expect(headers.contains { $0 == ("anthropic-version", "2023-06-01") })
            #expect(headers.contains { $0 == ("anthropic-beta", "prompt-caching-2024-07-31") })
            #expect(headers.contains { $0 == ("traceparent", "00-abc-def-01") })
            #expect(headers.contains { $0 == ("x-request-id", "req-42") })
        }
    }

    @Test(arguments: Wire.allCases)
    func unknownTopLevelFieldsAreAcceptedAndReachTheSimulatorUnchanged(wire: Wire) async throws {
        try await withSimulator { simulator in
            let (endpoint, body): (Endpoint, String) =
                switch wire {
                case .openAI:
                    (.openAIChat, #"{"model":"gpt-4.1","messages":[{"role":"user","content":"Hi"}],"seed":7,"frequency_penalty":0.5,"user":"u-1","future_field":{"a":[true,null]}}"#)
                case .anthropic:
                    (.anthropicMessages, #"{"model":"claude-sonnet-4-5","max_tokens":9,"messages":[{"role":"user","content":"Hi"}],"top_k":3,"metadata":{"user_id":"u-1"},"future_field":{"a":[true,null]}}"#)
                case .gemini:
                    (.gemini(model: "gemini-2.5-flash", method: "generateContent"), #"{"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"safetySettings":[],"future_field":{"a":[true,null]}}"#)
                }
            let response = try await post(endpoint, body, to: simulator)
            #expect(response.status == 200)
            #expect(unaryText(wire, try response.json())?.hasSuffix(": Hi") == true)
            #expect(simulator.recordedRequests(limit: 1).first?.body == body)
        }
    }

    @Test func credentialsAreRedactedButTellKeysApart() async throws {
        try await withSimulator { simulator in
            _ = try await send(ChatCall(.openAI), to: simulator)
            var gemini = try ChatCall(.gemini).request(to: simulator)
            gemini.headers.remove(name: "x-goog-api-key")
            gemini.url += "?key=secret-query-key&alt=json"
            _ = try await send(gemini)
            let requests = simulator.recordedRequests(limit: 2)
            #expect(requests.count == 2)
            #expect(requests[0].header("authorization") == "Bearer " + RecordedRequest.redacted("test-key"))
            #expect(requests[0].header("authorization")?.contains("test-key") == false)
            #expect(requests[1].query == "key=\(RecordedRequest.redacted("secret-query-key"))&alt=json")
            #expect(RecordedRequest.redacted("a") != RecordedRequest.redacted("b"))
        }
    }

    @Test func refusedRequestsAreRecordedTooAndTheLogKeepsTheNewestTwoHundred() async throws {
        try await withSimulator { simulator in
            var refused = ChatCall(.openAI)
            refused.key = nil
            #expect(try await send(refused, to: simulator).status == 401)
            #expect(simulator.recordedRequests().count == 1)
            for index in 0..<205 {
                _ = try await send(ChatCall(.openAI, model: "gpt-4.1@words=\(index)"), to: simulator)
            }
            let all = simulator.recordedRequests(limit: 1000)
            #expect(all.count == 200)
            #expect(all.first?.body.contains("@words=5\"") == true)
            #expect(all.last?.body.contains("@words=204\"") == true)
            #expect(simulator.recordedRequests(limit: 3).map(\.body) == Array(all.suffix(3)).map(\.body))
            simulator.clearRecordedRequests()
            #expect(simulator.recordedRequests().isEmpty)
        }
    }

    @Test func simulatorRoutesAreNotRecorded() async throws {
        try await withSimulator { simulator in
            let base = "http://\(simulator.host):\(simulator.port)"
            _ = try await send(HTTPClientRequest(url: base + "/_simulator/stats"))
            _ = try await send(HTTPClientRequest(url: base + "/_simulator/requests"))
            #expect(simulator.recordedRequests().isEmpty)
        }
    }
}
