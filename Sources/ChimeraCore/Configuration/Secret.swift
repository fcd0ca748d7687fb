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
}
