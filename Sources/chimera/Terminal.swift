import Foundation

/// Writes the demo's output: headings, aligned tables, a progress line while it waits.
struct Terminal {
    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    func line(_ text: String) { write(text + "\n") }

    func progress(_ text: String) { line("… \(text)") }

    func heading(_ text: String) { line("\n== \(text)") }

    /// Columns padded to their widest cell.
    func table(header: [String], rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func render(_ cells: [String]) -> String {
            "  " + cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        line("")
        line(render(header))
        line(render(widths.map { String(repeating: "-", count: $0) }))
        for row in rows { line(render(row)) }
    }
}
