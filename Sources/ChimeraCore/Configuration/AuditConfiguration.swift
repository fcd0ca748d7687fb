/// Where a server writes its audit log, and how much of it is kept.
public struct AuditConfiguration: Sendable, Hashable {
    /// The file the audit log is appended to; `nil` writes none (`CHIMERA_AUDIT_LOG`).
    public var path: String?
    /// The size past which the file is rotated to `PATH.1` (`CHIMERA_AUDIT_MAX_BYTES`).
    public var maxBytes: Int
    /// How many rotated files are kept, `PATH.1` (newest) to `PATH.<keep>` (`CHIMERA_AUDIT_KEEP`).
    public var keep: Int
    /// Whether records carry the prompt and the answer (`CHIMERA_AUDIT_CONTENT`); off by default,
    /// so the log holds who asked what provider when, never what was said.
    public var includeContent: Bool

    /// The accepted sizes of a file before rotation.
    public static let acceptedMaxBytes: ClosedRange<Int> = 1024...(1 << 40)
    /// The accepted numbers of rotated files.
    public static let acceptedKeep: ClosedRange<Int> = 1...1000

    /// Creates an audit configuration; by default no log, 100 MiB files, 10 kept, no content.
    public init(path: String? = nil, maxBytes: Int = 100 << 20, keep: Int = 10, includeContent: Bool = false) {
        self.path = path
        self.maxBytes = maxBytes
        self.keep = keep
        self.includeContent = includeContent
    }
}
