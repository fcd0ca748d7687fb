import ChimeraCore
import Foundation
import Testing

@Suite("Configuration from the environment")
struct ConfigurationTests {
    @Test func emptyEnvironmentGivesTheDocumentedDefaults() throws {
        let configuration = try ChimeraConfiguration(environment: [:])
        #expect(configuration.connectionMode == .direct)
        #expect(configuration.proxy.serverURL.absoluteString == "http://localhost:8080")
        #expect(configuration.proxy.wireProtocol == .auto)
        #expect(configuration.proxy.apiKey == nil)
        #expect(configuration.proxy.fallbackToDirect == false)
        #expect(configuration.proxy.maxRetries == 3)
        #expect(configuration.proxy.poolSize == 8)
        #expect(configuration.proxy.healthCheckInterval == .seconds(30))
        #expect(configuration.proxy.timeouts.request == .seconds(300))
        #expect(configuration.proxy.timeouts.connect == .seconds(10))
        #expect(configuration.logLevel == .info)
        #expect(configuration.apiKey == nil)
        #expect(configuration.provider(.openai).baseURL?.absoluteString == "https://api.openai.com/v1")
        #expect(configuration.provider(.anthropic).baseURL?.absoluteString == "https://api.anthropic.com")
        #expect(configuration.provider(.cursor).baseURL == nil)
        #expect(configuration.provider(.deepseek).proxyRoute == "openai-custom-deepseek")
    }

    struct ValidCase: Sendable, CustomTestStringConvertible {
        let variable: String
        let value: String
        let check: @Sendable (ChimeraConfiguration) -> Bool
        var testDescription: String { "\(variable)=\(value)" }
    }

