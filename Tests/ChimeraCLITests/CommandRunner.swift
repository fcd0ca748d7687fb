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
        let reading = Task.detached { (out.fileHandleForReading.readDataToEndOfFile(), err.fileHandleForReading.readDataToEndOfFile()) }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        let (stdout, stderr) = await reading.value
        return Output(status: process.terminationStatus, standardOutput: String(decoding: stdout, as: UTF8.self), standardError: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts a long-running `chimera` command and waits for its first output line.
    static func start(_ arguments: [String]) throws -> (process: Process, firstLine: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        return (process, String(decoding: line, as: UTF8.self))
    }
}
