import ChimeraTransport
import Foundation

/// The health section: per subject, its status now, availability and latency, a band of its
/// status over the hour and a bar chart of its check latency.
enum StatusHealthSection {
    /// Slots in a band: the hour in buckets.
    static let slots = Int(HealthTimeline.windowSeconds / HealthTimeline.bucketSeconds)

    static func render(_ snapshot: StatusSnapshot) -> String {
        if let absence = snapshot.info.healthAbsence, snapshot.health.isEmpty {
            return "<p>\(e(absence))</p>"
        }
        guard !snapshot.health.isEmpty else { return "<p>Nothing observed yet.</p>" }
        let legend = """
            <p class="legend">Each band spans the last hour, oldest on the left, in \(Int(HealthTimeline.bucketSeconds)) s steps, \
            coloured by the worst status seen: \
            <span class="key s-healthy"></span> healthy, <span class="key s-degraded"></span> degraded, \
            <span class="key s-unhealthy"></span> unhealthy, <span class="key s-unknown"></span> unknown; blank: no data.</p>
            """
        let counts = snapshot.info.healthCounts
        return legend + "\n" + snapshot.health.map { band($0, counts: counts, now: snapshot.generatedAt) }.joined(separator: "\n")
    }

    private static func band(_ health: StatusSnapshot.Health, counts: String, now: Date) -> String {
        guard !health.buckets.isEmpty else {
            return """
                <article class="subject idle" data-subject="\(e(health.subject))" data-status="\(health.status.rawValue)">
                <h3>\(e(health.subject)) <span class="badge s-\(health.status.rawValue)">\(health.status.rawValue)</span> \
                <span class="reason">no \(e(counts)) in the last hour</span></h3>
                </article>
                """
        }
        let summary = "\(health.subject): \(health.status.rawValue) now, availability \(percent(health.availability)) over \(health.checks) \(counts) in the last hour"
        return """
            <article class="subject" data-subject="\(e(health.subject))" data-status="\(health.status.rawValue)">
            <h3>\(e(health.subject)) <span class="badge s-\(health.status.rawValue)">\(health.status.rawValue)</span></h3>
            <dl class="facts">
            <div><dt>Availability</dt><dd>\(percent(health.availability))</dd></div>
            <div><dt>\(e(counts.capitalized))</dt><dd>\(health.checks) (\(health.failures) failed)</dd></div>
            <div><dt>Last latency</dt><dd>\(milliseconds(health.lastLatencyMilliseconds))</dd></div>
            </dl>
            \(health.reason.map { "<p class=\"reason\">\(e($0))</p>" } ?? "")
            <svg class="band" viewBox="0 0 \(slots) 1" preserveAspectRatio="none" role="img" aria-label="\(e(summary))">
            \(segments(health.buckets, now: now))
            </svg>
            <div class="axis" aria-hidden="true"><span>−60 min</span><span>−30 min</span><span>now</span></div>
            <svg class="bars" viewBox="0 0 \(slots) 40" preserveAspectRatio="none" role="img" aria-label="\(e("latency of \(health.subject), peak \(milliseconds(health.buckets.compactMap(\.latencyMilliseconds).max()))"))">
            \(latencyBars(health.buckets, now: now))
            </svg>
            <div class="axis" aria-hidden="true"><span>latency, peak \(milliseconds(health.buckets.compactMap(\.latencyMilliseconds).max()))</span></div>
            </article>
            """
    }

    /// The slot of the band a bucket falls in: the last slot is the current bucket.
    private static func slot(of start: Date, now: Date) -> Int {
        let current = (now.timeIntervalSince1970 / HealthTimeline.bucketSeconds).rounded(.down)
        let bucket = (start.timeIntervalSince1970 / HealthTimeline.bucketSeconds).rounded(.down)
        return slots - 1 - Int(current - bucket)
    }

    /// Runs of one status as rectangles. A status holds until the next observation, so a slot
    /// without one (between two checks) takes the status before it, up to now.
    private static func segments(_ buckets: [HealthTimeline.Bucket], now: Date) -> String {
        var observed: [Int: ProxyHealthStatus] = [:]
        for bucket in buckets {
            let index = slot(of: bucket.start, now: now)
            if index >= 0 && index < slots { observed[index] = bucket.status }
        }
        guard let first = observed.keys.min() else { return "" }
        var statuses = [ProxyHealthStatus?](repeating: nil, count: slots)
        var carried: ProxyHealthStatus?
        for index in first..<slots {
            carried = observed[index] ?? carried
            statuses[index] = carried
        }
        var rectangles: [String] = []
        var index = first
        while index < slots {
            guard let status = statuses[index] else { index += 1; continue }
            var end = index
            while end + 1 < slots && statuses[end + 1] == status { end += 1 }
            let from = now.addingTimeInterval(-Double(slots - index) * HealthTimeline.bucketSeconds)
            let to = now.addingTimeInterval(-Double(slots - 1 - end) * HealthTimeline.bucketSeconds)
            rectangles.append(
                "<rect class=\"segment s-\(status.rawValue)\" data-status=\"\(status.rawValue)\" x=\"\(index)\" y=\"0\" width=\"\(end - index + 1)\" height=\"1\">"
                    + "<title>\(e(clock(from)))–\(e(clock(to))) UTC: \(status.rawValue)</title></rect>"
            )
            index = end + 1
        }
        return rectangles.joined(separator: "\n")
    }

    private static func latencyBars(_ buckets: [HealthTimeline.Bucket], now: Date) -> String {
        let peak = buckets.compactMap(\.latencyMilliseconds).max() ?? 0
        guard peak > 0 else { return "" }
        return buckets.compactMap { bucket -> String? in
            let index = slot(of: bucket.start, now: now)
            guard let latency = bucket.latencyMilliseconds, index >= 0 && index < slots else { return nil }
            let height = max(1, latency / peak * 40)
            return "<rect class=\"bar\" x=\"\(index)\" y=\"\(40 - height)\" width=\"1\" height=\"\(height)\"><title>\(e(clock(bucket.start))) UTC: \(milliseconds(latency))</title></rect>"
        }.joined(separator: "\n")
    }
}
