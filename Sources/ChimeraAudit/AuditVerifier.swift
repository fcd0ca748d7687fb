import Foundation

/// Checks an audit log, or a rotated series of them, and names the first line that breaks the
/// chain (see ``AuditChain`` for what each check catches).
public enum AuditVerifier {
    /// Where and how the chain broke.
    public struct Break: Sendable, Hashable, CustomStringConvertible {
        /// The file.
        public var file: String
        /// The line number in the file, from 1.
        public var line: Int
        /// What is wrong, in a sentence.
        public var reason: String

        /// `audit.log line 7: …`
        public var description: String { "\(file) line \(line): \(reason)" }
    }

    /// The outcome of a verification.
    public struct Report: Sendable, Hashable {
        /// The files checked, oldest first.
        public var files: [String]
        /// The lines that passed before the first break (all of them when intact).
        public var records: Int
        /// The first break, `nil` when the chain is intact.
        public var firstBreak: Break?
        /// The `seq` of the first record when it is not 1: the series starts after records
        /// rotated away (older files deleted), whose lines cannot be checked.
        public var startsAtSeq: Int?
        /// The hash of the last line: keep it elsewhere, and a later verification that ends on
        /// the same or a later line proves nothing before it was rewritten.
        public var headHash: String?

        /// Whether the chain is intact.
        public var isIntact: Bool { firstBreak == nil }
    }

    /// Sorts rotated files oldest first: `PATH.3`, `PATH.2`, `PATH.1`, `PATH`, whatever order a
    /// shell glob gave them in; other names keep their order after those.
    public static func rotationOrder(_ files: [String]) -> [String] {
        func key(_ file: String) -> (base: String, index: Int) {
            if let dot = file.lastIndex(of: "."), let index = Int(file[file.index(after: dot)...]), index > 0 {
                return (String(file[..<dot]), index)
            }
            return (file, 0)
        }
        let bases = files.map { key($0).base }
        return files.enumerated().sorted { lhs, rhs in
            let (left, right) = (key(lhs.element), key(rhs.element))
            let (leftGroup, rightGroup) = (bases.firstIndex(of: left.base)!, bases.firstIndex(of: right.base)!)
            if leftGroup != rightGroup { return leftGroup < rightGroup }
            if left.index != right.index { return left.index > right.index }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// Verifies `files` as one chain, in rotation order.
    ///
    /// - Throws: The error of a file that cannot be read.
    public static func verify(files: [String]) throws -> Report {
        let ordered = rotationOrder(files)
        var report = Report(files: ordered, records: 0)
        var previous: (hash: String, seq: Int)?
        for file in ordered {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            if lines.last?.isEmpty == true { lines.removeLast() }
            for (offset, line) in lines.enumerated() {
                func broken(_ reason: String) -> Report {
                    report.firstBreak = Break(file: file, line: offset + 1, reason: reason)
                    return report
                }
                guard let (body, hash) = AuditChain.unseal(line: line) else {
                    return broken("not an audit record: it does not end with the line's hash (a torn write, or text added by hand)")
                }
                guard AuditChain.sha256(body) == hash else {
                    return broken("the line was edited: its content does not match its hash")
                }
                guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                      let seq = object["seq"] as? Int, let prev = object["prev"] as? String
                else {
                    return broken("not an audit record: no seq or prev")
                }
                if let previous {
                    guard prev == previous.hash else {
                        return broken("the chain is broken here: prev is not the hash of the line before it (lines before this one were removed, inserted, reordered, or the one before was rewritten)")
                    }
                    guard seq == previous.seq + 1 else {
                        return broken("record \(seq) follows record \(previous.seq): records are missing or out of order")
                    }
                } else if seq == 1 {
                    guard prev == AuditChain.genesis else {
                        return broken("the first record (seq 1) does not start the chain: its prev is not \(AuditChain.genesis.prefix(8))…")
                    }
                } else {
                    report.startsAtSeq = seq
                }
                previous = (hash, seq)
                report.records += 1
                report.headHash = hash
            }
        }
        return report
    }
}
