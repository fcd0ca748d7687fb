import Foundation

/// Runs the built `chimera` executable as a user would, and captures what it prints.
struct CommandRunner {
    /// The `chimera` binary next to the test bundle (`swift build` puts both in the same folder).
    static let binary: URL = {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return folder.appending(path: "chimera")
    }()

    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs `chimera arguments…` with `environment` added to a clean one, and waits up to `timeout`.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> Output {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        // Only what the test sets: the developer's own keys must not leak into a test.
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()].merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        async let stdout = onOwnThread { out.fileHandleForReading.readDataToEndOfFile() }
        async let stderr = onOwnThread { err.fileHandleForReading.readDataToEndOfFile() }
        try await waitForExit(process, terminatingAfter: timeout)
        return Output(status: process.terminationStatus, standardOutput: String(decoding: await stdout, as: UTF8.self), standardError: String(decoding: await stderr, as: UTF8.self))
    }

    /// Starts a long-running `chimera` command and waits for its first output line.
    static func start(_ arguments: [String]) async throws -> (process: Process, firstLine: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = await onOwnThread {
            var line = Data()
            while true {
                let byte = out.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty || byte == Data("\n".utf8) { break }
                line.append(byte)
            }
            return line
        }
        return (process, String(decoding: line, as: UTF8.self))
    }

    /// Waits for `process` to exit, terminating it once `timeout` has passed.
    static func waitForExit(_ process: Process, terminatingAfter timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline { process.terminate() }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Runs blocking work (reading a pipe) on a thread of its own. On one of Swift's cooperative
    /// threads (two on a 2-core machine) it would stall every other test in the process meanwhile.
    private static func onOwnThread<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }
}
