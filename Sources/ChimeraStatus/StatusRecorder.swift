import ChimeraRelay
import Foundation
import Synchronization

/// What the status page shows of a running server, in bounded memory: the last
/// ``requestCapacity`` relayed requests (their metadata) and an hour of health per subject.
///
/// Fed by the relay through ``relayObserver`` and by a health source through
/// ``observe(_:_:at:)``; read whole by ``snapshot()``.
public final class StatusRecorder: Sendable {
    /// The most requests kept: the table shows the last 100, the latency charts all of them that
    /// fall within the last hour.
    public let requestCapacity: Int

    private struct State {
        var requests: RingBuffer<RequestSummary>
        var health: [HealthTimeline]
    }

    private let state: Mutex<State>

    /// Creates a recorder.
    ///
    /// - Parameters:
    ///   - requestCapacity: The most requests kept.
    ///   - subjects: The health bands to show from the start (each upstream a proxy can reach),
    ///     in order; others are added as they are observed.
    public init(requestCapacity: Int = 2048, subjects: [String] = []) {
        self.requestCapacity = requestCapacity
        self.state = Mutex(State(requests: RingBuffer(capacity: requestCapacity), health: subjects.map(HealthTimeline.init(subject:))))
    }

    /// An observer to hand to the ``Relay``: it records every request's metadata.
    public var relayObserver: RelayObserver {
        RelayObserver { [self] record in self.record(RequestSummary(record)) }
    }

    /// Records one request.
    public func record(_ request: RequestSummary) {
        state.withLock { $0.requests.append(request) }
    }

    /// Records what `subject` was seen doing at `date`.
    public func observe(_ subject: String, _ observation: HealthObservation, at date: Date = Date()) {
        state.withLock { state in
            if let index = state.health.firstIndex(where: { $0.subject == subject }) {
                state.health[index].record(observation, at: date)
            } else {
                var timeline = HealthTimeline(subject: subject)
                timeline.record(observation, at: date)
                state.health.append(timeline)
            }
        }
    }

    /// Everything recorded: the requests oldest first, and the health timelines.
    public func snapshot() -> (requests: [RequestSummary], health: [HealthTimeline]) {
        state.withLock { ($0.requests.elements, $0.health) }
    }
}
