import Logging

/// A logger that drops everything.
public let silentLogger = Logger(label: "test.silent") { _ in SwiftLogNoOpLogHandler() }
