//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation

/// Run records and cursors that the scheduler's loop changed and has not written yet.
///
/// The loop writes them with one ``JobStore/saveRuns(_:)`` and one
/// ``JobStore/advanceCursors(_:)`` call before any attempt it starts executes and before it waits
/// again, so a store with transactions commits one pass of the loop at a time instead of one write
/// per occurrence. A run recorded twice before a flush is written once, in its latest state.
struct PendingWrites {
    private(set) var runs: [JobRun] = []
    private var positions: [UUID: Int] = [:]
    private(set) var cursors: [String: Date] = [:]

    var isEmpty: Bool { runs.isEmpty && cursors.isEmpty }

    /// Records a run's current state.
    mutating func record(_ run: JobRun) {
        if let position = positions[run.id] {
            runs[position] = run
        } else {
            positions[run.id] = runs.count
            runs.append(run)
        }
    }

    /// Records that a schedule handled every occurrence up to and including `occurrence`.
    mutating func advanceCursor(of name: String, to occurrence: Date) {
        if let cursor = cursors[name], cursor >= occurrence { return }
        cursors[name] = occurrence
    }

    /// Hands over what is pending and starts empty.
    mutating func take() -> (runs: [JobRun], cursors: [String: Date]) {
        defer { self = PendingWrites() }
        return (runs, cursors)
    }
}
