/// The most Chimera reads of one answer from a provider or a proxy.
///
/// Both servers relay answers they read with these limits, so a misbehaving or hostile upstream
/// can neither fill a process's memory with one unary body nor keep a relayed stream going
/// without end: a stream that passes ``maxStreamBytes`` ends with a clear error.
public struct ResponseLimits: Sendable, Hashable {
    /// The most bytes of a unary answer's body (`CHIMERA_MAX_RESPONSE_BYTES`).
    public var maxBodyBytes: Int
    /// The most bytes of one streamed answer, all its events together (`CHIMERA_MAX_STREAM_BYTES`).
    ///
    /// The default leaves room for the longest answers models give: a 100,000-token answer is
    /// about 25 MB of OpenAI-style events.
    public var maxStreamBytes: Int

    /// The accepted range of both limits, in bytes.
    public static let accepted: ClosedRange<Int> = 1024...(1 << 36)

    /// Creates limits; the defaults are the documented ones.
    public init(maxBodyBytes: Int = 32 << 20, maxStreamBytes: Int = 64 << 20) {
        self.maxBodyBytes = maxBodyBytes
        self.maxStreamBytes = maxStreamBytes
    }
}