    static let validCases: [ValidCase] = [
        ValidCase(variable: "API_CONNECTION_MODE", value: "proxy") { $0.connectionMode == .proxy },
        ValidCase(variable: "API_CONNECTION_MODE", value: "DIRECT") { $0.connectionMode == .direct },
        ValidCase(variable: "PROXY_SERVER_URL", value: "https://proxy.internal:9443/") { $0.proxy.serverURL.absoluteString == "https://proxy.internal:9443" },
        ValidCase(variable: "PROXY_SERVER_URL", value: "http://proxy-a:8080, http://proxy-b:8080/") {
            $0.proxy.serverURLs.map(\.absoluteString) == ["http://proxy-a:8080", "http://proxy-b:8080"]
        },
        ValidCase(variable: "PROXY_PROTOCOL", value: "protobuf") { $0.proxy.wireProtocol == .protobuf },
        ValidCase(variable: "OPENAI_WIRE_API", value: "responses") { $0.family(of: .openai) == .openAIResponses && $0.family(of: .qwen) == .openAIChat },
        ValidCase(variable: "QWEN_WIRE_API", value: "Responses") { $0.provider(.qwen).wireAPI == .responses && $0.family(of: .qwen) == .openAIResponses },
        ValidCase(variable: "PROXY_PROTOCOL", value: "json") { $0.proxy.wireProtocol == .json },
        ValidCase(variable: "PROXY_API_KEY", value: "proxy-key-123") { $0.proxy.apiKey?.value == "proxy-key-123" },
        ValidCase(variable: "PROXY_FALLBACK_TO_DIRECT", value: "yes") { $0.proxy.fallbackToDirect },
        ValidCase(variable: "PROXY_FALLBACK_TO_DIRECT", value: "1") { $0.proxy.fallbackToDirect },
        ValidCase(variable: "PROXY_FALLBACK_TO_DIRECT", value: "False") { !$0.proxy.fallbackToDirect },
        ValidCase(variable: "PROXY_TIMEOUT_SECONDS", value: "2.5") { $0.proxy.timeouts.request == .milliseconds(2500) },
        ValidCase(variable: "PROXY_CONNECT_TIMEOUT_SECONDS", value: "3") { $0.proxy.timeouts.connect == .seconds(3) },
        ValidCase(variable: "PROXY_STREAM_IDLE_TIMEOUT_SECONDS", value: "7") { $0.proxy.timeouts.streamIdle == .seconds(7) },
        ValidCase(variable: "PROXY_MAX_RETRIES", value: "0") { $0.proxy.maxRetries == 0 },
        ValidCase(variable: "PROXY_MAX_RETRIES", value: "10") { $0.proxy.maxRetries == 10 },
        ValidCase(variable: "PROXY_POOL_SIZE", value: "1") { $0.proxy.poolSize == 1 },
        ValidCase(variable: "PROXY_POOL_SIZE", value: "1024") { $0.proxy.poolSize == 1024 },
        ValidCase(variable: "PROXY_HEALTH_CHECK_INTERVAL_SECONDS", value: "0.2") { $0.proxy.healthCheckInterval == .milliseconds(200) },
        ValidCase(variable: "OPENAI_API_KEY", value: "sk-test") { $0.provider(.openai).apiKey?.value == "sk-test" },
        ValidCase(variable: "OPENAI_BASE_URL", value: "http://127.0.0.1:9000/v1") { $0.provider(.openai).baseURL?.absoluteString == "http://127.0.0.1:9000/v1" },
        ValidCase(variable: "ANTHROPIC_API_KEY", value: "a") { $0.provider(.anthropic).apiKey?.value == "a" },
        ValidCase(variable: "GEMINI_BASE_URL", value: "http://localhost:1") { $0.provider(.gemini).baseURL?.absoluteString == "http://localhost:1" },
        ValidCase(variable: "DEEPSEEK_API_KEY", value: "d") { $0.provider(.deepseek).apiKey?.value == "d" },
        ValidCase(variable: "QWEN_BASE_URL", value: "https://dashscope.aliyuncs.com/compatible-mode/v1") { $0.provider(.qwen).baseURL?.host == "dashscope.aliyuncs.com" },
        ValidCase(variable: "CURSOR_BASE_URL", value: "http://127.0.0.1:7000/v1") { $0.provider(.cursor).baseURL?.port == 7000 },
        ValidCase(variable: "CURSOR_PROXY_ROUTE", value: "my-cursor.2") { $0.provider(.cursor).proxyRoute == "my-cursor.2" },
        ValidCase(variable: "CHIMERA_LOG_LEVEL", value: "TRACE") { $0.logLevel == .trace },
        ValidCase(variable: "CHIMERA_LOG_LEVEL", value: "critical") { $0.logLevel == .critical },
        ValidCase(variable: "CHIMERA_API_KEY", value: "server-key") { $0.apiKey?.value == "server-key" },
        ValidCase(variable: "CHIMERA_MAX_RETRIES", value: "5") { $0.direct.maxRetries == 5 },
        ValidCase(variable: "CHIMERA_MAX_RESPONSE_BYTES", value: "4096") { $0.limits.maxBodyBytes == 4096 },
        ValidCase(variable: "CHIMERA_MAX_STREAM_BYTES", value: "1073741824") { $0.limits.maxStreamBytes == 1 << 30 },
        ValidCase(variable: "CHIMERA_REQUEST_TIMEOUT_SECONDS", value: "60") { $0.direct.timeouts.request == .seconds(60) },
        ValidCase(variable: "OPENAI_API_KEY", value: "") { $0.provider(.openai).apiKey == nil },
        ValidCase(variable: "CHIMERA_SERVER_HEADER_TIMEOUT_SECONDS", value: "5") { $0.server.headerTimeout == .seconds(5) },
        ValidCase(variable: "CHIMERA_SERVER_BODY_TIMEOUT_SECONDS", value: "2.5") { $0.server.bodyTimeout == .milliseconds(2500) },
        ValidCase(variable: "CHIMERA_SERVER_IDLE_TIMEOUT_SECONDS", value: "30") { $0.server.idleTimeout == .seconds(30) },
        ValidCase(variable: "CHIMERA_SERVER_SEND_TIMEOUT_SECONDS", value: "10") { $0.server.sendTimeout == .seconds(10) },
        ValidCase(variable: "CHIMERA_SERVER_MAX_CONNECTIONS", value: "2000") { $0.server.maxConnections == 2000 },
        ValidCase(variable: "CHIMERA_CACHE", value: "Memory") { $0.sharing.cache == .memory && $0.sharing.isOn },
        ValidCase(variable: "CHIMERA_CACHE_TTL_SECONDS", value: "30") { $0.sharing.cacheTTL == .seconds(30) },
        ValidCase(variable: "CHIMERA_CACHE_MAX_BYTES", value: "1048576") { $0.sharing.cacheMaxBytes == 1 << 20 },
        ValidCase(variable: "CHIMERA_DEDUPLICATE", value: "true") { $0.sharing.deduplicate && $0.sharing.cache == .off },
        ValidCase(variable: "CHIMERA_POSTGRES_URL", value: "postgresql://cache:p%40ss@db.internal:6432/chimera?sslmode=require") {
            $0.sharing.postgres == PostgresLocation(host: "db.internal", port: 6432, username: "cache", password: Secret("p@ss"), database: "chimera", tls: .require)
        },
    ]

