import AsyncHTTPClient
import Chimera
import ChimeraAPIServer
import ChimeraProxyServer
import ChimeraTestSupport
import Foundation
import Testing

/// Issue 15, item 1: an empty or blank key is no key, everywhere a key can be given.
@Suite("Blank keys count as unset")
struct BlankKeyTests {
    static let blanks = ["", "  ", "\t", " \n "]

    @Test(arguments: blanks)
    func aBlankKeyDoesNotLetEitherServerBindAPublicAddress(blank: String) async throws {
        let proxyError = await #expect(throws: ChimeraError.self) {
            try await RunningProxy.start(configuration: ChimeraConfiguration(), options: .init(apiKey: Secret(blank)), host: "0.0.0.0", port: 0)
        }
        #expect(proxyError?.kind == .configuration)
        let serveError = await #expect(throws: ChimeraError.self) {
            try await RunningAPIServer.start(configuration: ChimeraConfiguration(), options: .init(apiKey: Secret(blank)), host: "0.0.0.0", port: 0)
        }
        #expect(serveError?.kind == .configuration)
    }

    @Test func aProxyWithABlankKeyOnLoopbackIsKeyless() async throws {
        try await withSimulatedProxy(options: ProxyServer.Options(apiKey: Secret("  "))) { proxy in
            try await withHTTPClient { client in
                let body = #"{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}"#
                let reply = try await exchange(client, proxy.baseURL.appending(path: "v1/chat/completions"), method: .POST, body: body)
                #expect(reply.status == 200, "\(reply.body)")
            }
        }
    }

    @Test func blankVariablesAreUnset() throws {
        var environment: [String: String] = ["CHIMERA_API_KEY": "  ", "PROXY_API_KEY": "", "OPENAI_API_KEY": " \n"]
        for id in ProviderID.allCases where id != .openai { environment["\(id.environmentPrefix)_API_KEY"] = "\t" }
        let configuration = try ChimeraConfiguration(environment: environment)
        #expect(configuration.apiKey == nil)
        #expect(configuration.proxy.apiKey == nil)
        for id in ProviderID.allCases { #expect(configuration.provider(id).apiKey == nil, "\(id)") }
        #expect(Secret.nonBlank("  key  ")?.value == "key")
    }

    @Test func anEmptyOfferedKeyNeverMatches() async throws {
        #expect(!Secret("").matches(""))
        #expect(!Secret("a-real-key").matches(""))
        try await withSimulatedProxy(options: ProxyServer.Options(apiKey: Secret("a-real-key"))) { proxy in
            try await withHTTPClient { client in
                let chat = proxy.baseURL.appending(path: "v1/chat/completions")
                let body = #"{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}"#
                for headers in [[("x-api-key", "")], [("x-goog-api-key", "")], [("authorization", "Bearer ")], []] {
                    let reply = try await exchange(client, chat, method: .POST, headers: headers, body: body)
                    #expect(reply.status == 401, "\(headers)")
                }
                let query = try await exchange(client, URL(string: chat.absoluteString + "?key=")!, method: .POST, body: body)
                #expect(query.status == 401)
                let right = try await exchange(client, chat, method: .POST, headers: [("x-api-key", "a-real-key")], body: body)
                #expect(right.status == 200)
            }
        }
    }
}
