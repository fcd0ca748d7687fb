import ArgumentParser

/// The check of every command's `--port`: the operating system would silently take 70000 as
/// 4464 (the port modulo 65536).
enum ListeningPort {
    static func validate(_ port: Int) throws {
        guard (0...65_535).contains(port) else {
            throw ValidationError("--port \(port): accepted: 1 to 65535, or 0 for a free port")
        }
    }
}
