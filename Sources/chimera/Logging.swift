import ChimeraCore
import Logging

/// A logger that writes to stderr at the configured level (`CHIMERA_LOG_LEVEL`).
func makeLogger(level: LogLevel, label: String) -> Logger {
    var logger = Logger(label: label) { label in StreamLogHandler.standardError(label: label) }
    logger.logLevel = Logger.Level(rawValue: level.rawValue) ?? .info
    return logger
}

/// A logger that drops everything (the demo's default: no log noise unless `--verbose`).
func quietLogger() -> Logger {
    Logger(label: "chimera.quiet") { _ in SwiftLogNoOpLogHandler() }
}
