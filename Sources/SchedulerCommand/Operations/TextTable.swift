//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// Rows of text cells printed as columns: every cell but a row's last is padded to the widest
/// cell of its column, and columns stand two spaces apart, so that a reader scans down a column
/// of `status`, `history` or `skips`. Scripts read `--json` instead.
struct TextTable {
    private var rows: [[String]] = []

    /// Adds a row; rows may have different numbers of cells.
    mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// The rows as lines, without trailing spaces.
    var lines: [String] {
        var widths: [Int] = []
        for row in rows {
            for (column, cell) in row.enumerated().dropLast() {
                if column == widths.count { widths.append(0) }
                widths[column] = max(widths[column], cell.count)
            }
        }
        return rows.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                if column > 0 { line += "  " }
                line += cell
                if column < row.count - 1 { line += String(repeating: " ", count: widths[column] - cell.count) }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// Prints the rows.
    func print() {
        for line in lines { Swift.print(line) }
    }
}
