/// A credential that prints masked.
///
/// `description`, `debugDescription` and string interpolation show `****` plus, for keys long
/// enough that it identifies nothing, the last four characters, so a user can tell which key is
/// configured without it ever reaching a log or a report. Read ``value`` only to put it on the wire.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The credential itself.
    public let value: String

    /// Wraps a credential.
    public init(_ value: String) { self.value = value }

    /// The masked form: `****` and, for values of 20 characters or more, the last four.
    public var description: String {
        value.count >= 20 ? Redaction.mask + value.suffix(4) : Redaction.mask
    }

    public var debugDescription: String { description }

    /// Whether `offered` is this credential, compared in time that does not depend on where the
    /// two first differ, so a server checking a key does not reveal it through its timing.
    /// An empty offer never matches, not even an empty credential.
    public func matches(_ offered: String) -> Bool {
        let expected = Array(value.utf8)
        let candidate = Array(offered.utf8)
        guard !candidate.isEmpty, expected.count == candidate.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ candidate[index] }
        return difference == 0
    }
}
