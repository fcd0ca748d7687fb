import AsyncHTTPClient
import Chimera
import ChimeraSimulator
import ChimeraTestSupport
import Foundation
import Logging
import Synchronization
import Testing
@testable import ChimeraTransport

@Suite("Connection permits: at most the pool size per host, the rest wait in order up to their deadline")
struct ConnectionPermitsTests {
    static let host = "http://127.0.0.1:1"
    static func later(_ duration: Duration = .seconds(30)) -> ContinuousClock.Instant { .now + duration }

    @Test func waitersAreAdmittedInOrderOfArrivalAsPermitsComeBack() async throws {
        let permits = ConnectionPermits(limit: 2)
        let first = try await permits.acquire(host: Self.host, until: Self.later())
        let second = try await permits.acquire(host: Self.host, until: Self.later())
        let order = Shared<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<3 {
                group.addTask {
                    let permit = try await permits.acquire(host: Self.host, until: Self.later())
                    order.withLock { $0.append(index) }
                    permit.release()
                }
                // Queue them one after the other, so arrival order is known.
                while permits.counts(host: Self.host).waiting < index + 1 { await Task.yield() }
            }
            #expect(order.withLock { $0 }.isEmpty, "admitted while the pool was full")
            first.release()
            try await group.waitForAll()
        }
        #expect(order.withLock { $0 } == [0, 1, 2])
        #expect(permits.counts(host: Self.host) == (inUse: 1, waiting: 0))
        second.release()
        second.release()  // a second release gives nothing back twice
        #expect(permits.counts(host: Self.host) == (inUse: 0, waiting: 0))
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/v1/chat/completions", "http://127.0.0.1:8080"),
        ("https://example.com?key=x", "https://example.com"),
        ("https://example.com", "https://example.com"),
        ("http://[::1]:9/a/b", "http://[::1]:9"),
        ("not a url", "not a url"),
    ])
    func aRequestsPoolIsItsURLsOrigin(_ url: String, _ origin: String) {
        #expect(HTTPTransport.origin(of: url) == origin)
    }

    @Test func hostsHaveSeparatePools() async throws {
        let permits = ConnectionPermits(limit: 1)
        let held = try await permits.acquire(host: Self.host, until: Self.later())
        let other = try await permits.acquire(host: "http://127.0.0.1:2", until: Self.later(.milliseconds(100)))
        other.release()
        held.release()
    }

    @Test func aWaitEndsAtItsDeadlineWithoutTakingAPermit() async throws {
        let permits = ConnectionPermits(limit: 1)
        let held = try await permits.acquire(host: Self.host, until: Self.later())
        let started = ContinuousClock.now
        await #expect(throws: ConnectionPermits.WaitTimeout.self) {
            _ = try await permits.acquire(host: Self.host, until: .now + .milliseconds(150))
        }
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(150) && waited < .seconds(10))
        #expect(permits.counts(host: Self.host) == (inUse: 1, waiting: 0))
        held.release()
        #expect(permits.counts(host: Self.host) == (inUse: 0, waiting: 0))
    }

    @Test func aCancelledWaitEndsAtOnce() async throws {
        let permits = ConnectionPermits(limit: 1)
        let held = try await permits.acquire(host: Self.host, until: Self.later())
        let waiter = Task { try await permits.acquire(host: Self.host, until: Self.later()) }
        while permits.counts(host: Self.host).waiting < 1 { await Task.yield() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiter.value }
        #expect(permits.counts(host: Self.host) == (inUse: 1, waiting: 0))
        held.release()
    }

    @Test func aPermitComesBackWhenItsHolderLetsGo() async throws {
        let permits = ConnectionPermits(limit: 1)
        do {
            _ = try await permits.acquire(host: Self.host, until: Self.later())
        }
        let again = try await permits.acquire(host: Self.host, until: Self.later(.milliseconds(100)))
        again.release()
    }

    @Test func manyRacingWaitersNeitherLoseNorDuplicatePermits() async throws {
        let permits = ConnectionPermits(limit: 3)
        let occupancy = Shared((inside: 0, most: 0))
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    // A third give up early (a deadline of a few milliseconds), racing the admissions.
                    let deadline: ContinuousClock.Instant = index % 3 == 0 ? .now + .milliseconds(index % 7) : Self.later()
                    let permit: ConnectionPermit
                    do {
                        permit = try await permits.acquire(host: Self.host, until: deadline)
                    } catch {
                        #expect(error is ConnectionPermits.WaitTimeout && index % 3 == 0, "\(index): \(error)")
                        return
                    }
                    occupancy.withLock { $0.inside += 1; $0.most = max($0.most, $0.inside) }
                    await Task.yield()
                    occupancy.withLock { $0.inside -= 1 }
                    permit.release()
                }
            }
        }
        #expect(occupancy.withLock { $0.most } <= 3)
        #expect(permits.counts(host: Self.host) == (inUse: 0, waiting: 0))
    }
}

/// A value several tasks change under a lock.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<Result>(_ body: (inout Value) -> Result) -> Result { value.withLock { body(&$0) } }
}

