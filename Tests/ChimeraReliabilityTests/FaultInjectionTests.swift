import Chimera
import Foundation
import Testing

@Suite("A misbehaving proxy: every request ends as a clear error within its limit, nothing leaks")
struct FaultInjectionTests {
    /// The kinds a client may report for each fault; anything else would mislead the user.
    static let expectedKinds: [MisbehavingServer.Behaviour: Set<ChimeraError.Kind>] = [
        .silent: [.timeout],
        .byteByByte: [.timeout],
        .closeMidHeaders: [.proxyUnavailable, .upstream],
        .malformedJSON: [.decoding],
        .truncatedStream: [.proxyUnavailable, .upstream, .decoding],
    ]

    @Test(arguments: MisbehavingServer.Behaviour.connectionFaults, [false, true])
    func eachFaultEndsAsAClearErrorWithinTheTimeout(behaviour: MisbehavingServer.Behaviour, stream: Bool) async throws {
        let fake = try await MisbehavingServer.start(behaviour)
        let started = ContinuousClock.now
        let failure: ChimeraError?
        do {
            failure = try await withService(proxyMode(fake.url)) { service in
                await #expect(throws: ChimeraError.self) {
                    try await run(service, request(.openai, model: "gpt-4.1", stream: stream))
                }
            }
        } catch {
            try await fake.shutdown()
            throw error
        }
        let elapsed = ContinuousClock.now - started
        try await fake.shutdown()
        let error = try #require(failure)
        #expect(Self.expectedKinds[behaviour]!.contains(error.kind), "\(behaviour) stream=\(stream): \(error)")
        #expect(!error.message.isEmpty)
        // One request limit (1 s) plus slack for a loaded 2-core machine.
        #expect(elapsed < .seconds(4), "\(behaviour) took \(elapsed)")
    }

    @Test(arguments: MisbehavingServer.Behaviour.connectionFaults)
    func repeatedFaultsLeakNoFileDescriptorsOrMemory(behaviour: MisbehavingServer.Behaviour) async throws {
        // A warm-up round loads lazily initialised state (thread pools, caches) before counting.
        try await Self.fail(20, against: behaviour)
        let fdsBefore = try openFileDescriptors()
        let rssBefore = try residentKilobytes()
        try await Self.fail(20, against: behaviour)
        // Sockets close asynchronously, and other suites in this process open their own: the
        // count must come back near the baseline within a few seconds, which a leak of one
        // descriptor per request (20) never does.
        var fdsAfter = try openFileDescriptors()
        let deadline = ContinuousClock.now + .seconds(5)
        while fdsAfter - fdsBefore > 8, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            fdsAfter = try openFileDescriptors()
        }
        let rssAfter = try residentKilobytes()
        #expect(fdsAfter - fdsBefore <= 8, "\(behaviour): fds \(fdsBefore) → \(fdsAfter)")
        #expect(rssAfter - rssBefore < 64 * 1024, "\(behaviour): RSS \(rssBefore) → \(rssAfter) KiB")
    }

    /// Sends `count` concurrent requests (half streaming) at a fresh fake and requires each to fail,
    /// shutting the client and the fake down before returning.
    private static func fail(_ count: Int, against behaviour: MisbehavingServer.Behaviour) async throws {
        let fake = try await MisbehavingServer.start(behaviour)
        do {
            let outcomes = try await withService(proxyMode(fake.url)) { service in
                await withTaskGroup(of: Bool.self) { group in
                    for index in 0..<count {
                        group.addTask {
                            do {
                                _ = try await run(service, request(.openai, model: "gpt-4.1", stream: index.isMultiple(of: 2)))
                                return false
                            } catch is ChimeraError {
                                return true
                            } catch {
                                return false
                            }
                        }
                    }
                    return await group.reduce(into: [Bool]()) { $0.append($1) }
                }
            }
            #expect(outcomes.count == count && outcomes.allSatisfy { $0 }, "\(behaviour): every request must end as a ChimeraError")
        } catch {
            try await fake.shutdown()
            throw error
        }
        try await fake.shutdown()
    }
}
