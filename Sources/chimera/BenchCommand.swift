import ArgumentParser
import Chimera
import ChimeraProxyServer
import Foundation

/// `chimera bench`: what proxy mode costs over direct mode, on loopback, in one process run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure proxy-mode overhead, throughput, memory and protocol sizes against the built-in simulator.",
        discussion: """
            Run it optimized: swift run -c release chimera bench. Starts the simulator (no artificial latency) and \
            chimera proxy in this process and measures direct mode (the baseline), proxy mode over JSON and over \
            protobuf, unary and streamed, at concurrency 1 and 32; then the memory of a `chimera proxy --simulate` \
            child process under 1,000 slow streams and along a 100,000-chunk stream. With --target-url it instead \
            measures any OpenAI-compatible endpoint against --baseline-url (Benchmarks/litellm/run.sh uses this).
            """
    )

    @Flag(help: "A short run: 200 requests per scenario, 200 slow streams, a 10,000-chunk stream.")
    var quick = false

    @Option(help: "Where to write the results as JSON.")
    var json = "bench-results.json"

    @Option(help: "Requests per scenario (default 2,000; 200 with --quick).")
    var requests: Int?

    @Option(help: "An OpenAI-compatible base URL (ending in /v1) to measure instead of the in-process proxy.")
    var targetURL: String?

    @Option(help: "With --target-url: the OpenAI-compatible base URL to compare with (the simulator's /v1).")
    var baselineURL: String?

    @Flag(help: "Measure chimera proxy's same-family pass-through and cross-family translation against a bare Hummingbird + AsyncHTTPClient pass-through, instead of proxy mode against direct mode.")
    var passThrough = false

    @Flag(help: "Only the protocol sizes (JSON versus protobuf bytes and codec times, chat and embeddings): no servers, seconds.")
    var sizes = false

    @Option(help: "The model to request; simulator switches go after @.")
    var model = "gpt-4.1@words=20"

    @Flag(help: "Offer a tool in every request and require its use: the simulator answers with a call, its arguments streamed over several chunks.")
    var tools = false

    @Option(help: "The time limit of each scenario, in seconds.")
    var timeLimit: Int = 30

    /// The concurrency levels measured.
    private static let concurrencies = [1, 32]

    func validate() throws {
        if passThrough, targetURL != nil {
            throw ValidationError("--pass-through measures the in-process proxy; leave out --target-url")
        }
        if (targetURL == nil) != (baselineURL == nil) {
            throw ValidationError("--target-url and --baseline-url go together")
        }
        if sizes, passThrough || targetURL != nil {
            throw ValidationError("--sizes measures no servers; leave out --pass-through and --target-url")
        }
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1") }
    }

    func run() async throws {
        let terminal = Terminal()
        var report = BenchReport(
            machine: .init(cores: ProcessInfo.processInfo.activeProcessorCount, operatingSystem: ProcessInfo.processInfo.operatingSystemVersionString, optimized: Self.isOptimized),
            date: ISO8601DateFormatter().string(from: Date()),
            command: CommandLine.arguments.joined(separator: " "),
            model: model,
            requestsPerScenario: requests ?? (quick ? 200 : 2_000),
            timeLimitSeconds: Double(timeLimit),
            scenarios: []
        )
        terminal.line("chimera bench: \(report.machine.cores) cores, \(report.machine.optimized ? "optimized build" : "DEBUG build (numbers are not representative; use -c release)")")
        if sizes {
            measureProtocolSizes(into: &report, terminal: terminal)
            try report.write(to: json)
            terminal.line("\nwrote \(json)")
            return
        }
        var ratios: [[String]]?
        if let targetURL, let baselineURL {
            try await measureTarget(targetURL, against: baselineURL, into: &report, terminal: terminal)
        } else if passThrough {
            ratios = try await measurePassThrough(into: &report, terminal: terminal)
        } else {
            try await measureInProcess(into: &report, terminal: terminal)
            try await measureMemory(into: &report, terminal: terminal)
            measureProtocolSizes(into: &report, terminal: terminal)
        }
        let table = report.scenarioTable
        terminal.heading("Latency and throughput (\(report.model), \(report.requestsPerScenario) requests per scenario, \(report.machine.cores) cores)")
        terminal.table(header: table.header, rows: table.rows)
        terminal.line("  added = this target's percentile minus the baseline's (direct mode, or --baseline-url) in the same run")
        if let protobuf = report.protobuf { terminal.line("  protobuf: \(protobuf)") }
        if let ratios { Self.printPassThroughRatios(ratios, on: terminal) }
        if let memory = report.memory { Self.print(memory, on: terminal) }
        try report.write(to: json)
        terminal.line("\nwrote \(json)")
    }

    // MARK: Scenarios

    /// A target to load: its name in the table, the service that reaches it, and the model to
    /// ask for when it is not `--model`.
    struct Target {
        var name: String
        var service: LLMService
        var model: String?
    }

    /// Direct mode, then proxy mode over JSON and protobuf, against one in-process simulator and proxy.
    private func measureInProcess(into report: inout BenchReport, terminal: Terminal) async throws {
        terminal.progress("starting the simulator and chimera proxy in this process")
        let (proxy, simulator) = try await startSimulatedProxy(logger: quietLogger())
        var direct = ChimeraConfiguration(connectionMode: .direct)
        direct.providers[.openai]?.baseURL = simulator.baseURL(for: .openai)
        direct.providers[.openai]?.apiKey = Secret("bench-key")
        direct.direct.maxRetries = 0
        var targets = [Target(name: "direct", service: LLMService(configuration: direct))]
        for wireProtocol in [ProxyProtocolPreference.json, .protobuf] {
            var configuration = ChimeraConfiguration(connectionMode: .proxy)
            configuration.proxy.serverURL = proxy.baseURL
            configuration.proxy.wireProtocol = wireProtocol
            configuration.proxy.maxRetries = 0
            // One connection per worker, as direct mode has: otherwise proxy mode would queue in its own pool.
            configuration.proxy.poolSize = Self.concurrencies.max()!
            targets.append(Target(name: "proxy-\(wireProtocol.rawValue)", service: LLMService(configuration: configuration)))
        }
        let protobufRefusal = await refusalOfProtobuf(by: targets[2].service)
        report.protobuf = protobufRefusal.map { "not measured: \($0)" } ?? "measured (PROXY_PROTOCOL=protobuf answered over protobuf)"
        if protobufRefusal != nil { try await targets.removeLast().service.shutdown() }
        do {
            try await measure(targets, into: &report, terminal: terminal)
        } catch {
            for target in targets { try await target.service.shutdown() }
            try await proxy.shutdown()
            try await simulator.shutdown()
            throw error
        }
        for target in targets { try await target.service.shutdown() }
        try await proxy.shutdown()
        try await simulator.shutdown()
    }

    /// Why `service`, configured with `PROXY_PROTOCOL=protobuf`, does not answer over protobuf;
    /// `nil` when it does.
    private func refusalOfProtobuf(by service: LLMService) async -> String? {
        do {
            let answer = try await service.complete(request(stream: false))
            return answer.wireProtocol == .protobuf ? nil : "PROXY_PROTOCOL=protobuf answered over \(answer.wireProtocol.rawValue)"
        } catch {
            return ChimeraError(describing: error).description
        }
    }

    /// Any OpenAI-compatible endpoint against a baseline, both reached in direct mode as OpenAI.
    private func measureTarget(_ targetURL: String, against baselineURL: String, into report: inout BenchReport, terminal: Terminal) async throws {
        var targets: [Target] = []
        for (name, address) in [("baseline", baselineURL), ("target", targetURL)] {
            guard let url = URL(string: address), url.scheme != nil else {
                throw ValidationError("\(address) is not a URL; give an OpenAI-compatible base URL such as http://127.0.0.1:4000/v1")
            }
            var configuration = ChimeraConfiguration(connectionMode: .direct)
            configuration.providers[.openai]?.baseURL = url
            configuration.providers[.openai]?.apiKey = Secret(ProcessInfo.processInfo.environment["BENCH_API_KEY"] ?? "bench-key")
            configuration.direct.maxRetries = 0
            targets.append(Target(name: name, service: LLMService(configuration: configuration)))
        }
        terminal.line("baseline: \(baselineURL)   target: \(targetURL)")
        do {
            try await measure(targets, into: &report, terminal: terminal)
        } catch {
            for target in targets { try await target.service.shutdown() }
            throw error
        }
        for target in targets { try await target.service.shutdown() }
    }

    /// Every kind and concurrency for every target, the first target being the baseline.
    ///
    /// Targets take turns within each kind and concurrency, in ``rounds`` rounds of a share of
    /// the requests each, so that load from elsewhere on a shared machine falls on all of them
    /// alike instead of on whichever ran when it came; each is warmed up first so that no
    /// scenario pays for connecting.
    func measure(_ targets: [Target], into report: inout BenchReport, terminal: Terminal) async throws {
        let perRound = max(1, report.requestsPerScenario / Self.rounds)
        for stream in [false, true] {
            let kind = stream ? "stream" : "unary"
            for concurrency in Self.concurrencies {
                for target in targets {
                    let warmUp = BenchLoad(requests: concurrency * 4, concurrency: concurrency, timeLimit: .seconds(timeLimit))
                    let request = request(stream: stream, model: target.model)
                    let service = target.service
                    _ = await warmUp.run { try await BenchLoad.send(request, through: service) }
                }
                var samples = Array(repeating: BenchSamples(), count: targets.count)
                for round in 1...Self.rounds {
                    for (index, target) in targets.enumerated() {
                        terminal.progress("\(target.name), \(kind), concurrency \(concurrency), round \(round) of \(Self.rounds)")
                        let request = request(stream: stream, model: target.model)
                        let service = target.service
                        let load = BenchLoad(requests: perRound, concurrency: concurrency, timeLimit: .seconds(timeLimit) / Self.rounds)
                        samples[index].append(round: await load.run { try await BenchLoad.send(request, through: service) })
                    }
                }
                var baseline: BenchReport.Scenario?
                for (index, target) in targets.enumerated() {
                    let scenario = BenchReport.Scenario(target: target.name, kind: kind, concurrency: concurrency, samples: samples[index], baseline: baseline)
                    if let failure = samples[index].firstFailure {
                        terminal.line("  \(target.name), \(kind), concurrency \(concurrency): \(samples[index].failures) failed; the first: \(failure)")
                    }
                    baseline = baseline ?? scenario
                    report.scenarios.append(scenario)
                }
            }
        }
    }

    /// How many turns each target takes per kind and concurrency (see ``measure(_:into:terminal:)``).
    static let rounds = 5

    /// The peak memory of a `chimera proxy` child under many slow streams, and along a long stream.
    private func measureMemory(into report: inout BenchReport, terminal: Terminal) async throws {
        let streams = quick ? 200 : 1_000
        let slowModel = "gpt-4.1@words=200,latency=20"
        terminal.progress("memory: \(streams) concurrent slow streams (\(slowModel)) through a chimera proxy child process")
        let concurrent = try await BenchMemory.concurrentStreams(count: streams, model: slowModel) { terminal.progress("  \($0)") }
        let chunks = quick ? 10_000 : 100_000
        terminal.progress("memory: one \(chunks)-chunk stream through a chimera proxy child process")
        let long = try await BenchMemory.longStream(chunks: chunks) { terminal.progress("  \($0)") }
        report.memory = .init(concurrentStreams: concurrent, longStream: long)
    }

    /// JSON versus protobuf bytes and codec times on the binary protocol's corpus.
    private func measureProtocolSizes(into report: inout BenchReport, terminal: Terminal) {
        let sizes = ProtocolSizeBenchmark.run()
        terminal.heading("Protocol sizes: JSON versus protobuf")
        terminal.write(sizes.table)
        report.protocolSizes = sizes.json
    }

    private static func print(_ memory: BenchReport.Memory, on terminal: Terminal) {
        let concurrent = memory.concurrentStreams
        let long = memory.longStream
        terminal.heading("Memory of a chimera proxy --simulate child process (simulated upstreams included)")
        terminal.table(
            header: ["scenario", "result", "RSS"],
            rows: [
                [
                    "\(concurrent.streams) concurrent streams (\(concurrent.model))",
                    "\(concurrent.completed) ok, \(concurrent.failed) failed in \(String(format: "%.1f", concurrent.seconds)) s",
                    "idle \(mebibytes(concurrent.idleKiB)), peak (VmHWM) \(mebibytes(concurrent.peakKiB))",
                ],
                [
                    "one \(long.chunks)-chunk stream",
                    "\(long.received) chunks in \(String(format: "%.1f", long.seconds)) s",
                    "start \(mebibytes(long.startKiB)), middle \(mebibytes(long.middleKiB)), end \(mebibytes(long.endKiB)), peak \(mebibytes(long.peakKiB))",
                ],
            ]
        )
        if let failure = concurrent.firstFailure { terminal.line("  first failure: \(failure)") }
    }

    private static func mebibytes(_ kibibytes: Int) -> String {
        String(format: "%.1f MiB", Double(kibibytes) / 1024)
    }

    private func request(stream: Bool, model: String? = nil) -> ChatRequest {
        guard tools else {
            return ChatRequest(provider: .openai, model: model ?? self.model, messages: [.user("Benchmark: answer with filler words.")], stream: stream)
        }
        return ChatRequest(
            provider: .openai, model: model ?? self.model, messages: [.user("Benchmark: look up the weather.")],
            stream: stream, tools: [Self.weatherTool], toolChoice: .required
        )
    }

    /// The tool `--tools` offers; the simulator streams its arguments (62 characters of JSON) in 7 fragments.
    private static let weatherTool = Tool(
        name: "get_weather", description: "The weather forecast of a city.",
        parameters: [
            "type": "object",
            "properties": [
                "city": ["type": "string"],
                "unit": ["type": "string", "enum": ["celsius", "fahrenheit"]],
                "days": ["type": "integer"],
                "hourly": ["type": "boolean"],
            ],
            "required": ["city", "unit", "days", "hourly"],
        ]
    )

    private static var isOptimized: Bool {
        #if DEBUG
        false
        #else
        true
        #endif
    }
}
