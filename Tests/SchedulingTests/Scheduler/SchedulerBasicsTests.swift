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

@Suite("Scheduler basics")
struct SchedulerBasicsTests {
    @Test("an every-minute cron runs sixty times in an hour, in order, once each")
    func everyMinute() async throws {
        let counter = Counter()
        var jobs = JobRegistry()
        jobs.register("tick") { _ in counter.increment() }
        let (driver, store) = Fixture.scheduler(jobs: jobs)
        try await driver.run { driver in
            try await driver.scheduler.add(Schedule("minutely", job: JobReference("tick"), trigger: .cron("* * * * *")))
            try await driver.advance(by: .seconds(3600))
        }
        let runs = try await Fixture.allRuns(store)
        #expect(counter.count == 60)
        #expect(runs.count == 60)
        #expect(runs.allSatisfy { $0.status == .succeeded && $0.attempts.count == 1 })
        let expected = (1...60).map { Fixture.date("2026-01-01T00:00:00Z").addingTimeInterval(Double($0) * 60) }
        #expect(runs.map(\.occurrence) == expected)
        #expect(runs.map(\.attempts[0].started) == expected)
    }
}
