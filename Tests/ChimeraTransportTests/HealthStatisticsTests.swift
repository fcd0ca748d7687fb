import ChimeraCore
@testable import ChimeraTransport
import Foundation
import Testing

@Suite("Health statistics: latency percentiles and availability")
struct HealthStatisticsTests {
    @Test func percentilesUseTheNearestRankOfMeasuredValues() throws {
        // 1 … 100 ms, out of order: p50 is the 50th smallest, p95 the 95th, p99 the 99th.
        var latencies = (1...100).map { Duration.milliseconds($0) }
        latencies.swapAt(0, 99)
        let summary = try #require(LatencySummary(latencies))
        #expect(summary.p50Milliseconds == 50)
        #expect(summary.p95Milliseconds == 95)
        #expect(summary.p99Milliseconds == 99)
        #expect(summary.meanMilliseconds == 50.5)
        #expect(summary.lastMilliseconds == 1)
    }

    @Test(arguments: [
        ([7], 7.0, 7.0, 7.0),
        ([1, 2, 3, 4], 2.0, 4.0, 4.0),
        ([10, 20, 30, 40, 50, 60, 70, 80, 90, 1000], 50.0, 1000.0, 1000.0),
    ])
    func percentilesOfShortSeries(milliseconds: [Int], p50: Double, p95: Double, p99: Double) throws {
        let summary = try #require(LatencySummary(milliseconds.map { Duration.milliseconds($0) }))
        #expect(summary.p50Milliseconds == p50)
        #expect(summary.p95Milliseconds == p95)
        #expect(summary.p99Milliseconds == p99)
    }

    @Test func noLatenciesGiveNoSummary() {
        #expect(LatencySummary([]) == nil)
    }

    @Test func latenciesKeepMicrosecondsAndDropClockNoise() throws {
        let summary = try #require(LatencySummary([.nanoseconds(1_234_567)]))
        #expect(summary.lastMilliseconds == 1.235)
    }

    @Test func availabilityAndLatencyCoverOnlyTheWindow() throws {
        var ledger = ProxyHealthLedger(configuration: .init(windowSize: 10))
        // 5 failures that fall out of the window, then 6 successes and 4 failures that stay in it.
        for _ in 0..<5 { _ = ledger.record(check: .timedOut, at: Date()) }
        for index in 1...6 { _ = ledger.record(check: .alive(milliseconds: index * 10), at: Date()) }
        for _ in 0..<4 { _ = ledger.record(check: .timedOut, at: Date()) }
        #expect(ledger.samples.count == 10)
        #expect(ledger.availability == 0.6)
        #expect(ledger.totals.checks == 15)
        #expect(ledger.totals.failedChecks == 9)
        // Latency statistics cover successful checks only: 10 … 60 ms.
        let latency = try #require(ledger.latency)
        #expect(latency.p50Milliseconds == 30)
        #expect(latency.p99Milliseconds == 60)
        #expect(latency.meanMilliseconds == 35)
        #expect(latency.lastMilliseconds == 60)
    }

    @Test func availabilityIsUnknownBeforeTheFirstCheck() {
        let ledger = ProxyHealthLedger(configuration: .init())
        #expect(ledger.availability == nil)
        #expect(ledger.latency == nil)
    }
}

@Suite("Health status rules")
struct HealthStatusRuleTests {
    @Test func statusIsUnknownBeforeTheFirstCheck() {
        let ledger = ProxyHealthLedger(configuration: .init())
        #expect(ledger.status == .unknown)
        #expect(ledger.since == nil)
    }

    @Test func aPromptSuccessfulCheckIsHealthy() throws {
        var ledger = ProxyHealthLedger(configuration: .init())
        let recorded = ledger.record(check: .alive(milliseconds: 3), at: Date())
        let transition = try #require(recorded)
        #expect(transition.from == .unknown)
        #expect(transition.to == .healthy)
        #expect(ledger.status == .healthy)
        #expect(ledger.since == transition.at)
    }

    @Test func failedChecksDegradeAndThreeInARowMakeItUnhealthy() {
        var ledger = ProxyHealthLedger(configuration: .init(unhealthyAfter: 3))
        _ = ledger.record(check: .alive(milliseconds: 3), at: Date())
        _ = ledger.record(check: .timedOut, at: Date())
        #expect(ledger.status == .degraded)
        _ = ledger.record(check: .timedOut, at: Date())
        #expect(ledger.status == .degraded)
        _ = ledger.record(check: .timedOut, at: Date())
        #expect(ledger.status == .unhealthy)
        #expect(ledger.consecutiveFailures == 3)
        #expect(ledger.reason.contains("3 health checks in a row failed"))
    }

    @Test func aRefusedCheckIsUnhealthyAtOnce() {
        var ledger = ProxyHealthLedger(configuration: .init())
        _ = ledger.record(check: .alive(milliseconds: 3), at: Date())
        _ = ledger.record(check: .refused, at: Date())
        #expect(ledger.status == .unhealthy)
        #expect(ledger.reason.contains("refused"))
        #expect(ledger.lastError?.contains("cannot connect") == true)
    }

    @Test func aRefusedRequestIsUnhealthyAtOnceAndAnAnsweredOneClearsIt() {
        var ledger = ProxyHealthLedger(configuration: .init())
        _ = ledger.record(check: .alive(milliseconds: 3), at: Date())
        let down = ledger.record(request: ProxyProbe.Result.refused.error, over: .json, at: Date())
        #expect(down?.to == .unhealthy)
        #expect(ledger.totals.unreachableRequests == 1)
        // An HTTP error from the proxy is still an answer: the proxy is reachable again.
        let answered = ChimeraError(kind: .upstream, message: "upstream failed", status: 500)
        let up = ledger.record(request: answered, over: .json, at: Date())
        #expect(up?.to == .healthy)
        #expect(ledger.totals.observedRequests == 2)
    }

