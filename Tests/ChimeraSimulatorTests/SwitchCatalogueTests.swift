import ChimeraSimulator
import Foundation
import Testing

@testable import ChimeraSimulator

@Suite("Switch catalogue and docs")
struct SwitchCatalogueTests {
    /// The switch's name and a value it accepts, from its syntax (`latency=<ms>` → `latency=1`).
    private func sample(_ syntax: String) -> String {
        syntax.split(separator: "=").first.map { syntax.contains("=") ? "\($0)=1" : String($0) } ?? syntax
    }

    @Test func everyCataloguedSwitchParses() throws {
        for entry in SimulatorOptions.catalogue {
            let switchText = entry.syntax == "status=<code>" ? "status=500" : sample(entry.syntax)
            #expect(throws: Never.self, "\(entry.syntax)") { try SimulatorOptions(model: "m@" + switchText, header: nil) }
        }
        #expect(SimulatorOptions.catalogue.count == Set(SimulatorOptions.catalogue.map(\.syntax)).count)
    }

    @Test func behaviourSwitchesAreRead() throws {
        let options = try SimulatorOptions(model: "m@parallel-tools,redacted-thinking", header: nil)
        #expect(options.parallelTools)
        #expect(options.redactedThinking)
    }

    @Test func helpListsEverySwitchWithinSeventyEightColumns() {
        let help = ProviderSimulator.switchHelp
        for entry in SimulatorOptions.catalogue {
            #expect(help.contains(entry.syntax))
        }
        #expect(help.split(separator: "\n").allSatisfy { $0.count <= 78 })
    }

    @Test func docsDescribeEverySwitchAndRoute() throws {
        let docs = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/simulator.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for entry in SimulatorOptions.catalogue {
            #expect(text.contains("`\(entry.syntax)`"), "\(entry.syntax)")
        }
        for route in SimulatorRoute.allCases {
            let path = route.rawValue.split(separator: " ").last.map(String.init) ?? route.rawValue
            #expect(text.contains(path), "\(route.rawValue)")
        }
        for endpoint in ["/_simulator/requests", "/_simulator/stats"] {
            #expect(text.contains(endpoint))
        }
    }
}
