import ChimeraCore
@testable import ChimeraRelay
@testable import ChimeraStatus
import ChimeraTransport
import Foundation
import Testing

@Suite struct StatusRecorderTests {
    private func record(_ model: String, provider: ProviderID = .openai, latency: Duration = .milliseconds(10), error: ChimeraError? = nil, streamed: Bool = false) -> RelayRecord {
        RelayRecord(
            provider: provider, model: model, streamed: streamed, passedThrough: true, route: .direct,
            status: error.map(\.httpStatus) ?? 200, error: error, usage: Usage(inputTokens: 3, outputTokens: 4),
            latency: latency, timeToFirstEvent: streamed ? latency / 2 : nil, requestID: "id-\(model)"
        )
    }

    @Test func keepsAtMostItsCapacityOfRequests() {
        let recorder = StatusRecorder(requestCapacity: 50)
        for index in 0..<500 { recorder.relayObserver.record(record("m\(index)")) }
        let requests = recorder.snapshot().requests
        #expect(requests.count == 50)
        #expect(requests.first?.model == "m450" && requests.last?.model == "m499")
    }

    @Test func theSnapshotListsTheLast100NewestFirst() {
        let recorder = StatusRecorder()
        for index in 0..<150 { recorder.relayObserver.record(record("m\(index)")) }
        let snapshot = StatusSnapshot(recorder: recorder, info: info())
        #expect(snapshot.requests.count == 100)
        #expect(snapshot.requests.first?.model == "m149")
    }

    @Test func latencyPercentilesAreNearestRankOfTheSuccessfulRequests() {
        let recorder = StatusRecorder()
        for milliseconds in 1...100 { recorder.relayObserver.record(record("m", latency: .milliseconds(milliseconds))) }
        recorder.relayObserver.record(record("m", latency: .seconds(60), error: ChimeraError(kind: .timeout, message: "slow")))
        recorder.relayObserver.record(record("s", provider: .gemini, latency: .milliseconds(40), streamed: true))
        let series = StatusSnapshot(recorder: recorder, info: info()).latency
        let unary = try! #require(series.first { $0.provider == "openai" && $0.kind == .unary })
        #expect(unary.overall.count == 100)
        #expect(unary.overall.p50 == 50 && unary.overall.p95 == 95 && unary.overall.p99 == 99)
        #expect(series.contains { $0.provider == "gemini" && $0.kind == .streamed && $0.overall.p50 == 40 })
        #expect(series.contains { $0.provider == "gemini" && $0.kind == .timeToFirstToken && $0.overall.p50 == 20 })
    }

    @Test func aHealthBucketKeepsTheWorstStatusItSaw() {
        var timeline = HealthTimeline(subject: "proxy")
        let start = Date(timeIntervalSince1970: 1_000_000)
        timeline.record(HealthObservation(status: .healthy, checks: 1, latencyMilliseconds: 2), at: start)
        timeline.record(HealthObservation(status: .unhealthy, checks: 1, failures: 1), at: start.addingTimeInterval(1))
        timeline.record(HealthObservation(status: .healthy, checks: 1, latencyMilliseconds: 4), at: start.addingTimeInterval(2))
        let buckets = timeline.buckets(before: start.addingTimeInterval(3))
        #expect(buckets.count == 1)
        #expect(buckets[0].status == .unhealthy && buckets[0].checks == 3 && buckets[0].failures == 1)
        #expect(buckets[0].latencyMilliseconds == 3)
        #expect(timeline.status == .healthy)
    }

    @Test func theHealthTimelineIsBoundedToAnHour() {
        var timeline = HealthTimeline(subject: "proxy")
        let start = Date(timeIntervalSince1970: 1_000_000)
        for second in stride(from: 0, to: 3 * 3600, by: 5) {
            timeline.record(HealthObservation(status: .healthy, checks: 1), at: start.addingTimeInterval(TimeInterval(second)))
        }
        let now = start.addingTimeInterval(3 * 3600)
        #expect(timeline.buckets(before: now).count <= Int(HealthTimeline.windowSeconds / HealthTimeline.bucketSeconds))
    }

    @Test func thePageEscapesWhatRequestsCarry() {
        let recorder = StatusRecorder()
        recorder.relayObserver.record(record("<img src=x onerror=alert(1)>", error: ChimeraError(kind: .upstream, message: "boom", status: 502)))
        recorder.observe("proxy <b>", HealthObservation(status: .unhealthy, reason: "refused \"<script>\"", checks: 1, failures: 1))
        let page = StatusPage.render(StatusSnapshot(recorder: recorder, info: info()))
        #expect(!page.contains("<img src=x"))
        #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!page.contains("<b>") && !page.contains("\"<script>\""))
        #expect(page.contains("data-error-kind=\"upstream\""))
        #expect(page.contains("class=\"segment s-unhealthy\""))
    }

    private func info() -> StatusInfo {
        StatusInfo(server: "test", configuration: ChimeraConfiguration(), role: .client, healthTitle: "Health")
    }
}
