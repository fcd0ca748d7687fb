import ChimeraCore

extension Chimera_Proxy_V1_Error {
    /// The message for a Chimera error, with every field a user needs to act on it.
    public init(_ error: ChimeraError) {
        self.init()
        kind = error.kind.description
        status = Int32(clamping: error.status ?? 0)
        message = error.message
        upstreamMessage = error.upstreamMessage ?? ""
        retryable = error.isRetryable
        retryAfterMs = error.retryAfter.map(Self.milliseconds) ?? 0
        hint = error.hint ?? ""
        provider = error.provider?.rawValue ?? ""
        bodyExcerpt = error.bodyExcerpt ?? ""
    }

    /// Whole milliseconds, rounded up so that a short wait is not sent as none.
    private static func milliseconds(_ duration: Duration) -> Int64 {
        let milliseconds = (duration / .milliseconds(1)).rounded(.up)
        guard milliseconds > 0 else { return 0 }
        return milliseconds < Double(Int64.max) ? Int64(milliseconds) : Int64.max
    }
}

extension ChimeraError {
    /// The Chimera error a message describes.
    ///
    /// Empty strings and zero numbers are read as absent. Text passes through ``Redaction`` again
    /// (a peer may be careless), and a provider this version does not know is dropped rather
    /// than failing the whole error. An error sent without a message gets one that says so,
    /// since a caller must always have something to read.
    ///
    /// - Parameters:
    ///   - message: The error as sent.
    ///   - fallbackKind: The kind to use when `message.kind` names one this version does not know.
    public init(_ message: Chimera_Proxy_V1_Error, fallbackKind: Kind = .upstream) {
        let kind = Kind(name: message.kind) ?? fallbackKind
        self.init(
            kind: kind,
            message: message.message.isEmpty ? "the proxy reported a \(kind) error without a message" : message.message,
            provider: ProviderID(rawValue: message.provider),
            status: message.status > 0 ? Int(message.status) : nil,
            upstreamMessage: message.upstreamMessage.isEmpty ? nil : message.upstreamMessage,
            body: message.bodyExcerpt,
            isRetryable: message.retryable,
            retryAfter: message.retryAfterMs > 0 ? .milliseconds(message.retryAfterMs) : nil,
            hint: message.hint.isEmpty ? nil : message.hint
        )
    }
}
