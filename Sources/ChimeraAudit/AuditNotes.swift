import ChimeraCore
import Synchronization

/// What a request's handler learns that the audit middleware around it cannot see: the
/// provider, the model, tokens, the error, and (with content auditing) what was said.
///
/// The middleware binds one to ``current`` for the request, in the handler's task and again
/// while the response body is written, so a handler notes things with one line wherever it
/// learns them (`AuditNotes.current?.note(request)`), without passing anything through.
/// Without an audit log ``current`` is `nil` and the notes cost nothing.
public final class AuditNotes: Sendable {
    /// The notes of the request being handled.
    @TaskLocal public static var current: AuditNotes?

    /// Whether prompt and answer are kept (`CHIMERA_AUDIT_CONTENT`).
    public let includeContent: Bool
    private let state = Mutex(AuditRecord())

    /// The most characters of prompt or answer kept, so one huge request cannot make one huge line.
    public static let contentLimit = 64 << 10

    /// Creates empty notes.
    public init(includeContent: Bool) {
        self.includeContent = includeContent
    }

    /// What has been noted, as record fields (only provider, model, streamed, tokens, error kind
    /// and content are ever set here).
    public var fields: AuditRecord { state.withLock { $0 } }

    /// The provider chosen for the request.
    public func note(provider: ProviderID) {
        state.withLock { $0.provider = provider.rawValue }
    }

    /// The decoded request: provider, model, streamed, and the prompt when content is kept.
    public func note(_ request: ChatRequest) {
        let prompt = includeContent
            ? String(request.messages.map { "\($0.role): \($0.text)" }.joined(separator: "\n").prefix(Self.contentLimit))
            : nil
        state.withLock { record in
            record.provider = request.provider.rawValue
            record.model = request.model
            record.streamed = request.stream
            if let prompt { record.content = AuditRecord.Content(prompt: prompt, answer: record.content?.answer) }
        }
    }

    /// A unary answer: its tokens, and its text when content is kept.
    public func note(_ response: ChatResponse) {
        state.withLock { record in
            if let usage = response.usage { record.noteUsage(usage) }
            if includeContent { record.content = AuditRecord.Content(prompt: record.content?.prompt, answer: String(response.text.prefix(Self.contentLimit))) }
        }
    }

    /// One event of a streamed answer: its usage, and its text when content is kept.
    public func note(_ event: ChatStreamEvent) {
        switch event {
        case .usage(let usage):
            state.withLock { $0.noteUsage(usage) }
        case .delta(let text) where includeContent:
            state.withLock { record in
                let answer = (record.content?.answer ?? "") + text
                record.content = AuditRecord.Content(prompt: record.content?.prompt, answer: String(answer.prefix(Self.contentLimit)))
            }
        default:
            break
        }
    }

    /// A failure, before the answer began or in-band in a stream.
    public func note(_ error: ChimeraError) {
        state.withLock { $0.errorKind = "\(error.kind)" }
    }
}

extension AuditRecord {
    mutating func noteUsage(_ usage: Usage) {
        tokensIn = usage.inputTokens
        tokensOut = usage.outputTokens
        tokensCached = usage.cachedInputTokens
    }
}
