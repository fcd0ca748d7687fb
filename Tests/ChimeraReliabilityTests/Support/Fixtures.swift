import Chimera
import ChimeraProxyServer
import ChimeraTestSupport
import Foundation
import Logging

/// Proxy mode at `proxy` with the given retries and limits; JSON protocol so no probe is needed.
func proxyMode(
    _ proxy: URL, retries: Int = 0, fallback: Bool = false,
    timeouts: Timeouts = Timeouts(connect: .seconds(1), request: .seconds(1), streamIdle: .seconds(1))
) -> ChimeraConfiguration {
    var configuration = ChimeraConfiguration(connectionMode: .proxy)
    configuration.proxy.serverURL = proxy
    configuration.proxy.maxRetries = retries
    configuration.proxy.fallbackToDirect = fallback
    configuration.proxy.wireProtocol = .json
    configuration.proxy.timeouts = timeouts
    return configuration
}

/// Runs `body` with a service, shut down after whatever happens.
func withService<Result>(_ configuration: ChimeraConfiguration, logger: Logger = silentLogger, _ body: (LLMService) async throws -> Result) async throws -> Result {
    let service = LLMService(configuration: configuration, logger: logger)
    do {
        let result = try await body(service)
        try await service.shutdown()
        return result
    } catch {
        try await service.shutdown()
        throw error
    }
}

/// Runs `body` with a `chimera proxy` on a free loopback port in front of a simulator; the proxy
/// itself never retries upstream, so the simulator's counts are exactly what the client sent.
func withSimulatedProxy<Result>(
    options: ProxyServer.Options = .init(), limits: ResponseLimits = .init(), server: ServerLimits = .init(),
    logger: Logger = silentLogger, retries: Int = 0,
    _ body: (SimulatedProxy) async throws -> Result
) async throws -> Result {
    var configuration = ChimeraConfiguration(limits: limits, server: server)
    // Upstream retries are the proxy's (its clients leave relayed provider errors to it).
    configuration.direct.maxRetries = retries
    configuration.direct.timeouts = Timeouts(connect: .seconds(2), request: .seconds(5), streamIdle: .seconds(5))
    let proxy = try await SimulatedProxy.start(configuration: configuration, options: options, port: 0, logger: logger)
    do {
        let result = try await body(proxy)
        try await proxy.shutdown()
        return result
    } catch {
        try await proxy.shutdown()
        throw error
    }
}

/// A short request to `provider`; `model` may carry simulator switches after `@`.
func request(_ provider: ProviderID, model: String, stream: Bool = false) -> ChatRequest {
    ChatRequest(provider: provider, model: model, messages: [.user("Hello from the reliability suite")], stream: stream)
}

/// Runs the request to completion, streaming or not, so both paths end in one outcome.
func run(_ service: LLMService, _ request: ChatRequest) async throws -> ChatResponse {
    if request.stream {
        return try await service.stream(request).collect(id: "s", provider: request.provider, model: request.model)
    }
    return try await service.complete(request)
}

/// Descriptors of this process that are TCP sockets to `port` on this machine, in any state
/// (a leaked client socket lingers in `CLOSE_WAIT` after its server went away).
///
/// Counting only these, rather than every descriptor, keeps a leak check independent of the
/// tests that run beside it in the same process.
func openSockets(toPort port: Int) throws -> Int {
    var inodes: Set<Substring> = []
    for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
        // Read to the end: /proc files report size 0, and a sized read stops after one page.
        guard let handle = FileHandle(forReadingAtPath: table), let data = try handle.readToEnd() else { continue }
        try handle.close()
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n").dropFirst() {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
            let columns = line.split(separator: " ")
            guard columns.count > 9, let remotePort = columns[2].split(separator: ":").last,
                  Int(remotePort, radix: 16) == port else { continue }
            inodes.insert(columns[9])
        }
    }
    let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
    return descriptors.count { descriptor in
        // A descriptor closed between the listing and this read is no longer open: not counted.
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)"),
              target.hasPrefix("socket:[") else { return false }
        return inodes.contains(target.dropFirst("socket:[".count).dropLast())
    }
}

/// Resident memory of this process in KiB, from /proc/self/status.
func residentKilobytes() throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}
