import Chimera
import ChimeraTransport
import Foundation
import Synchronization

/// The memory scenarios: a `chimera proxy` child process under many concurrent slow streams, and
/// along one very long stream.
enum BenchMemory {
    /// Resident memory of the proxy while it serves many slow streams at once.
    struct ConcurrentStreams: Encodable, Sendable {
        /// Streams opened at once.
        var streams: Int
        /// The model string, fault switches included.
        var model: String
        /// Streams read to their end.
        var completed: Int
        /// Streams that failed.
        var failed: Int
        /// The first failure, if any.
        var firstFailure: String?
        /// Resident memory of the idle proxy before the streams.
        var idleKiB: Int
        /// The proxy's peak resident memory (`VmHWM`) after the streams.
        var peakKiB: Int
        /// Wall time of the scenario.
        var seconds: Double
    }

    /// Resident memory of the proxy sampled along one long stream.
    struct LongStream: Encodable, Sendable {
        /// Text chunks in the stream.
        var chunks: Int
        /// Chunks received.
        var received: Int
        /// Resident memory after the first chunk.
        var startKiB: Int
        /// Resident memory halfway through.
        var middleKiB: Int
        /// Resident memory after the last chunk.
        var endKiB: Int
        /// The proxy's peak resident memory (`VmHWM`) at the end.
        var peakKiB: Int
        /// Wall time of the stream.
        var seconds: Double
    }

    /// Opens `count` streams at once through a fresh `chimera proxy` child and reads them to the
    /// end, telling `progress` how many have ended every few seconds (the scenario takes about a
    /// minute).
    static func concurrentStreams(count: Int, model: String, progress: @escaping @Sendable (String) -> Void) async throws -> ConcurrentStreams {
        try await withProxyChild(poolSize: count) { child, service in
            let idle = try BenchProxyProcess.memory(of: child.pid)
            let request = ChatRequest(provider: .openai, model: model, messages: [.user("Benchmark: stream slowly.")], stream: true)
            let ended = EndedStreams()
            let reporter = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(5))
                    progress("\(ended.count.withLock { $0 }) of \(count) streams ended")
                }
            }
            let samples = await BenchLoad(requests: count, concurrency: count, timeLimit: .seconds(120)).run {
                defer { ended.count.withLock { $0 += 1 } }
                return try await BenchLoad.send(request, through: service)
            }
            reporter.cancel()
            let after = try BenchProxyProcess.memory(of: child.pid)
            return ConcurrentStreams(
                streams: count, model: model, completed: samples.totals.count, failed: samples.failures,
                firstFailure: samples.firstFailure, idleKiB: idle.residentKiB, peakKiB: after.peakKiB,
                seconds: samples.elapsed.seconds
            )
        }
    }

    /// Reads one stream of `chunks` words through a fresh `chimera proxy` child, sampling the
    /// child's resident memory at the first chunk, halfway, and at the end, and telling
    /// `progress` at every tenth.
    static func longStream(chunks: Int, progress: (String) -> Void) async throws -> LongStream {
        try await withProxyChild(poolSize: 1) { child, service in
            let clock = ContinuousClock()
            let started = clock.now
            let request = ChatRequest(provider: .openai, model: "gpt-4.1@words=\(chunks)", messages: [.user("Benchmark: a long stream.")], stream: true)
            var received = 0
            var start = 0
            var middle = 0
            for try await event in try await service.stream(request) {
                guard case .delta = event else { continue }
                received += 1
                if received == 1 { start = try BenchProxyProcess.memory(of: child.pid).residentKiB }
                if received == chunks / 2 { middle = try BenchProxyProcess.memory(of: child.pid).residentKiB }
                if chunks >= 10, received.isMultiple(of: chunks / 10), received < chunks { progress("\(received) of \(chunks) chunks") }
            }
            let end = try BenchProxyProcess.memory(of: child.pid)
            return LongStream(
                chunks: chunks, received: received, startKiB: start, middleKiB: middle,
                endKiB: end.residentKiB, peakKiB: end.peakKiB, seconds: (clock.now - started).seconds
            )
        }
    }

    /// Runs `body` against a fresh proxy child with a proxy-mode service of `poolSize`
    /// connections, then stops both whatever happens.
    private static func withProxyChild<Result>(
        poolSize: Int,
        _ body: (BenchProxyProcess, LLMService) async throws -> Result
    ) async throws -> Result {
        let transport = HTTPTransport(connectTimeout: .seconds(10), poolSize: poolSize)
        let child: BenchProxyProcess
        do {
            child = try await BenchProxyProcess.launch(transport: transport)
        } catch {
            try await transport.shutdown()
            throw error
        }
        var configuration = ChimeraConfiguration(connectionMode: .proxy)
        configuration.proxy.serverURL = child.baseURL
        configuration.proxy.wireProtocol = .json
        configuration.proxy.maxRetries = 0
        configuration.proxy.poolSize = poolSize
        let service = LLMService(configuration: configuration, transport: transport)
        let result: Result
        do {
            result = try await body(child, service)
        } catch {
            child.stop()
            try await transport.shutdown()
            throw error
        }
        child.stop()
        try await transport.shutdown()
        return result
    }
}

/// Streams of the concurrent scenario that have ended, counted by the workers and read by the
/// progress reporter.
private final class EndedStreams: Sendable {
    let count = Mutex(0)
}
