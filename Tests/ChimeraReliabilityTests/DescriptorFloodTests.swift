import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 15, item 2: with the descriptor limit most systems start processes with (1,024), 1,100
/// connections that send nothing used to exhaust `chimera proxy`'s descriptors, and `/health`
/// and real requests timed out. The connection cap (`CHIMERA_SERVER_MAX_CONNECTIONS`, by default
/// half the limit) closes the longest-idle connections to make room.
///
/// The proxy runs as a child process under `ulimit -n 1024`: the test runner's own limit is
/// left as it is (raised if it is too low for 1,100 client sockets, never lowered).
@Suite("An idle-connection flood under a 1,024-descriptor limit")
struct DescriptorFloodTests {
    static let flood = 1_100

    @Test func healthAndRequestsKeepAnsweringThroughAnIdleFlood() async throws {
        try Self.allowClientSockets(Self.flood + 512)
        let proxy = try await ChildProxy.start()
        var silent: [RawConnection] = []
        do {
            for _ in 0..<Self.flood {
                silent.append(try await RawConnection.open(port: proxy.port))
            }
            for attempt in 1...10 {
                let health = try await Self.exchange(port: proxy.port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                #expect(health.hasPrefix("HTTP/1.1 200"), "health check \(attempt): \(health.prefix(200))")
            }
            let body = #"{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}"#
            let chat = try await Self.exchange(port: proxy.port, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            #expect(chat.hasPrefix("HTTP/1.1 200"), "\(chat.prefix(300))")
            let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(proxy.pid)/fd").count
            #expect(descriptors < 1_024, "the proxy holds \(descriptors) descriptors")
        } catch {
            await closeAll(silent)
            proxy.stop()
            throw error
        }
        await closeAll(silent)
        proxy.stop()
    }

    /// One request on a fresh connection; everything the server sent until it closed (10 s at most).
    static func exchange(port: Int, _ request: String) async throws -> String {
        let connection = try await RawConnection.open(port: port)
        try await connection.send(request)
        _ = try await connection.waitForClose(within: .seconds(10))
        await connection.close()
        return connection.text
    }

    /// Raises this process's soft descriptor limit to `needed` when it is lower (up to the hard limit).
    static func allowClientSockets(_ needed: Int) throws {
        var limit = rlimit()
        try #require(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0)
        guard limit.rlim_cur < rlim_t(needed) else { return }
        limit.rlim_cur = min(rlim_t(needed), limit.rlim_max)
        try #require(setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0)
        try #require(limit.rlim_cur >= rlim_t(needed), "the hard descriptor limit \(limit.rlim_max) is too low for this test")
    }
}

/// `chimera proxy --simulate --port 0` started through `sh -c 'ulimit -n 1024; exec …'`.
struct ChildProxy {
    let process: Process
    let port: Int
    var pid: Int32 { process.processIdentifier }

    /// The `chimera` binary next to the test bundle (`swift build` puts both in the same folder).
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "chimera")

    static func start() async throws -> ChildProxy {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", #"ulimit -n 1024 && exec "$0" proxy --simulate --port 0"#, binary.path]
        // Only what the test sets: the developer's own keys must not leak in.
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A child that never prints is stopped, which ends the read below.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            process.terminate()
        }
        defer { watchdog.cancel() }
        // "chimera proxy listening on http://127.0.0.1:<port> …", read on a thread of its own:
        // a blocking read on a cooperative thread would stall other tests.
        let line = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var line = Data()
                while true {
                    let byte = out.fileHandleForReading.readData(ofLength: 1)
                    if byte.isEmpty || byte == Data("\n".utf8) { break }
                    line.append(byte)
                }
                continuation.resume(returning: String(decoding: line, as: UTF8.self))
            }
        }
        let port = line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }
        guard let port, port > 0 else {
            process.terminate()
            process.waitUntilExit()
            throw ChildProxyError(firstLine: line)
        }
        return ChildProxy(process: process, port: port)
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    struct ChildProxyError: Error, CustomStringConvertible {
        let firstLine: String
        var description: String { "chimera proxy did not start: \(firstLine)" }
    }
}
