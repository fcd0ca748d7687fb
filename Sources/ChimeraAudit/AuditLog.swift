import ChimeraCore
import Foundation
import Logging
import Synchronization

/// Appends one hash-chained JSON line per request to a file, rotating it by size.
///
/// ``record(_:)`` only queues the record (a lock held for an append), so request handling never
/// waits for the disk. One background task takes everything queued at once, chains and
/// serializes it, and writes the batch with one `write(2)` per file — so a line is in the
/// kernel, where a crash of the process cannot lose it, as soon as the writer got to it,
/// usually within microseconds of the request's end. Lines are not `fsync`ed one by one
/// (that would cost a disk flush per request); the file is synced when it is rotated and when
/// the log is closed. So a crash of the process loses at most the records still queued; a crash
/// of the machine may also lose what the kernel had not yet written to disk, and may leave a
/// torn last line, which ``AuditVerifier`` then reports. On start the writer continues the
/// chain from the file's last line (or the newest rotated file's), so restarts keep one chain.
///
/// Rotation: when a line would take the file past ``AuditConfiguration/maxBytes``, `PATH` is
/// renamed `PATH.1`, `PATH.1` `PATH.2`, and so on up to ``AuditConfiguration/keep`` files; the
/// oldest beyond that is deleted. The first line of the new file chains to the last line of
/// `PATH.1`.
public final class AuditLog: Sendable {
    /// Where the log is written, and how much is kept.
    public let configuration: AuditConfiguration
    private let queue = Queue()
    private let worker: Task<Void, Never>

    /// Opens (or creates, mode 0600) the log file and starts its writer.
    ///
    /// - Parameter logger: Where write failures are reported.
    /// - Throws: ``ChimeraError`` of kind `configuration` when the file cannot be opened.
    public init(configuration: AuditConfiguration, logger: Logger) throws(ChimeraError) {
        guard let path = configuration.path else {
            throw ChimeraError.configuration("the audit log needs a file (CHIMERA_AUDIT_LOG)")
        }
        self.configuration = configuration
        let file = try AuditFile(path: path, maxBytes: configuration.maxBytes, keep: configuration.keep)
        let queue = self.queue
        worker = Task.detached {
            var file = file
            while let batch = await queue.next() {
                file.append(batch, logger: logger)
            }
            file.close(logger: logger)
        }
    }

    /// Queues a record; it is written shortly after, in the order of the calls.
    ///
    /// Records given after ``close()`` began are dropped.
    public func record(_ record: AuditRecord) {
        queue.push(record)
    }

    /// Writes every queued record, syncs and closes the file. Call once, after the server stopped.
    public func close() async {
        queue.close()
        await worker.value
    }

    /// The records waiting for the writer, and the writer waiting for records.
    private final class Queue: Sendable {
        private struct State {
            var pending: [AuditRecord] = []
            var waiter: CheckedContinuation<Void, Never>?
            var closed = false
        }

        private let state = Mutex(State())

