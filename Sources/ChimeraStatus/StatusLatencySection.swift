import Foundation

/// The latency section: a table of each series' percentiles over the hour (the charts' text
/// equivalent), then one line chart per series, p50 solid, p95 dashed, p99 dotted.
enum StatusLatencySection {
    /// Minutes on a chart's time axis.
    static let minutes = Int(HealthTimeline.windowSeconds / LatencySeries.pointSeconds)

    static func render(_ snapshot: StatusSnapshot) -> String {
        guard !snapshot.latency.isEmpty else { return "<p>No successful request in the last hour yet.</p>" }
        let rows = snapshot.latency.map { series in
            let overall = series.overall
            return "<tr><th scope=\"row\">\(e(series.provider))</th><td>\(e(series.kind.title))</td><td>\(overall.count)</td>"
                + "<td>\(milliseconds(overall.p50))</td><td>\(milliseconds(overall.p95))</td><td>\(milliseconds(overall.p99))</td></tr>"
        }.joined(separator: "\n")
        let charts = snapshot.latency.map { chart($0, now: snapshot.generatedAt) }.joined(separator: "\n")
        return """
            <div class="scroll"><table>
            <caption>Successful requests of the last hour (latency to the last byte; time to first token for streams)</caption>
            <thead><tr><th scope="col">Provider</th><th scope="col">Kind</th><th scope="col">Requests</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th></tr></thead>
            <tbody>
            \(rows)
            </tbody></table></div>
            <p class="legend">Per minute: <span class="line-key">━</span> p50, <span class="line-key">╍</span> p95, <span class="line-key">┈</span> p99.</p>
            <div class="charts">
            \(charts)
            </div>
            """
    }

    private static func chart(_ series: LatencySeries, now: Date) -> String {
        let (left, right, top, bottom) = (44.0, 296.0, 8.0, 96.0)
        let peak = max(series.points.map(\.p99).max() ?? 1, 0.001)
        let currentMinute = (now.timeIntervalSince1970 / LatencySeries.pointSeconds).rounded(.down)
        func x(_ point: LatencySeries.Point) -> Double {
            let minute = (point.start.timeIntervalSince1970 / LatencySeries.pointSeconds).rounded(.down)
            let slot = Double(minutes - 1) - (currentMinute - minute)
            return left + (slot + 0.5) / Double(minutes) * (right - left)
        }
        func y(_ value: Double) -> Double { bottom - value / peak * (bottom - top) }
        let visible = series.points.filter { x($0) >= left }
        let lines = [("p50", \LatencySeries.Point.p50, ""), ("p95", \.p95, " stroke-dasharray=\"6 3\""), ("p99", \.p99, " stroke-dasharray=\"2 2\"")]
            .map { name, value, dash in
                let coordinates = visible.map { String(format: "%.1f,%.1f", x($0), y($0[keyPath: value])) }.joined(separator: " ")
                let dots = visible.map { point in
                    String(format: "<circle class=\"point %@\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\">", name, x(point), y(point[keyPath: value]))
                        + "<title>\(e(clock(point.start))) UTC, \(point.count) requests: \(name) \(milliseconds(point[keyPath: value]))</title></circle>"
                }.joined()
                return "<polyline class=\"line \(name)\" points=\"\(coordinates)\"\(dash)/>\(dots)"
            }.joined(separator: "\n")
        let title = "\(series.provider), \(series.kind.title)"
        let label = "\(title): p50 \(milliseconds(series.overall.p50)), p95 \(milliseconds(series.overall.p95)), p99 \(milliseconds(series.overall.p99)) over \(series.overall.count) requests"
        return """
            <figure class="chart" data-provider="\(e(series.provider))" data-kind="\(series.kind.rawValue)">
            <figcaption>\(e(title))</figcaption>
            <svg viewBox="0 0 300 112" role="img" aria-label="\(e(label))">
            <line class="axis-line" x1="\(left)" y1="\(bottom)" x2="\(right)" y2="\(bottom)"/>
            <line class="axis-line" x1="\(left)" y1="\(top)" x2="\(left)" y2="\(bottom)"/>
            <text x="\(left - 4)" y="\(top + 4)" text-anchor="end">\(e(milliseconds(peak)))</text>
            <text x="\(left - 4)" y="\(bottom)" text-anchor="end">0</text>
            <text x="\(left)" y="\(bottom + 12)">−60 min</text>
            <text x="\(right)" y="\(bottom + 12)" text-anchor="end">now</text>
            \(lines)
            </svg>
            </figure>
            """
    }
}
