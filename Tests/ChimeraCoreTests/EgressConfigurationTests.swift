import ChimeraCore
import Foundation
import Testing

@Suite("Egress and audit configuration, and the one variable table")
struct EgressConfigurationTests {
    private func problems(in environment: [String: String]) -> [String] {
        do {
            _ = try ChimeraConfiguration(environment: environment)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    private func route(_ environment: [String: String], _ url: String) throws -> String {
        try ChimeraConfiguration(environment: environment).egress.route(for: URL(string: url)!).description
    }

    @Test func proxyVariablesKeepTheirUsualMeanings() throws {
        let environment = ["HTTPS_PROXY": "http://secure.corp:3128", "HTTP_PROXY": "plain.corp:8080", "NO_PROXY": ".internal.example, 10.0.0.0/8, db.example:5432"]
        #expect(try route(environment, "https://api.openai.com/v1") == "via CONNECT proxy secure.corp:3128")
        #expect(try route(environment, "http://models.example/v1") == "via CONNECT proxy plain.corp:8080")
        #expect(try route(environment, "https://llm.internal.example") == "direct (NO_PROXY)")
        #expect(try route(environment, "https://internal.example") == "direct (NO_PROXY)")
        #expect(try route(environment, "https://notinternal.example") == "via CONNECT proxy secure.corp:3128")
        #expect(try route(environment, "https://10.1.2.3:8443") == "direct (NO_PROXY)")
        #expect(try route(environment, "https://11.1.2.3") == "via CONNECT proxy secure.corp:3128")
        #expect(try route(environment, "http://db.example:5432") == "direct (NO_PROXY)")
        #expect(try route(environment, "http://db.example:80") == "via CONNECT proxy plain.corp:8080")
        #expect(try route(environment, "http://localhost:8080") == "direct (loopback)")
        #expect(try route(environment, "http://127.0.0.2:8080") == "direct (loopback)")
        #expect(try route(environment, "http://[::1]:8080") == "direct (loopback)")
        #expect(try route(["HTTPS_PROXY": "http://p:1", "NO_PROXY": "*"], "https://api.openai.com") == "direct (NO_PROXY)")
        #expect(try route([:], "https://api.openai.com") == "direct")
    }

    @Test func allProxyCoversSchemesWithoutTheirOwnAndTheOverrideCoversEverything() throws {
        let environment = ["ALL_PROXY": "socks5://socks.corp", "HTTPS_PROXY": "http://secure.corp:3128"]
        #expect(try route(environment, "http://plain.example") == "via SOCKS5 proxy socks.corp:1080")
        #expect(try route(environment, "https://api.openai.com") == "via CONNECT proxy secure.corp:3128")
        let overridden = environment.merging(["CHIMERA_EGRESS_PROXY": "http://egress.corp:9000"]) { $1 }
        #expect(try route(overridden, "http://plain.example") == "via CONNECT proxy egress.corp:9000")
        #expect(try route(overridden, "https://api.openai.com") == "via CONNECT proxy egress.corp:9000")
        #expect(try ChimeraConfiguration(environment: overridden).egress.proxies.count == 1)
    }

    @Test func lowercaseProxyVariablesWinAsInCurl() throws {
        #expect(try route(["HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:2"], "https://a.example") == "via CONNECT proxy lower:2")
        #expect(try route(["HTTPS_PROXY": "http://p:1", "NO_PROXY": "a.example", "no_proxy": "b.example"], "https://a.example") == "via CONNECT proxy p:1")
    }

    @Test func proxyCredentialsAreReadAndNeverShown() throws {
        let sentinel = "pa55-SENTINEL-word"
        let configuration = try ChimeraConfiguration(environment: ["HTTPS_PROXY": "http://alice:\(sentinel)@proxy.corp:3128"])
        let proxy = try #require(configuration.egress.httpsProxy)
        #expect(proxy.username == "alice")
        #expect(proxy.password?.value == sentinel)
        #expect(proxy.description == "http://alice:****@proxy.corp:3128")
        let row = ChimeraConfiguration.variables.first { $0.name == "HTTPS_PROXY" }!.shownValue(in: configuration)
        #expect(row == "http://alice:****@proxy.corp:3128")
        #expect(!"\(configuration) \(String(reflecting: configuration))".contains(sentinel))
        let bad = problems(in: ["HTTPS_PROXY": "ftp://alice:\(sentinel)@proxy.corp"])
        #expect(bad.count == 1)
        #expect(!bad.joined().contains(sentinel))
    }

    struct InvalidCase: Sendable, CustomTestStringConvertible {
        let variable: String
        let value: String
        let accepted: String
        var testDescription: String { "\(variable)=\(value)" }
    }

    static let invalidCases: [InvalidCase] = [
        InvalidCase(variable: "CHIMERA_EGRESS", value: "closed", accepted: "open, strict"),
        InvalidCase(variable: "HTTPS_PROXY", value: "ftp://proxy", accepted: "http://[user:password@]host[:port] (a CONNECT proxy) or socks5://host[:port]"),
        InvalidCase(variable: "HTTPS_PROXY", value: "https://proxy:443", accepted: "a TLS connection to the proxy itself (https://) is not supported"),
        InvalidCase(variable: "ALL_PROXY", value: "socks5://u:p@socks:1080", accepted: "SOCKS5 with a user name and password is not supported"),
        InvalidCase(variable: "CHIMERA_EGRESS_PROXY", value: "http://proxy:99999", accepted: "http://[user:password@]host[:port]"),
        InvalidCase(variable: "NO_PROXY", value: "ok.example, bad host", accepted: "a comma-separated list of hosts"),
        InvalidCase(variable: "NO_PROXY", value: "10.0.0.0/40", accepted: "a comma-separated list of hosts"),
        InvalidCase(variable: "CHIMERA_CA_BUNDLE", value: "/nonexistent/ca.pem", accepted: "a readable file of PEM certificates (-----BEGIN CERTIFICATE-----); this file cannot be read"),
        InvalidCase(variable: "CHIMERA_AUDIT_LOG", value: "/nonexistent-folder/audit.log", accepted: "the path of a file in an existing directory"),
        InvalidCase(variable: "CHIMERA_AUDIT_MAX_BYTES", value: "10", accepted: "an integer from 1024 to 1099511627776"),
        InvalidCase(variable: "CHIMERA_AUDIT_KEEP", value: "0", accepted: "an integer from 1 to 1000"),
        InvalidCase(variable: "CHIMERA_AUDIT_CONTENT", value: "sometimes", accepted: "true, false, 1, 0, yes or no"),
    ]

    @Test(arguments: invalidCases)
    func invalidEgressValuesAreReportedWithWhatIsAccepted(_ testCase: InvalidCase) {
        let found = problems(in: [testCase.variable: testCase.value])
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix("\(testCase.variable)=") == true, "\(found)")
        #expect(found.first?.contains(testCase.accepted) == true, "\(found)")
    }

    @Test func aGarbledOrEmptyCABundleIsAProblemAtStart() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "chimera-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appending(path: "empty.pem")
        try Data("no certificates here\n".utf8).write(to: empty)
        let garbled = folder.appending(path: "garbled.pem")
        try Data("-----BEGIN CERTIFICATE-----\nMIIBnotreallyDER==\n-----END CERTIFICATE-----\n".utf8).write(to: garbled)
        let truncated = folder.appending(path: "truncated.pem")
        try Data("-----BEGIN CERTIFICATE-----\nMIIB\n".utf8).write(to: truncated)
        #expect(problems(in: ["CHIMERA_CA_BUNDLE": empty.path]).first?.contains("this file holds no certificate") == true)
        #expect(problems(in: ["CHIMERA_CA_BUNDLE": garbled.path]).first?.contains("certificate 1 is not valid base64 DER") == true)
        #expect(problems(in: ["SSL_CERT_FILE": truncated.path]).first?.contains("certificate 1 has no END line") == true)
    }

