//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation

/// Run records, skip entries and cursors that the scheduler's loop changed and has not written yet.
///
/// The loop writes the skips and runs (one ``JobStore/recordSkips(_:)`` and one
/// ``JobStore/saveRuns(_:)`` call) before any attempt it starts executes, and all three, the
/// cursors last (one ``JobStore/advanceCursors(_:)`` call), before it waits again. A store with
/// transactions thus commits one pass of the loop at a time instead of one write per occurrence,
/// and a cursor never covers an occurrence that is unrecorded. What the store fails to take is
/// noted again and written at a later pass.
///
/// It keeps the active runs themselves, not copies of their records: a run changed twice before a
/// flush is written once, in its state at the flush.
struct PendingWrites {
    private var runs: [Scheduler.ActiveRun] = []
    /// Runs that became ready and may start in this pass: see ``recordUnlessStarted(_:)``.
    private var newlyReady: [Scheduler.ActiveRun] = []
    private var skips: [SkipRecord] = []
    private var cursors: [String: Date] = [:]

    /// Notes that a run's record changed.
    mutating func record(_ run: Scheduler.ActiveRun) {
        guard !run.isWritePending else { return }
        run.isWritePending = true
        run.isRecorded = true
        runs.append(run)
    }

    /// Notes that a run became ready: its attempt, when it begins in this pass, records it with the
    /// chunk it starts in; otherwise ``recordWaitingRuns()`` records it as it waits, before the
    /// pass's cursors are written. The first chunk of a burst thus writes its own runs, not every
    /// ready run's, and a ready run is still written once in the pass.
    mutating func recordUnlessStarted(_ run: Scheduler.ActiveRun) {
        newlyReady.append(run)
    }

    /// Notes for writing the runs that became ready and have not been recorded since: they wait
    /// for a slot.
    mutating func recordWaitingRuns() {
        for run in newlyReady where run.isActive && !run.isRecorded { record(run) }
        newlyReady.removeAll(keepingCapacity: true)
    }

    /// Notes skip entries to append to the ledger.
    mutating func record(_ skips: [SkipRecord]) {
        self.skips += skips
    }

    /// Records that a schedule handled every occurrence up to and including `occurrence`.
    mutating func advanceCursor(of name: String, to occurrence: Date) {
        Self.raise(&cursors[name, default: occurrence], to: occurrence)
    }

    /// Moves a cursor in place, with the one lookup that found or inserted it.
    private static func raise(_ cursor: inout Date, to occurrence: Date) {
        if occurrence > cursor { cursor = occurrence }
    }

    /// Hands over the runs; their records are read at the write. A write that fails records them again.
    mutating func takeRuns() -> [Scheduler.ActiveRun] {
        defer { runs.removeAll(keepingCapacity: true) }
        for run in runs { run.isWritePending = false }
        return runs
    }

    /// Hands over the skip entries.
    mutating func takeSkips() -> [SkipRecord] {
        defer { skips.removeAll(keepingCapacity: true) }
        return skips
    }

    /// Hands over the cursors.
    mutating func takeCursors() -> [String: Date] {
        defer { cursors.removeAll(keepingCapacity: true) }
        return cursors
    }
}