    @Test func theProtocolOfTheLastAnsweredRequestIsKept() {
        var ledger = ProxyHealthLedger(configuration: .init())
        #expect(ledger.lastAnsweredProtocol == nil)
        _ = ledger.record(request: nil, over: .protobuf, at: Date())
        #expect(ledger.lastAnsweredProtocol == .protobuf)
        // A failed request did not get through in its protocol: the last answered one stands.
        _ = ledger.record(request: ChimeraError(kind: .upstream, message: "upstream failed", status: 500), over: .json, at: Date())
        #expect(ledger.lastAnsweredProtocol == .protobuf)
        _ = ledger.record(request: nil, over: .json, at: Date())
        #expect(ledger.lastAnsweredProtocol == .json)
    }

    @Test func requestTimeoutsAndCancellationsSayNothingAboutTheProxy() {
        var ledger = ProxyHealthLedger(configuration: .init())
        _ = ledger.record(check: .alive(milliseconds: 3), at: Date())
        #expect(ledger.record(request: ChimeraError(kind: .timeout, message: "slow model"), over: .json, at: Date()) == nil)
        #expect(ledger.record(request: .cancelled(), over: .json, at: Date()) == nil)
        #expect(ledger.status == .healthy)
    }

    @Test func aProxyBackAfterAnOutageIsHealthyAtTheFirstCheck() {
        var ledger = ProxyHealthLedger(configuration: .init(recentChecks: 4, degradedAfterRecentFailures: 2))
        _ = ledger.record(check: .refused, at: Date())
        _ = ledger.record(check: .refused, at: Date())
        #expect(ledger.status == .unhealthy)
        _ = ledger.record(check: .alive(milliseconds: 3), at: Date())
        #expect(ledger.status == .healthy)
    }

    @Test func aProxyBackAfterAnOutageIsHealthyAtTheFirstAnsweredRequest() {
        var ledger = ProxyHealthLedger(configuration: .init(unhealthyAfter: 3))
        _ = ledger.record(check: .alive(milliseconds: 3), at: Date())
        for _ in 0..<3 { _ = ledger.record(check: .timedOut, at: Date()) }
        #expect(ledger.status == .unhealthy)
        let up = ledger.record(request: nil, over: .json, at: Date())
        #expect(up?.to == .healthy)
        // Failures outside an outage still count: two blips among the recent checks degrade.
        _ = ledger.record(check: .alive(milliseconds: 3), at: Date())
        _ = ledger.record(check: .timedOut, at: Date())
        _ = ledger.record(check: .alive(milliseconds: 3), at: Date())
        _ = ledger.record(check: .timedOut, at: Date())
        _ = ledger.record(check: .alive(milliseconds: 3), at: Date())
        #expect(ledger.status == .degraded)
    }

    @Test func aSlowCheckDegrades() {
        var ledger = ProxyHealthLedger(configuration: .init(slowCheck: .milliseconds(500)))
        _ = ledger.record(check: .alive(milliseconds: 800), at: Date())
        #expect(ledger.status == .degraded)
        #expect(ledger.reason.contains("800 ms"))
        _ = ledger.record(check: .alive(milliseconds: 20), at: Date())
        #expect(ledger.status == .healthy)
    }

    @Test func unhealthyUpstreamsDegrade() {
        var ledger = ProxyHealthLedger(configuration: .init())
        var result = ProxyProbe.Result.alive(milliseconds: 3)
        result.upstreams = UpstreamSummary(summaryHealth: false, count: 4, unhealthyCount: 1)
        _ = ledger.record(check: result, at: Date())
        #expect(ledger.status == .degraded)
        #expect(ledger.reason == "the proxy reports 1 of 4 upstream providers unhealthy")
    }

    @Test func eachChangeIsOneTransitionAndOnlyTheLatestAreKept() {
        var ledger = ProxyHealthLedger(configuration: .init(transitionsKept: 3))
        var changes: [ProxyHealthStatus] = []
        for _ in 0..<3 {
            for check in [ProxyProbe.Result.alive(milliseconds: 3), .alive(milliseconds: 3), .refused, .refused] {
                if let transition = ledger.record(check: check, at: Date()) { changes.append(transition.to) }
            }
        }
        // Repeated outcomes change nothing; after an outage the proxy is healthy at the first check back.
        #expect(changes == [.healthy, .unhealthy, .healthy, .unhealthy, .healthy, .unhealthy])
        #expect(ledger.transitions.map(\.to) == [.unhealthy, .healthy, .unhealthy])
        #expect(ledger.transitions.map(\.from) == [.healthy, .unhealthy, .healthy])
    }

    @Test func theProtocolsOfTheLastSuccessfulCheckAreKept() {
        var ledger = ProxyHealthLedger(configuration: .init())
        var result = ProxyProbe.Result.alive(milliseconds: 3)
        result.protocols = ["json", "protobuf"]
        _ = ledger.record(check: result, at: Date())
        _ = ledger.record(check: .refused, at: Date())
        #expect(ledger.protocols == ["json", "protobuf"])
    }
}

extension ProxyProbe.Result {
    static func alive(milliseconds: Int) -> Self {
        Self(latency: .milliseconds(milliseconds), error: nil, protocols: nil, upstreams: nil)
    }

    static var timedOut: Self {
        Self(latency: .seconds(1), error: ChimeraError(kind: .timeout, message: "no answer within 1s"), protocols: nil, upstreams: nil)
    }

    static var refused: Self {
        Self(latency: .milliseconds(1), error: ChimeraError(kind: .proxyUnavailable, message: "cannot connect to the proxy"), protocols: nil, upstreams: nil)
    }
}