@Suite("Connection pool: bursts queue up to their time limit; control requests skip the queue")
struct ConnectionPoolTests {
    /// A direct service on a transport with `poolSize` connections per host and a short connect
    /// timeout, so a wait bounded by it (AsyncHTTPClient's own rule) would show.
    func withPooledService<Result>(
        _ simulator: RunningSimulator, poolSize: Int, requestTimeout: Duration,
        _ body: (LLMService, HTTPTransport) async throws -> Result
    ) async throws -> Result {
        let transport = HTTPTransport(connectTimeout: .milliseconds(200), poolSize: poolSize)
        var configuration = ChimeraConfiguration(direct: DirectConfiguration(
            timeouts: Timeouts(connect: .milliseconds(200), request: requestTimeout, streamIdle: .seconds(10)), maxRetries: 0
        ))
        for id in ProviderID.allCases {
            configuration.providers[id]?.baseURL = simulator.baseURL(for: id)
            configuration.providers[id]?.apiKey = Secret("test-key")
        }
        let service = LLMService(configuration: configuration, transport: transport)
        do {
            let result = try await body(service, transport)
            try await service.shutdown()
            try await transport.shutdown()
            return result
        } catch {
            try await service.shutdown()
            try await transport.shutdown()
            throw error
        }
    }

    @Test func aBurstLargerThanThePoolQueuesInsteadOfFailing() async throws {
        try await withSimulator { simulator in
            try await withPooledService(simulator, poolSize: 2, requestTimeout: .seconds(20)) { service, _ in
                // 8 requests of about 0.5 s each on 2 connections: the last ones wait about 1.5 s,
                // far past the 0.2 s connect timeout.
                let failures = await withTaskGroup(of: String?.self, returning: [String].self) { group in
                    for index in 0..<8 {
                        group.addTask {
                            let request = sampleRequest(.openai, switches: "latency=100,words=4,split=\(1000 + index)", stream: index % 2 == 0)
                            do {
                                _ = try await answer(service, request)
                                return nil
                            } catch {
                                return "\(index): \(error)"
                            }
                        }
                    }
                    return await group.reduce(into: []) { if let failure = $1 { $0.append(failure) } }
                }
                #expect(failures.isEmpty, "\(failures)")
                // At most 2 requests in flight at once. Not counted in connections opened: when a
                // request follows an answer at once, AsyncHTTPClient may open a connection before
                // it has put the one that carried the answer back in its pool.
                #expect(simulator.stats.mostBusyConnections <= 2, "\(simulator.stats.mostBusyConnections) requests at once for a pool of 2")
            }
        }
    }

    @Test func aRequestThatGetsNoConnectionWithinItsLimitFailsClearly() async throws {
        try await withSimulator { simulator in
            // Limits far above a loaded machine's delays: the holder must open, the other must wait.
            try await withPooledService(simulator, poolSize: 1, requestTimeout: .seconds(2)) { service, _ in
                // A stream that keeps its connection: its head and first chunk come at once, then it stalls.
                let holder = try await service.stream(sampleRequest(.openai, switches: "stall-after=1", stream: true))
                let started = ContinuousClock.now
                let error = await #expect(throws: ChimeraError.self) {
                    try await service.complete(sampleRequest(.openai))
                }
                let waited = ContinuousClock.now - started
                #expect(error?.kind == .timeout)
                #expect(error?.message.contains("stayed busy for 2s") == true, "\(String(describing: error))")
                #expect(error?.hint?.contains("send fewer at once") == true)
                #expect(waited >= .seconds(2) && waited < .seconds(10))
                _ = holder
            }
        }
    }

    @Test func controlRequestsSkipABusyPool() async throws {
        try await withSimulator { simulator in
            try await withPooledService(simulator, poolSize: 1, requestTimeout: .seconds(10)) { service, transport in
                let holder = try await service.stream(sampleRequest(.openai, switches: "stall-after=1", stream: true))
                let models = UpstreamRequest(url: simulator.baseURL(for: .openai).appending(path: "models").absoluteString)
                let failure: @Sendable (TransportFailure) -> ChimeraError = { ChimeraError(kind: .upstream, message: "\($0.reason)") }
                let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
                let reply = try await transport.send(models, timeout: .seconds(2), lane: .control, logger: logger, classify: failure)
                #expect(reply.status == 401 || reply.status == 200)
                let pooled = await #expect(throws: ChimeraError.self) {
                    try await transport.send(models, timeout: .milliseconds(300), logger: logger, classify: failure)
                }
                #expect(pooled?.message == "poolExhausted")
                _ = holder
            }
        }
    }

    @Test func aFinishedOrDroppedStreamGivesItsConnectionBack() async throws {
        try await withSimulator { simulator in
            // A connection never given back would make the last request wait the whole 20 s and fail.
            try await withPooledService(simulator, poolSize: 1, requestTimeout: .seconds(20)) { service, _ in
                // Read to the end, stopped early, and never read: each must free the one connection.
                _ = try await answer(service, sampleRequest(.anthropic, stream: true))
                for try await _ in try await service.stream(sampleRequest(.openai, switches: "words=50", stream: true)) { break }
                _ = try await service.stream(sampleRequest(.gemini, switches: "words=50", stream: true))
                _ = try await service.complete(sampleRequest(.openai))
            }
        }
    }
}
