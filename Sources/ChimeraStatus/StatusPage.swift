import ChimeraTransport
import Foundation

/// Renders the status page: plain HTML with inline SVG charts, every value escaped with
/// ``HTML/escape(_:)``, readable without JavaScript; a short script polls `/status.json` and swaps
/// in the live sections it carries, rendered by this same code.
public enum StatusPage {
    /// How often the page's script polls, in milliseconds.
    public static let pollMilliseconds = 2000

    /// The whole page for `snapshot`.
    public static func render(_ snapshot: StatusSnapshot) -> String {
        let info = snapshot.info
        let sections = liveSections(snapshot)
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Chimera status · \(e(info.server))</title>
        <style>\(StatusPageAssets.style)</style>
        </head>
        <body data-polls="0" data-poll-ms="\(pollMilliseconds)">
        <header>
        <h1>Chimera status <span class="server">\(e(info.server))</span></h1>
        <p id="live">\(generated(snapshot.generatedAt)). Without JavaScript, reload the page to refresh it.</p>
        </header>
        <main>
        <section aria-labelledby="health-title">
        <h2 id="health-title">\(e(info.healthTitle)), last hour</h2>
        <div id="health-body">\(sections["health-body"]!)</div>
        </section>
        <section aria-labelledby="latency-title">
        <h2 id="latency-title">Request latency, last hour</h2>
        <div id="latency-body">\(sections["latency-body"]!)</div>
        </section>
        <section aria-labelledby="requests-title">
        <h2 id="requests-title">Last \(StatusSnapshot.tableSize) requests</h2>
        <div id="requests-body">\(sections["requests-body"]!)</div>
        </section>
        <section aria-labelledby="egress-title">
        <h2 id="egress-title">Egress manifest</h2>
        \(egress(info))
        </section>
        <section aria-labelledby="configuration-title">
        <h2 id="configuration-title">Configuration</h2>
        \(configuration(info))
        </section>
        </main>
        <script>\(StatusPageAssets.script)</script>
        </body>
        </html>
        """
    }

    /// The sections the script refreshes, by element id.
    static func liveSections(_ snapshot: StatusSnapshot) -> [String: String] {
        [
            "health-body": StatusHealthSection.render(snapshot),
            "latency-body": StatusLatencySection.render(snapshot),
            "requests-body": StatusRequestTable.render(snapshot.requests),
        ]
    }

    private static func generated(_ date: Date) -> String {
        "As of <time datetime=\"\(e(iso(date)))\">\(e(clock(date))) UTC</time>"
    }

    private static func egress(_ info: StatusInfo) -> String {
        let enforcement = info.egressEnforced
            ? "Enforced (CHIMERA_EGRESS=strict): no other host is contacted."
            : "Not enforced (CHIMERA_EGRESS=open)."
        let rows = info.egress.map { entry in
            "<tr><td><code>\(e(entry.destination))</code></td><td>\(e(entry.route))</td><td>\(e(entry.purpose))</td></tr>"
        }.joined(separator: "\n")
        let trust = info.trustedCertificates.map { "<p>TLS trusts the system's CA certificates and \(e($0)).</p>" } ?? ""
        let table = info.egress.isEmpty ? "<p>None: no provider is configured.</p>" : """
            <div class="scroll"><table>
            <caption>Every host and port \(e(info.server)) may contact, and through what</caption>
            <thead><tr><th scope="col">Destination</th><th scope="col">Route</th><th scope="col">Purpose</th></tr></thead>
            <tbody>
            \(rows)
            </tbody></table></div>
            """
        return "<p>\(e(enforcement))</p>\n\(table)\n\(trust)"
    }

    private static func configuration(_ info: StatusInfo) -> String {
        let rows = info.configuration.map { variable in
            "<tr><th scope=\"row\"><code>\(e(variable.name))</code></th><td><code>\(e(variable.value))</code></td></tr>"
        }.joined(separator: "\n")
        return """
            <details>
            <summary>Every variable, as <code>chimera config check</code> shows it (secrets masked)</summary>
            <div class="scroll"><table>
            <caption>Effective configuration</caption>
            <thead><tr><th scope="col">Variable</th><th scope="col">Value</th></tr></thead>
            <tbody>
            \(rows)
            </tbody></table></div>
            </details>
            """
    }
}

/// `text`, escaped for HTML.
func e(_ text: some StringProtocol) -> String { HTML.escape(text) }

/// `date` as ISO 8601, for `<time datetime>`.
func iso(_ date: Date) -> String { date.formatted(.iso8601) }

/// `date`'s time of day in UTC: `14:03:27`.
func clock(_ date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).time(includingFractionalSeconds: false))
}

/// Milliseconds as the page shows them: `4.2 ms`, `1,250 ms`.
func milliseconds(_ value: Double?) -> String {
    guard let value else { return "—" }
    return value < 100 ? String(format: "%.1f ms", value) : "\(Int(value.rounded())) ms"
}

/// A fraction as a percentage: `99.5 %`.
func percent(_ value: Double?) -> String {
    guard let value else { return "—" }
    return String(format: "%.1f %%", value * 100)
}
