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
import Synchronization
import Testing

/// The store stops answering claims for a while: nothing runs twice and nothing is lost.
@Suite("Scheduler when the store fails")
struct SchedulerStoreFailureTests {
    struct Unavailable: Error {}

    /// Whether the store is down.
    final class Outage: Sendable {
        private let state: Mutex<Bool>
        init(isOn: Bool = true) { state = Mutex(isOn) }
        var isOn: Bool { state.withLock { $0 } }
        func end() { state.withLock { $0 = false } }
        func begin() { state.withLock { $0 = true } }
    }

    /// A store whose claims fail during an outage, counting the claim calls.
    static func flakyStore(outage: Outage, claims: Counter) -> InterceptingJobStore {
        InterceptingJobStore(base: InMemoryJobStore()) { operation, moment in
            guard operation == .claimBatch, moment == .before else { return }
            claims.increment()
            if outage.isOn { throw Unavailable() }
        }
    }

    @Test(
        "claims that fail are tried again, and every occurrence then runs or is skipped once",
        arguments: [30, 150]
    )
    func claimsFailForAWhile(outageSeconds: Int) async throws {
        let outage = Outage()
        let claims = Counter()
        let store = Self.flakyStore(outage: outage, claims: claims)
        let executed = Counter()
        var jobs = JobRegistry()
        jobs.register("tick") { _ in executed.increment() }
        let clock = ManualClock(now: Fixture.date("2026-01-01T00:00:30Z"))
        let scheduler = Scheduler(
            store: store, executor: jobs, clock: clock, configuration: .init(instance: "test"),
            logger: Fixture.logger)
        let driver = SchedulerDriver(scheduler: scheduler, clock: clock)
        try await driver.run { driver in
            try await driver.scheduler.add(
                Schedule("minutely", job: JobReference("tick"), trigger: .cron("* * * * *")))
            // Down from 00:01:00 (the first occurrence) for the outage.
            try await driver.advance(to: Fixture.date("2026-01-01T00:01:00Z").addingTimeInterval(Double(outageSeconds)))
            #expect(executed.count == 0, "ran while the store could not claim")
            outage.end()
            try await driver.advance(to: Fixture.date("2026-01-01T00:06:30Z"))
        }
        let runs = try await store.runs(matching: RunQuery(schedule: "minutely", limit: 100))
        let skips = try await store.skips(matching: SkipQuery(schedule: "minutely", limit: 100))
        let minutes = (runs.map(\.occurrence) + skips.map(\.occurrence)).map {
            Int($0.timeIntervalSince(Fixture.date("2026-01-01T00:00:00Z")) / 60)
        }
        #expect(minutes.sorted() == [1, 2, 3, 4, 5, 6], "an occurrence was lost or handled twice")
        #expect(runs.allSatisfy { $0.status == .succeeded })
        #expect(executed.count == runs.count)
        #expect(claims.count > 2, "the failed claim was not tried again")
        if outageSeconds < 60 {
            // Back within the catch-up grace: the first occurrence runs as scheduled, late.
            let first = try #require(runs.last)
            #expect(first.origin == .scheduled)
            #expect(first.created > Fixture.date("2026-01-01T00:01:30Z"))
            #expect(skips.isEmpty)
        } else {
            #expect(skips.contains { $0.reason == .notCaughtUp })
        }
    }
}