    @Test func serverLimitsDefaultLikeNginx() throws {
        let server = try ChimeraConfiguration(environment: [:]).server
        #expect(server.headerTimeout == .seconds(60) && server.bodyTimeout == .seconds(60))
        #expect(server.idleTimeout == .seconds(75) && server.sendTimeout == .seconds(60))
        // Half the descriptor limit: 512 under the common 1,024, never below 64.
        #expect(server.maxConnections == ServerLimits.defaultMaxConnections && server.maxConnections >= 64)
    }

    @Test(arguments: validCases)
    func validValueIsRead(_ testCase: ValidCase) throws {
        let configuration = try ChimeraConfiguration(environment: [testCase.variable: testCase.value])
        #expect(testCase.check(configuration))
    }

    struct InvalidCase: Sendable, CustomTestStringConvertible {
        let variable: String
        let value: String
        let message: String
        var testDescription: String { "\(variable)=\(value)" }
    }

    static let invalidCases: [InvalidCase] = [
        InvalidCase(variable: "API_CONNECTION_MODE", value: "tunnel", message: #"API_CONNECTION_MODE="tunnel": accepted: direct, proxy"#),
        InvalidCase(variable: "PROXY_PROTOCOL", value: "grpc", message: #"PROXY_PROTOCOL="grpc": accepted: auto, json, protobuf"#),
        InvalidCase(variable: "DEEPSEEK_WIRE_API", value: "completions", message: #"DEEPSEEK_WIRE_API="completions": accepted: chat, responses"#),
        InvalidCase(variable: "PROXY_SERVER_URL", value: "localhost:8080", message: #"PROXY_SERVER_URL="localhost:8080": accepted: a comma-separated list of distinct http:// or https:// URLs with a host and no query, e.g. http://proxy-a:8080,http://proxy-b:8080"#),
        InvalidCase(variable: "PROXY_SERVER_URL", value: "ftp://proxy", message: #"PROXY_SERVER_URL="ftp://proxy": accepted: a comma-separated list of distinct http:// or https:// URLs with a host and no query, e.g. http://proxy-a:8080,http://proxy-b:8080"#),
        InvalidCase(variable: "PROXY_SERVER_URL", value: "http://a:1,,http://b:2", message: #"PROXY_SERVER_URL="http://a:1,,http://b:2": accepted: a comma-separated list of distinct http:// or https:// URLs with a host and no query, e.g. http://proxy-a:8080,http://proxy-b:8080"#),
        InvalidCase(variable: "PROXY_SERVER_URL", value: "http://a:1,http://a:1", message: #"PROXY_SERVER_URL="http://a:1,http://a:1": accepted: a comma-separated list of distinct http:// or https:// URLs with a host and no query, e.g. http://proxy-a:8080,http://proxy-b:8080"#),
        InvalidCase(variable: "OPENAI_BASE_URL", value: "http://", message: #"OPENAI_BASE_URL="http://": accepted: an http:// or https:// URL with a host and no query, e.g. http://localhost:8080"#),
        InvalidCase(variable: "PROXY_FALLBACK_TO_DIRECT", value: "maybe", message: #"PROXY_FALLBACK_TO_DIRECT="maybe": accepted: true, false, 1, 0, yes or no"#),
        InvalidCase(variable: "PROXY_POOL_SIZE", value: "0", message: #"PROXY_POOL_SIZE="0": accepted: an integer from 1 to 1024"#),
        InvalidCase(variable: "PROXY_POOL_SIZE", value: "1025", message: #"PROXY_POOL_SIZE="1025": accepted: an integer from 1 to 1024"#),
        InvalidCase(variable: "PROXY_POOL_SIZE", value: "eight", message: #"PROXY_POOL_SIZE="eight": accepted: an integer from 1 to 1024"#),
        InvalidCase(variable: "CHIMERA_MAX_STREAM_BYTES", value: "12", message: #"CHIMERA_MAX_STREAM_BYTES="12": accepted: an integer from 1024 to 68719476736"#),
        InvalidCase(variable: "CHIMERA_MAX_RESPONSE_BYTES", value: "32MiB", message: #"CHIMERA_MAX_RESPONSE_BYTES="32MiB": accepted: an integer from 1024 to 68719476736"#),
        InvalidCase(variable: "PROXY_MAX_RETRIES", value: "11", message: #"PROXY_MAX_RETRIES="11": accepted: an integer from 0 to 10"#),
        InvalidCase(variable: "PROXY_MAX_RETRIES", value: "-1", message: #"PROXY_MAX_RETRIES="-1": accepted: an integer from 0 to 10"#),
        InvalidCase(variable: "PROXY_TIMEOUT_SECONDS", value: "0", message: #"PROXY_TIMEOUT_SECONDS="0": accepted: a number of seconds greater than 0 and at most 86400"#),
        InvalidCase(variable: "PROXY_CONNECT_TIMEOUT_SECONDS", value: "-3", message: #"PROXY_CONNECT_TIMEOUT_SECONDS="-3": accepted: a number of seconds greater than 0 and at most 86400"#),
        InvalidCase(variable: "PROXY_HEALTH_CHECK_INTERVAL_SECONDS", value: "soon", message: #"PROXY_HEALTH_CHECK_INTERVAL_SECONDS="soon": accepted: a number of seconds greater than 0 and at most 86400"#),
        InvalidCase(variable: "CHIMERA_LOG_LEVEL", value: "verbose", message: #"CHIMERA_LOG_LEVEL="verbose": accepted: trace, debug, info, notice, warning, error, critical"#),
        InvalidCase(variable: "CHIMERA_CACHE", value: "redis", message: #"CHIMERA_CACHE="redis": accepted: off, memory, postgres"#),
        InvalidCase(variable: "CHIMERA_POSTGRES_URL", value: "mysql://u@db/x", message: #"CHIMERA_POSTGRES_URL="mysql://u@db/x": accepted: a postgres:// URL with a user and a database, e.g. postgres://chimera@db.internal:5432/chimera (a password goes after the user; ?sslmode=disable or require)"#),
        InvalidCase(variable: "CHIMERA_CACHE_MAX_BYTES", value: "10", message: #"CHIMERA_CACHE_MAX_BYTES="10": accepted: an integer from 1024 to 68719476736"#),
        InvalidCase(variable: "CHIMERA_SERVER_MAX_CONNECTIONS", value: "0", message: #"CHIMERA_SERVER_MAX_CONNECTIONS="0": accepted: an integer from 1 to 1048576"#),
        InvalidCase(variable: "CHIMERA_SERVER_SEND_TIMEOUT_SECONDS", value: "never", message: #"CHIMERA_SERVER_SEND_TIMEOUT_SECONDS="never": accepted: a number of seconds greater than 0 and at most 86400"#),
        InvalidCase(variable: "GEMINI_PROXY_ROUTE", value: "a/b", message: #"GEMINI_PROXY_ROUTE="a/b": accepted: one path segment of letters, digits, '.', '_' or '-', e.g. openai-custom"#),
    ]

    @Test(arguments: invalidCases)
    func invalidValueIsReportedWithVariableValueAndAcceptedValues(_ testCase: InvalidCase) {
        #expect(problems(in: [testCase.variable: testCase.value]).map(\.description) == [testCase.message])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = problems(in: [
            "API_CONNECTION_MODE": "sideways",
            "PROXY_POOL_SIZE": "5000",
            "PROXY_MAX_RETRIES": "lots",
            "PROXY_FALLBACK_TO_DIRECT": "perhaps",
            "ANTHROPIC_BASE_URL": "not a url",
        ])
        #expect(Set(found.map(\.variable)) == ["API_CONNECTION_MODE", "PROXY_POOL_SIZE", "PROXY_MAX_RETRIES", "PROXY_FALLBACK_TO_DIRECT", "ANTHROPIC_BASE_URL"])
    }

    @Test func theErrorMessageListsEveryProblemOnItsOwnLine() throws {
        let error = #expect(throws: ChimeraError.self) {
            try ChimeraConfiguration(environment: ["PROXY_POOL_SIZE": "0", "API_CONNECTION_MODE": "x"])
        }
        let description = try #require(error).description
        #expect(description.contains("\n  - API_CONNECTION_MODE=\"x\""))
        #expect(description.contains("\n  - PROXY_POOL_SIZE=\"0\""))
        #expect(try #require(error).kind == .configuration)
    }

    @Test func aPostgresCacheNeedsItsDatabaseAndHidesItsPassword() throws {
        #expect(problems(in: ["CHIMERA_CACHE": "postgres"]).map(\.description) == [
            #"CHIMERA_POSTGRES_URL="": accepted: a postgres:// URL with a user and a database, e.g. postgres://chimera@db.internal:5432/chimera (a password goes after the user; ?sslmode=disable or require), required by CHIMERA_CACHE=postgres"#,
        ])
        let configuration = try ChimeraConfiguration(environment: ["CHIMERA_CACHE": "postgres", "CHIMERA_POSTGRES_URL": "postgres://cache:db-secret-7@127.0.0.1/chimera"])
        let shown = ChimeraConfiguration.variables.first { $0.name == "CHIMERA_POSTGRES_URL" }!.shownValue(in: configuration)
        #expect(shown == "postgres://cache:****@127.0.0.1:5432/chimera")
        #expect(configuration.secrets.contains(Secret("db-secret-7")))
    }

    @Test func secretsInBadURLsAreNeverEchoed() {
        let found = problems(in: ["PROXY_SERVER_URL": "ftp://admin:hunter2-secret@proxy?key=AIzaSyD-abcdefghijklmnop"])
        let text = found.map(\.description).joined()
        #expect(!text.contains("hunter2-secret"))
        #expect(!text.contains("AIzaSyD-abcdefghijklmnop"))
        #expect(text.contains("PROXY_SERVER_URL"))
    }

    @Test func keysPrintMasked() throws {
        let sentinel = "sk-SENTINEL-0123456789abcdefghij"
        let configuration = try ChimeraConfiguration(environment: ["OPENAI_API_KEY": sentinel, "PROXY_API_KEY": sentinel])
        let printed = "\(configuration) \(String(reflecting: configuration))"
        #expect(!printed.contains(sentinel))
        #expect(configuration.provider(.openai).apiKey?.description == "****ghij")
    }

    private func problems(in environment: [String: String]) -> [ConfigurationProblem] {
        do {
            _ = try ChimeraConfiguration(environment: environment)
            return []
        } catch {
            return error.problems
        }
    }
}
