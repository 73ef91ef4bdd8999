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
/// per occurrence. It keeps the active runs themselves, not copies of their records: a run changed
/// twice before a flush is written once, in its state at the flush.
struct PendingWrites {
    private var runs: [Scheduler.ActiveRun] = []
    private var cursors: [String: Date] = [:]

    var isEmpty: Bool { runs.isEmpty && cursors.isEmpty }

    /// Notes that a run's record changed.
    mutating func record(_ run: Scheduler.ActiveRun) {
        guard !run.isWritePending else { return }
        run.isWritePending = true
        runs.append(run)
    }

    /// Records that a schedule handled every occurrence up to and including `occurrence`.
    mutating func advanceCursor(of name: String, to occurrence: Date) {
        if let cursor = cursors[name], cursor >= occurrence { return }
        cursors[name] = occurrence
    }

    /// Hands over the runs' current records and the cursors, and starts empty.
    mutating func take() -> (runs: [JobRun], cursors: [String: Date]) {
        defer { self = PendingWrites() }
        let records = runs.map { run in
            run.isWritePending = false
            return run.record
        }
        return (records, cursors)
    }
}
