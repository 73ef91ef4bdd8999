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

    /// A store whose calls of some operations fail during an outage, counting those calls.
    static func flakyStore(
        outage: Outage, failing operations: Set<InterceptingJobStore.Operation> = [.claimBatch], calls: Counter
    ) -> InterceptingJobStore {
        InterceptingJobStore(base: InMemoryJobStore()) { operation, moment in
            guard operations.contains(operation), moment == .before else { return }
            calls.increment()
            if outage.isOn { throw Unavailable() }
        }
    }

    /// A scheduler with a minutely job on a flaky store, from 00:00:30, and its driver.
    static func minutely(on store: InterceptingJobStore, jobSeconds: Int = 0, executed: Counter) -> SchedulerDriver {
        var jobs = JobRegistry()
        jobs.register("tick") { context in
            executed.increment()
            try await context.clock.sleep(until: context.clock.now.addingTimeInterval(Double(jobSeconds)))
        }
        let clock = ManualClock(now: Fixture.date("2026-01-01T00:00:30Z"))
        let scheduler = Scheduler(
            store: store, executor: jobs, clock: clock, configuration: .init(instance: "test"),
            logger: Fixture.logger)
        return SchedulerDriver(scheduler: scheduler, clock: clock)
    }

    static let minutely = Result { try Schedule("minutely", job: JobReference("tick"), trigger: .cron("* * * * *")) }

    @Test(
        "claims that fail are tried again, and every occurrence then runs or is skipped once",
        arguments: [30, 150]
    )
    func claimsFailForAWhile(outageSeconds: Int) async throws {
        let outage = Outage()
        let claims = Counter()
        let store = Self.flakyStore(outage: outage, calls: claims)
        let executed = Counter()
        try await Self.minutely(on: store, executed: executed).run { driver in
            try await driver.scheduler.add(Self.minutely.get())
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

    @Test("attempts whose runs the store cannot record do not start; they start once it answers")
    func runsCannotBeRecorded() async throws {
        let outage = Outage()
        let writes = Counter()
        let store = Self.flakyStore(outage: outage, failing: [.saveRuns, .advanceCursors], calls: writes)
        let executed = Counter()
        try await Self.minutely(on: store, executed: executed).run { driver in
            try await driver.scheduler.add(Self.minutely.get())
            try await driver.advance(to: Fixture.date("2026-01-01T00:01:20Z"))
            #expect(executed.count == 0, "started an attempt whose run was not recorded")
            outage.end()
            // First written when the occurrence is due, at 00:01:00 (prepared ahead, it is not
            // written before), then tried again at 00:01:01, :03, :07, :15 and :31 (1, 2, 4, 8, 16 seconds).
            try await driver.advance(to: Fixture.date("2026-01-01T00:03:30Z"))
        }
        let runs = try await store.runs(matching: RunQuery(schedule: "minutely")).reversed()
        #expect(
            runs.map { Timestamp.string(from: $0.occurrence) } == [
                "2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z", "2026-01-01T00:03:00Z",
            ])
        #expect(runs.allSatisfy { $0.status == .succeeded && $0.attempts.count == 1 })
        #expect(runs.first?.started == Fixture.date("2026-01-01T00:01:31Z"))
        #expect(executed.count == 3)
        #expect(try await store.schedules().first?.cursor == Fixture.date("2026-01-01T00:03:00Z"))
    }

    @Test("a finished run whose record the store fails to take is written when it answers, not left running")
    func finishCannotBeRecorded() async throws {
        let outage = Outage(isOn: false)
        let writes = Counter()
        let store = Self.flakyStore(outage: outage, failing: [.saveRuns], calls: writes)
        let executed = Counter()
        try await Self.minutely(on: store, jobSeconds: 10, executed: executed).run { driver in
            try await driver.scheduler.add(Self.minutely.get())
            try await driver.advance(to: Fixture.date("2026-01-01T00:01:05Z"))
            outage.begin()
            // The job ends at 00:01:10; its record is tried again at :11, :13, :17, :25, then :41.
            try await driver.advance(to: Fixture.date("2026-01-01T00:01:30Z"))
            #expect(try await store.runs(matching: RunQuery(schedule: "minutely")).first?.status == .running)
            outage.end()
            try await driver.advance(to: Fixture.date("2026-01-01T00:01:45Z"))
            let run = try #require(try await store.runs(matching: RunQuery(schedule: "minutely")).first)
            #expect(run.status == .succeeded)
            #expect(run.finished == Fixture.date("2026-01-01T00:01:10Z"))
        }
        #expect(executed.count == 1)
    }
}
