import Chimera
import ChimeraTransport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `chimera proxy --simulate` child process, so its memory is measured apart from the load
/// generator's.
///
/// The simulated upstreams run inside the child too, so its resident memory is an upper bound
/// on the proxy's own.
final class BenchProxyProcess {
    /// The child's process id, to read its memory from `/proc`.
    let pid: Int32
    /// Where the child listens.
    let baseURL: URL
    private let process: Process

    /// Resident memory of a process, in kibibytes, as `/proc/<pid>/status` reports it.
    struct Memory: Encodable, Sendable {
        /// Resident set size now (`VmRSS`).
        var residentKiB: Int
        /// The highest resident set size so far (`VmHWM`).
        var peakKiB: Int
    }

    private init(process: Process, baseURL: URL) {
        self.process = process
        self.pid = process.processIdentifier
        self.baseURL = baseURL
    }

    /// Starts this executable as `chimera proxy --simulate` on a free loopback port and waits
    /// until its `/health` answers.
    ///
    /// - Parameter transport: The client used to probe the child's health.
    /// - Throws: ``ChimeraError`` when the child cannot start or does not answer within 15 seconds.
    static func launch(transport: HTTPTransport) async throws -> BenchProxyProcess {
        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["proxy", "--simulate", "--port", String(port)]
        var environment = ProcessInfo.processInfo.environment
        environment["CHIMERA_LOG_LEVEL"] = "error"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let child = BenchProxyProcess(process: process, baseURL: URL(string: "http://127.0.0.1:\(port)")!)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(15)
        while clock.now < deadline {
            let probe = await ProxyProbe(proxyURL: child.baseURL, apiKey: nil, transport: transport, timeout: .seconds(1)).run(logger: quietLogger())
            if probe.isAlive { return child }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        child.stop()
        throw ChimeraError(kind: .proxyUnavailable, message: "the chimera proxy child process did not answer /health on port \(port) within 15 s")
    }

    /// Reads the child's resident memory.
    ///
    /// - Throws: When `/proc/<pid>/status` cannot be read (the child has exited).
    static func memory(of pid: Int32) throws -> Memory {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func kibibytes(_ field: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
            return line.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        }
        return Memory(residentKiB: kibibytes("VmRSS"), peakKiB: kibibytes("VmHWM"))
    }

    /// Sends SIGTERM and waits for the child to exit.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now, found by binding port 0.
    private static func freeLoopbackPort() throws -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw ChimeraError(kind: .configuration, message: "cannot open a socket to find a free port") }
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socketDescriptor, generic, length) == 0 && getsockname(socketDescriptor, generic, &length) == 0
            }
        }
        guard bound else { throw ChimeraError(kind: .configuration, message: "cannot bind 127.0.0.1:0 to find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
