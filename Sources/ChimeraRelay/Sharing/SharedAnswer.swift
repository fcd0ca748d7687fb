import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// One answer produced once and written to every caller that asks for it: the head, then the
/// body's chunks in order as they arrive; a caller who joins late gets the chunks so far first.
///
/// The answer is produced in a task of its own, so a caller who goes away cancels nothing while
/// another still reads; when the last one has gone before the end, the task is cancelled, which
/// ends the upstream call.
final class SharedAnswer: Sendable {
    /// A finished answer as it was written: what a cache keeps and replays.
    struct Recording: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var chunks: [ByteBuffer]

        /// The recording written again.
        var response: Response {
            let chunks = chunks
            return Response(status: status, headers: headers, body: ResponseBody { writer in
                try await writer.write(contentsOf: chunks)
                try await writer.finish(nil)
            })
        }
    }

    private enum End {
        /// The body ended as written.
        case complete
        /// The body stopped part-way (its task was cancelled or its writing failed).
        case broken
    }

    private struct State {
        var head: (status: HTTPResponse.Status, headers: HTTPFields)?
        var headWaiters: [CheckedContinuation<Void, Never>] = []
        var chunks: [ByteBuffer] = []
        var readers: [Int: AsyncThrowingStream<ByteBuffer, any Error>.Continuation] = [:]
        var nextReader = 0
        var end: End?
        var producer: Task<Void, Never>?
    }

    private let state = Mutex(State())

    /// Starts producing the answer.
    ///
    /// - Parameters:
    ///   - produce: Makes the answer; its body is written by the shared answer's own task.
    ///   - finished: Told once the answer is over, with its recording when it succeeded (status
    ///     200, no failure before or during the body), `nil` otherwise.
    init(produce: @escaping @Sendable () async -> Response, finished: @escaping @Sendable (Recording?) async -> Void) {
        let producer = Task { [self] in
            let outcome = RelayOutcome()
            await RelayOutcome.$current.withValue(outcome) { await run(produce, outcome: outcome, finished: finished) }
        }
        state.withLock { $0.producer = producer }
    }

    private func run(_ produce: @Sendable () async -> Response, outcome: RelayOutcome, finished: @Sendable (Recording?) async -> Void) async {
        let response = await produce()
        let waiters = state.withLock { state in
            state.head = (response.status, response.headers)
            defer { state.headWaiters = [] }
            return state.headWaiters
        }
        for waiter in waiters { waiter.resume() }
        let end: End
        do {
            let body = response.body
            try await body.write(RecordingWriter(answer: self))
            end = Task.isCancelled ? .broken : .complete
        } catch {
            end = .broken
        }
        let recording = state.withLock { state -> Recording? in
            guard end == .complete, !outcome.failed, response.status == .ok else { return nil }
            return Recording(status: response.status, headers: response.headers, chunks: state.chunks)
        }
        // Told before any reader sees the end: a caller who has read the whole answer and asks
        // again finds it kept.
        await finished(recording)
        let readers = state.withLock { state in
            state.end = end
            defer { state.readers = [:] }
            return state.readers.values
        }
        for reader in readers {
            if end == .complete { reader.finish() } else { reader.finish(throwing: CancellationError()) }
        }
    }

    fileprivate func append(_ chunk: ByteBuffer) {
        let readers = state.withLock { state in
            state.chunks.append(chunk)
            return state.readers.values
        }
        for reader in readers { reader.yield(chunk) }
    }

    /// The answer for the caller that started it: as produced, including a failure part-way.
    func firstResponse() async -> Response {
        // Only a reader that accepts a broken answer is ever refused: never this one.
        await response(acceptingBroken: true)!
    }

    /// The answer for one more caller; `nil` when it was abandoned part-way (every caller had
    /// gone, or it failed), so the caller must produce its own.
    func joiningResponse() async -> Response? {
        await response(acceptingBroken: false)
    }

    private func response(acceptingBroken: Bool) async -> Response? {
        let (body, reader) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let id = state.withLock { state in
            defer { state.nextReader += 1 }
            return state.nextReader
        }
        reader.onTermination = { [self] _ in leave(id) }
        // nil: not joined; else the end the answer already had.
        let joined = state.withLock { state -> End?? in
            guard acceptingBroken || state.end != .broken else { return nil }
            for chunk in state.chunks { reader.yield(chunk) }
            if state.end == nil { state.readers[id] = reader }
            return .some(state.end)
        }
        guard let end = joined else { return nil }
        // Outside the lock: finishing runs the reader's termination handler, which takes it.
        switch end {
        case .complete?: reader.finish()
        case .broken?: reader.finish(throwing: CancellationError())
        case nil: break
        }
        // The producer sets the head before anything can end the answer.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            state.withLock { state in
                if state.head != nil { continuation.resume() } else { state.headWaiters.append(continuation) }
            }
        }
        let head = state.withLock { $0.head! }
        return Response(status: head.status, headers: head.headers, body: ResponseBody { writer in
            for try await chunk in body { try await writer.write(chunk) }
            try await writer.finish(nil)
        })
    }

    /// A caller stopped reading (or finished): once none is left before the end, the answer
    /// stops being produced.
    private func leave(_ id: Int) {
        let abandoned = state.withLock { state -> Task<Void, Never>? in
            guard state.readers.removeValue(forKey: id) != nil, state.readers.isEmpty, state.end == nil else { return nil }
            return state.producer
        }
        abandoned?.cancel()
    }

    /// Writes the produced body into the shared answer.
    private struct RecordingWriter: ResponseBodyWriter {
        let answer: SharedAnswer

        mutating func write(_ buffer: ByteBuffer) async throws {
            try Task.checkCancellation()
            answer.append(buffer)
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
