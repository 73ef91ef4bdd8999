//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Scheduling
import SchedulingTesting
import Testing

@Suite("Scheduler under random operations")
struct SchedulerInvariantTests {
    /// The check lives in `JobStoreConformance`, so that every store runs it; here it runs on the
    /// in-memory store with more seeds.
    @Test(
        "random adds, replacements, removals, pauses, disables, triggers, clock jumps and store outages never run an occurrence twice or lose one",
        arguments: [1, 2, 3, 4] as [UInt64]
    )
    func randomOperations(seed: UInt64) async throws {
        let store = InMemoryJobStore(configuration: .init(runsPerSchedule: 100_000, skipsPerSchedule: 100_000))
        try await JobStoreConformance.scheduler(seed: seed).run(on: store)
        // Not vacuous: several schedules ran, and some occurrences were skipped.
        let runs = try await store.runs(matching: RunQuery(limit: .max))
        #expect(Set(runs.filter { $0.status == .succeeded }.map(\.schedule)).count >= 3)
        #expect(try await !store.skips(matching: SkipQuery(limit: .max)).isEmpty)
    }
}
