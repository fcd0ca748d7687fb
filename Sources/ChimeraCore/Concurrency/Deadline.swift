/// Runs `operation`, and cancels it once `deadline` passes.
///
/// - Returns: What `operation` returned, or `nil` when the deadline came first.
/// - Throws: What `operation` threw.
public func withDeadline<Value: Sendable>(
    _ deadline: ContinuousClock.Instant,
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value? {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(until: deadline)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