        func push(_ record: AuditRecord) {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard !state.closed else { return nil }
                state.pending.append(record)
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        func close() {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.closed = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        /// Everything queued, waiting until there is something; `nil` once closed and drained.
        func next() async -> [AuditRecord]? {
            while true {
                let taken = state.withLock { state -> [AuditRecord]? in
                    if !state.pending.isEmpty {
                        defer { state.pending = [] }
                        return state.pending
                    }
                    return state.closed ? [] : nil
                }
                if let taken { return taken.isEmpty ? nil : taken }
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { state -> Bool in
                        if !state.pending.isEmpty || state.closed { return true }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            }
        }
    }
}

/// The open log file and the head of the chain; used by the writer task alone.
struct AuditFile: Sendable {
    let path: String
    let maxBytes: Int
    let keep: Int
    private var descriptor: Int32
    private var size: Int
    private var nextSeq: Int
    private var prev: String
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(path: String, maxBytes: Int, keep: Int) throws(ChimeraError) {
        self.path = path
        self.maxBytes = maxBytes
        self.keep = keep
        descriptor = try Self.open(path)
        size = Int(lseek(descriptor, 0, SEEK_END))
        (prev, nextSeq) = (AuditChain.genesis, 1)
        if size > 0 {
            let (last, torn) = Self.lastLine(of: descriptor, size: size)
            if torn {
                // A crash left half a line: end it, so the fragment stands alone and verification
                // names it, and chain on from the fragment as written.
                _ = Self.writeAll(descriptor, Array("\n".utf8))
                size += 1
            }
            (prev, nextSeq) = Self.head(after: last)
        } else if let rotated = try? Self.open(path + ".1", create: false) {
            let rotatedSize = Int(lseek(rotated, 0, SEEK_END))
            if rotatedSize > 0 { (prev, nextSeq) = Self.head(after: Self.lastLine(of: rotated, size: rotatedSize).line) }
            _ = Foundation.close(rotated)
        }
    }

    /// Chains, serializes and writes a batch, rotating where a line would pass the size limit.
    mutating func append(_ records: [AuditRecord], logger: Logger) {
        var pending: [UInt8] = []
        for record in records {
            let body: [UInt8]
            do {
                body = Array(try encoder.encode(AuditRecord.Chained(record: record.redacted, seq: nextSeq, prev: prev)))
            } catch {
                logger.error("audit record could not be encoded", metadata: ["error": "\(error)"])
                continue
            }
            let (line, hash) = AuditChain.seal(body: body)
            if size + pending.count > 0 && size + pending.count + line.count + 1 > maxBytes {
                flush(&pending, logger: logger)
                rotate(logger: logger)
            }
            pending += line
            pending.append(UInt8(ascii: "\n"))
            prev = hash
            nextSeq += 1
        }
        flush(&pending, logger: logger)
    }

    /// Syncs and closes the file.
    mutating func close(logger: Logger) {
        if fsync(descriptor) != 0 {
            logger.error("audit log could not be synced", metadata: ["path": "\(path)", "errno": "\(errno)"])
        }
        _ = Foundation.close(descriptor)
        descriptor = -1
    }

    private mutating func flush(_ pending: inout [UInt8], logger: Logger) {
        guard !pending.isEmpty else { return }
        // A failed write leaves a gap in the chain, which verification reports: better than
        // holding records in memory without bound while the disk is full.
        if let failure = Self.writeAll(descriptor, pending) {
            logger.error("audit records could not be written; the chain will show the gap", metadata: ["path": "\(path)", "errno": "\(failure)"])
        }
        size += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    private mutating func rotate(logger: Logger) {
        _ = fsync(descriptor)
        _ = Foundation.close(descriptor)
        let manager = FileManager.default
        try? manager.removeItem(atPath: "\(path).\(keep)")
        for index in stride(from: keep - 1, through: 1, by: -1) where manager.fileExists(atPath: "\(path).\(index)") {
            if rename("\(path).\(index)", "\(path).\(index + 1)") != 0 {
                logger.error("audit log could not be rotated", metadata: ["path": "\(path).\(index)", "errno": "\(errno)"])
            }
        }
        if rename(path, "\(path).1") != 0 {
            logger.error("audit log could not be rotated", metadata: ["path": "\(path)", "errno": "\(errno)"])
        }
        do {
            descriptor = try Self.open(path)
        } catch {
            logger.critical("audit log could not be reopened after rotation", metadata: ["path": "\(path)", "error": "\(error)"])
            descriptor = -1
        }
        size = 0
    }

    private static func open(_ path: String, create: Bool = true) throws(ChimeraError) -> Int32 {
        let flags = create ? O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC
        let descriptor = Foundation.open(path, flags, 0o600)
        guard descriptor >= 0 else {
            throw ChimeraError.configuration(
                "cannot open the audit log \(path): \(String(cString: strerror(errno)))",
                hint: "CHIMERA_AUDIT_LOG must name a file the server may create and append to"
            )
        }
        return descriptor
    }

    /// Writes every byte, going on after partial writes and interruptions; the errno of a failure.
    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }

    /// The last line of a file (without its newline), and whether the file ends without one.
    static func lastLine(of descriptor: Int32, size: Int) -> (line: [UInt8], torn: Bool) {
        var chunk = 64 << 10
        while true {
            let start = max(0, size - chunk)
            var buffer = [UInt8](repeating: 0, count: size - start)
            let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(start)) }
            guard read == buffer.count else { return ([], false) }
            let torn = buffer.last != UInt8(ascii: "\n")
            let content = torn ? buffer[...] : buffer.dropLast()
            if let newline = content.lastIndex(of: UInt8(ascii: "\n")) {
                return (Array(content[(newline + 1)...]), torn)
            }
            if start == 0 { return (Array(content), torn) }
            chunk *= 4
        }
    }

    /// The chain's head after `line`: its hash and the next seq. A line that is no record (a torn
    /// fragment) is chained to as written, and the count starts again.
    static func head(after line: [UInt8]) -> (prev: String, nextSeq: Int) {
        guard let (body, hash) = AuditChain.unseal(line: line),
              let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let seq = object["seq"] as? Int
        else { return (AuditChain.sha256(line), 1) }
        return (hash, seq + 1)
    }
}
