//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Scheduling
import Synchronization

/// A store that keeps schedule definitions and grants every claim, and discards everything else:
/// runs, skip entries, cursors, checkpoints and leases.
///
/// Not a store to schedule with (it answers every query with nothing, and a claim succeeds however
/// often it is made): the throughput run on it (`STORE=discarding`) measures what the scheduler
/// itself costs per occurrence, and its difference to the run on ``InMemoryJobStore`` what the
/// store costs.
final class DiscardingJobStore: JobStore {
    private let definitions = InMemoryJobStore()
    private let lastToken = Atomic<Int64>(0)

    func saveSchedule(_ schedule: Schedule) async throws { try await definitions.saveSchedule(schedule) }
    func deleteSchedule(named name: String) async throws -> Bool {
        try await definitions.deleteSchedule(named: name)
    }
    func schedules() async throws -> [StoredSchedule] { try await definitions.schedules() }
    func setPaused(_ paused: Bool, schedule name: String) async throws {
        try await definitions.setPaused(paused, schedule: name)
    }

    func claim(_ occurrence: Date, of schedule: String, owner: String) async throws -> Int64? {
        lastToken.add(1, ordering: .relaxed).newValue
    }
    func claim(_ occurrences: [Occurrence], owner: String) async throws -> [Int64?] {
        let last = lastToken.add(Int64(occurrences.count), ordering: .relaxed).newValue
        return (0..<occurrences.count).map { last - Int64(occurrences.count - 1 - $0) }
    }

    func advanceCursor(of name: String, to occurrence: Date) async throws {}
    func advanceCursors(_ cursors: [String: Date]) async throws {}
    func saveRun(_ run: JobRun) async throws {}
    func saveRuns(_ runs: [JobRun]) async throws {}
    func recordSkips(_ skips: [SkipRecord]) async throws {}
    func saveCheckpoint(_ checkpoint: Checkpoint) async throws {}
    func renewLease(instance: String, until expiry: Date) async throws {}
    func releaseLease(instance: String) async throws {}

    func run(id: UUID) async throws -> JobRun? { nil }
    func runs(matching query: RunQuery) async throws -> [JobRun] { [] }
    func countRuns(matching query: RunQuery) async throws -> Int { 0 }
    func skips(matching query: SkipQuery) async throws -> [SkipRecord] { [] }
    func checkpoint(run: UUID, stage: String, version: Int) async throws -> Checkpoint? { nil }
    func interruptRuns(ownedByLeasesExpiredAt now: Date) async throws -> [JobRun] { [] }
    func takeRequestedRuns(owner: String) async throws -> [JobRun] { [] }
}
