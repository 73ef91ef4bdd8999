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
/// The loop writes the runs with one ``JobStore/saveRuns(_:)`` call before any attempt it starts
/// executes, and the runs and then the cursors (one ``JobStore/advanceCursors(_:)`` call) before it
/// waits again, so a store with transactions commits one pass of the loop at a time instead of
/// one write per occurrence, and a cursor never covers an occurrence whose run is unrecorded. It keeps the active runs themselves, not copies of their records: a run changed
/// twice before a flush is written once, in its state at the flush.
struct PendingWrites {
    private var runs: [Scheduler.ActiveRun] = []
    private var cursors: [String: Date] = [:]

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

    /// Hands over the runs' current records.
    mutating func takeRuns() -> [JobRun] {
        defer { runs.removeAll(keepingCapacity: true) }
        return runs.map { run in
            run.isWritePending = false
            return run.record
        }
    }

    /// Hands over the cursors.
    mutating func takeCursors() -> [String: Date] {
        defer { cursors.removeAll(keepingCapacity: true) }
        return cursors
    }
}
