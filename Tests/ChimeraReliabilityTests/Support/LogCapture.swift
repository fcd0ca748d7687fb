import Logging
import Synchronization

/// Every log line, at trace level, kept as text so a test can search it for secrets.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger at trace level that records into this capture.
    var logger: Logger {
        var logger = Logger(label: "reliability") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Everything recorded, message and metadata, one line per record.
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    /// Records so far.
    var count: Int { lines.withLock { $0.count } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        var metadataProvider: Logger.MetadataProvider?

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            let line = "\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key })"
            capture.lines.withLock { $0.append(line) }
        }
    }
}