    @Test func aValidCABundleIsReadAndSSLCertFileIsTheFallback() throws {
        let ca = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appending(path: "Fixtures/tls/test-ca.pem").path
        let fromChimera = try ChimeraConfiguration(environment: ["CHIMERA_CA_BUNDLE": ca, "SSL_CERT_FILE": "/nonexistent/ignored.pem"])
        #expect(fromChimera.egress.trustedCertificates?.path == ca)
        #expect(fromChimera.egress.trustedCertificates?.certificateCount == 1)
        let fromSSL = try ChimeraConfiguration(environment: ["SSL_CERT_FILE": ca])
        #expect(fromSSL.egress.trustedCertificates?.path == ca)
    }

    @Test func strictEgressInProxyModeRefusesFallbackAndSaysWhy() {
        let found = problems(in: ["CHIMERA_EGRESS": "strict", "API_CONNECTION_MODE": "proxy", "PROXY_FALLBACK_TO_DIRECT": "yes"])
        #expect(found == [#"PROXY_FALLBACK_TO_DIRECT="yes": accepted: false while CHIMERA_EGRESS=strict in proxy mode: strict egress means nothing but the proxy is contacted, and fallback would call the providers directly"#])
        #expect(problems(in: ["CHIMERA_EGRESS": "strict", "API_CONNECTION_MODE": "proxy"]).isEmpty)
        #expect(problems(in: ["CHIMERA_EGRESS": "strict", "PROXY_FALLBACK_TO_DIRECT": "true"]).isEmpty, "direct mode never falls back")
    }

