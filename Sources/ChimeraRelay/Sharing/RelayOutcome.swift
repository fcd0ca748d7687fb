import Synchronization

/// What the relay learnt of one answer while writing it, for the code that shares it: whether
/// it failed, before its head or in-band in a stream whose status was already 200.
///
/// Set as a task-local value around producing an answer; ``Relay`` marks it where it records
/// the request, which every path does once its answer is over.
final class RelayOutcome: Sendable {
    @TaskLocal static var current: RelayOutcome?

    private let failure = Atomic<Bool>(false)

    /// Whether the answer failed, before or after its head.
    var failed: Bool { failure.load(ordering: .acquiring) }

    func markFailed() {
        failure.store(true, ordering: .releasing)
    }
}
