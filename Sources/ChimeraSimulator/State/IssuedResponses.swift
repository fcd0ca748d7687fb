import Synchronization

/// The Responses API answers the simulator issued and stored, for `previous_response_id`.
///
/// Keeps the last ``capacity`` stored responses (not those sent with `store: false`, which the
/// real API does not keep either), each with its function calls, so that a follow-up's
/// `function_call_output` can name the tool it answers.
final class IssuedResponses: Sendable {
    /// How many responses are remembered.
    static let capacity = 100

    private struct Issued {
        var id: String
        /// Call id → tool name.
        var calls: [String: String]
    }

    private let issued = Mutex<[Issued]>([])

    /// Remembers a response and its function calls (call id → tool name).
    func remember(id: String, calls: [String: String]) {
        issued.withLock { issued in
            issued.append(Issued(id: id, calls: calls))
            if issued.count > Self.capacity { issued.removeFirst(issued.count - Self.capacity) }
        }
    }

    /// The function calls of a remembered response (call id → tool name), or `nil` when the
    /// simulator did not issue or no longer remembers it.
    func calls(ofResponse id: String) -> [String: String]? {
        issued.withLock { issued in issued.last { $0.id == id }?.calls }
    }
}
