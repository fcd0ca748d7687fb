import BarePassThrough
import Chimera
import ChimeraServerSupport
import Foundation

/// `chimera bench --pass-through`: what `chimera proxy` costs over the floor of any proxy, a bare
/// Hummingbird + AsyncHTTPClient pass-through (``BarePassThrough``), in one run.
///
/// Every target is called the same way, as an OpenAI endpoint by `LLMService` in direct mode,
/// so the load generator's own work is the same for all of them:
///
/// | target | path |
/// |---|---|
/// | `direct` | the simulator itself (the baseline of "added") |
/// | `bare-pass-through` | ``BarePassThrough`` → simulator |
/// | `proxy-same-family` | `chimera proxy` `/v1/chat/completions` → the simulator's OpenAI API, passed through |
/// | `proxy-cross-family` | `chimera proxy` `/claude-custom/v1/chat/completions` → the simulator's Anthropic API, translated both ways |
extension BenchCommand {
    /// Runs the four targets and returns the rows of the ratio table.
    func measurePassThrough(into report: inout BenchReport, terminal: Terminal) async throws -> [[String]] {
        terminal.progress("starting the simulator, chimera proxy and a bare pass-through in this process")
        let (proxy, simulator) = try await startSimulatedProxy(logger: quietLogger())
        let openAI = simulator.baseURL(for: .openai)
        let bare = BarePassThrough(upstream: openAI.deletingLastPathComponent(), poolSize: 32)
        let bareServer: RunningServer
        do {
            bareServer = try await bare.start()
        } catch {
            try await proxy.shutdown()
            try await simulator.shutdown()
            throw error
        }
        let crossFamilyModel = "claude-sonnet-4-5" + (model.firstIndex(of: "@").map { String(model[$0...]) } ?? "")
        let targets = [
            Target(name: "direct", service: Self.openAIClient(openAI)),
            Target(name: "bare-pass-through", service: Self.openAIClient(bareServer.baseURL.appending(path: "v1"))),
            Target(name: "proxy-same-family", service: Self.openAIClient(proxy.baseURL.appending(path: "v1"))),
            Target(name: "proxy-cross-family", service: Self.openAIClient(proxy.baseURL.appending(path: "claude-custom/v1")), model: crossFamilyModel),
        ]
        var failure: (any Error)?
        do {
            try await measure(targets, into: &report, terminal: terminal)
        } catch {
            failure = error
        }
        for target in targets { try await target.service.shutdown() }
        try await bareServer.shutdown()
        try await bare.shutdown()
        try await proxy.shutdown()
        try await simulator.shutdown()
        if let failure { throw failure }
        return Self.passThroughRatios(report.scenarios)
    }

    /// An OpenAI client of `baseURL` in direct mode, one connection per worker, no retries.
    private static func openAIClient(_ baseURL: URL) -> LLMService {
        var configuration = ChimeraConfiguration(connectionMode: .direct)
        configuration.providers[.openai]?.baseURL = baseURL
        configuration.providers[.openai]?.apiKey = Secret("bench-key")
        configuration.direct.maxRetries = 0
        return LLMService(configuration: configuration)
    }

    /// For each kind and concurrency: each proxy target's requests/s and added p50 as multiples
    /// of the bare pass-through's, measured in the same run.
    static func passThroughRatios(_ scenarios: [BenchReport.Scenario]) -> [[String]] {
        var rows: [[String]] = []
        for kind in ["unary", "stream"] {
            for concurrency in [1, 32] {
                let same = scenarios.filter { $0.kind == kind && $0.concurrency == concurrency }
                guard let bare = same.first(where: { $0.target == "bare-pass-through" }) else { continue }
                for target in ["proxy-same-family", "proxy-cross-family"] {
                    guard let proxy = same.first(where: { $0.target == target }) else { continue }
                    let throughput = proxy.requestsPerSecond / bare.requestsPerSecond
                    let added = proxy.addedTotal.flatMap { proxy in bare.addedTotal.map { proxy.p50 / $0.p50 } }
                    rows.append([
                        target, kind, String(concurrency),
                        String(format: "%.2f×", throughput),
                        added.map { String(format: "%.2f×", $0) } ?? "-",
                    ])
                }
            }
        }
        return rows
    }

    static func printPassThroughRatios(_ rows: [[String]], on terminal: Terminal) {
        terminal.heading("chimera proxy against the bare pass-through (same run)")
        terminal.table(header: ["target", "kind", "conc", "req/s ÷ bare", "added p50 ÷ bare's"], rows: rows)
        terminal.line("  targets: same-family ≥ 0.9× the bare req/s at 32 connections, added p50 at 1 connection ≤ 1.2× the bare's; cross-family ≥ 0.6×")
    }
}
