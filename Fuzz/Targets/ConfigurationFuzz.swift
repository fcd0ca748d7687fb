import ChimeraCore

/// The environment parser on arbitrary values for every variable it reads: it must accept or
/// list problems, never crash, and never quote a secret back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfiguration(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let text = String(decoding: input.rest, as: UTF8.self)
    var environment: [String: String] = [:]
    // Each line is `<index byte>value`; the index picks the variable so every one is reachable.
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        guard let first = line.unicodeScalars.first else { continue }
        let name = variables[Int(first.value) % variables.count]
        environment[name] = String(line.unicodeScalars.dropFirst())
    }
    let secret = "FUZZSECRETSENTINEL"
    for id in ProviderID.allCases where input.byte().isMultiple(of: 2) {
        environment["\(id.environmentPrefix)_API_KEY"] = secret
    }
    do {
        _ = try ChimeraConfiguration(environment: environment)
    } catch {
        precondition(!error.description.contains(secret), "a configuration error shows an API key")
        precondition(!error.problems.isEmpty, "a configuration error without problems")
    }
    return 0
}

private let variables: [String] = [
    "API_CONNECTION_MODE", "PROXY_SERVER_URL", "PROXY_PROTOCOL", "PROXY_API_KEY", "PROXY_FALLBACK_TO_DIRECT",
    "PROXY_CONNECT_TIMEOUT_SECONDS", "PROXY_TIMEOUT_SECONDS", "PROXY_STREAM_IDLE_TIMEOUT_SECONDS", "PROXY_MAX_RETRIES",
    "PROXY_POOL_SIZE", "PROXY_HEALTH_CHECK_INTERVAL_SECONDS", "CHIMERA_CONNECT_TIMEOUT_SECONDS",
    "CHIMERA_REQUEST_TIMEOUT_SECONDS", "CHIMERA_STREAM_IDLE_TIMEOUT_SECONDS", "CHIMERA_MAX_RETRIES",
    "CHIMERA_LOG_LEVEL", "CHIMERA_API_KEY",
] + ProviderID.allCases.flatMap { ["\($0.environmentPrefix)_BASE_URL", "\($0.environmentPrefix)_PROXY_ROUTE"] }