    @Test func theManifestListsWhatEachRoleMayContact() throws {
        let proxyMode = try ChimeraConfiguration(environment: [
            "API_CONNECTION_MODE": "proxy", "PROXY_SERVER_URL": "http://127.0.0.1:8080", "OPENAI_API_KEY": "k",
            "HTTPS_PROXY": "http://proxy.corp:3128", "CHIMERA_EGRESS": "strict",
        ])
        let client = EgressManifest(proxyMode, role: .client)
        #expect(client.entries.map(\.destination.description) == ["127.0.0.1:8080"])
        #expect(client.entries.first?.route == .direct(.loopback))
        #expect(client.enforcedDestinations == [EgressDestination(host: "127.0.0.1", port: 8080)])
        let server = EgressManifest(proxyMode, role: .proxyServer)
        #expect(server.entries.map(\.destination.description) == ["api.openai.com:443"])
        #expect(server.entries.first?.route.description == "via CONNECT proxy proxy.corp:3128")

        var fallback = proxyMode
        fallback.egress.policy = .open
        fallback.proxy.fallbackToDirect = true
        let withFallback = EgressManifest(fallback, role: .client)
        #expect(withFallback.entries.map(\.destination.description) == ["127.0.0.1:8080", "api.openai.com:443"])
        #expect(withFallback.entries.last?.purpose == "openai (OPENAI_BASE_URL), on fallback only")
        #expect(withFallback.enforcedDestinations == nil)
    }

    @Test func everyVariableIsParsedFromAndShownByTheOneTable() throws {
        let names = ChimeraConfiguration.variables.map(\.name)
        #expect(Set(names).count == names.count, "each variable once")
        // Every variable with a value that differs from its default must change what the table shows.
        let defaults = ChimeraConfiguration()
        let ca = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appending(path: "Fixtures/tls/test-ca.pem").path
        var samples: [String: String] = [
            "API_CONNECTION_MODE": "proxy", "PROXY_SERVER_URL": "http://proxy.test:1", "PROXY_PROTOCOL": "json",
            "PROXY_API_KEY": "k", "PROXY_FALLBACK_TO_DIRECT": "true", "CHIMERA_LOG_LEVEL": "debug",
            "CHIMERA_API_KEY": "k", "CHIMERA_PROXY_API_KEY": "k", "CHIMERA_EGRESS": "strict",
            "CHIMERA_EGRESS_PROXY": "http://p:1", "HTTPS_PROXY": "http://p:2", "HTTP_PROXY": "http://p:3", "ALL_PROXY": "socks5://p:4",
            "NO_PROXY": "a.example", "CHIMERA_CA_BUNDLE": ca, "CHIMERA_AUDIT_LOG": NSTemporaryDirectory() + "audit.log",
            "CHIMERA_AUDIT_CONTENT": "true",
        ]
        for variable in ChimeraConfiguration.variables where samples[variable.name] == nil {
            if variable.name.hasSuffix("_SECONDS") { samples[variable.name] = "7" }
            else if variable.name.hasSuffix("_API_KEY") { samples[variable.name] = "k" }
            else if variable.name.hasSuffix("_BASE_URL") { samples[variable.name] = "http://base.test:2" }
            else if variable.name.hasSuffix("_PROXY_ROUTE") { samples[variable.name] = "route-x" }
            else if variable.name.hasSuffix("_BYTES") { samples[variable.name] = "4096" }
            else if variable.name.hasSuffix("_RETRIES") || variable.name.hasSuffix("_POOL_SIZE") || variable.name.hasSuffix("_KEEP") { samples[variable.name] = "5" }
        }
        samples["SSL_CERT_FILE"] = nil  // not read while CHIMERA_CA_BUNDLE is set; checked on its own above
        samples["PROXY_FALLBACK_TO_DIRECT"] = "true"
        samples["CHIMERA_EGRESS"] = nil  // strict with fallback in proxy mode is refused; strict is read in the test above
        let configuration = try ChimeraConfiguration(environment: samples)
        for variable in ChimeraConfiguration.variables where samples[variable.name] != nil {
            #expect(variable.shownValue(in: configuration) != variable.shownValue(in: defaults), "\(variable.name) is read and shown")
        }
    }

    @Test func theReadmeDocumentsEveryVariable() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appending(path: "README.md"), encoding: .utf8)
        for variable in ChimeraConfiguration.variables {
            let perProvider = ProviderID.allCases.contains { variable.name.hasPrefix($0.environmentPrefix + "_") }
            let documented = readme.contains("`\(variable.name)`") || perProvider && readme.contains("`<P>\(variable.name.drop { $0 != "_" })`")
            #expect(documented, "README.md documents \(variable.name)")
        }
    }
}
