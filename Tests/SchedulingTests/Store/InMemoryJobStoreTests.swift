//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
import Scheduling
import SchedulingTesting
import Testing

@Suite("In-memory store")
struct InMemoryJobStoreTests {
    @Test("passes the store conformance suite", arguments: JobStoreConformance.checks)
    func conformance(_ check: JobStoreConformance.Check) async throws {
        try await check.run(on: InMemoryJobStore())
    }

    @Test("keeps the latest runs per schedule, never an active one")
    func retention() async throws {
        let store = InMemoryJobStore(configuration: .init(runsPerSchedule: 3, skipsPerSchedule: 2))
        let start = Fixture.date("2026-01-01T00:00:00Z")
        let active = JobRun(schedule: "s", occurrence: start, status: .running, created: start)
        try await store.saveRun(active)
        for minute in 1...5 {
            let instant = start.addingTimeInterval(Double(minute) * 60)
            try await store.saveRun(JobRun(schedule: "s", occurrence: instant, status: .succeeded, created: instant))
            try await store.recordSkips([
                SkipRecord(schedule: "s", occurrence: instant, reason: .paused, recorded: instant)
            ])
        }
        let runs = try await store.runs(matching: RunQuery(schedule: "s"))
        #expect(runs.count == 3)
        #expect(runs.contains { $0.id == active.id })
        #expect(try await store.skips(matching: SkipQuery()).count == 2)
    }
}
