import Foundation

/// The table of the last requests: metadata only; a failed request's row is marked and names
/// the error's kind.
enum StatusRequestTable {
    static func render(_ requests: [RequestSummary]) -> String {
        guard !requests.isEmpty else { return "<p>No request has been relayed yet.</p>" }
        let rows = requests.map(row).joined(separator: "\n")
        let failed = requests.filter(\.failed).count
        return """
            <p>\(requests.count) shown, newest first; \(failed) failed (marked <span class="error-mark">✕</span>).</p>
            <div class="scroll"><table class="requests">
            <caption>The last \(StatusSnapshot.tableSize) relayed requests (metadata only, never content); times in UTC</caption>
            <thead><tr><th scope="col">Time</th><th scope="col">Request id</th><th scope="col">Provider</th><th scope="col">Model</th>\
            <th scope="col">Status</th><th scope="col">Latency</th><th scope="col">First token</th><th scope="col">Tokens in / out</th><th scope="col">Route</th></tr></thead>
            <tbody>
            \(rows)
            </tbody></table></div>
            """
    }

    private static func row(_ request: RequestSummary) -> String {
        let status = request.errorKind.map { kind in
            "<span class=\"error-mark\" aria-hidden=\"true\">✕</span> \(request.status) <span class=\"kind\">\(e(kind))</span>"
        } ?? "\(request.status)"
        let tokens = request.inputTokens == nil && request.outputTokens == nil
            ? "—" : "\(request.inputTokens.map(String.init) ?? "—") / \(request.outputTokens.map(String.init) ?? "—")"
        let mode = request.streamed ? " <span class=\"tag\">stream</span>" : ""
        return """
            <tr class="\(request.failed ? "failed" : "ok")" data-request-id="\(e(request.requestID ?? ""))"\(request.errorKind.map { " data-error-kind=\"\(e($0))\"" } ?? "")>\
            <td><time datetime="\(e(iso(request.at)))">\(e(clock(request.at)))</time></td>\
            <td><code>\(e(request.requestID ?? "—"))</code></td>\
            <td>\(e(request.provider ?? "—"))</td>\
            <td>\(e(request.model))</td>\
            <td>\(status)</td>\
            <td>\(milliseconds(request.latencyMilliseconds))\(mode)</td>\
            <td>\(milliseconds(request.timeToFirstTokenMilliseconds))</td>\
            <td>\(tokens)</td>\
            <td>\(e(request.route))</td></tr>
            """
    }
}

extension RequestSummary {
    /// Whether the request failed, before or during its answer.
    var failed: Bool { errorKind != nil || status >= 400 }
}
