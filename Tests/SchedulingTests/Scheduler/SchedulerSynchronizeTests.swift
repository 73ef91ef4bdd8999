//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Foundation
@_spi(Testing) import Scheduling
import SchedulingTesting
import Synchronization
import Testing

/// Another process (the `scheduler` command line, another instance) changes the store; a
/// scheduler that polls it follows within one poll interval.
@Suite("Scheduler synchronizes with changes made in the store")
struct SchedulerSynchronizeTests {
    static let start = Fixture.date("2026-01-01T00:00:00Z")

    static func jobs(_ counter: Counter) -> JobRegistry {
        var jobs = JobRegistry()
        jobs.register("tick") { _ in counter.increment() }
        return jobs
    }

    @Test("pause, resume, disable and removal made in the store apply within one poll")
    func stateChanges() async throws {
        let counter = Counter()
        let (driver, store) = Fixture.scheduler(jobs: Self.jobs(counter), storePollInterval: .seconds(1))
        let minutely = try Schedule("minutely", job: JobReference("tick"), trigger: .cron("* * * * *"))
        try await driver.run { driver in
            try await driver.scheduler.add(minutely)
            try await driver.advance(by: .seconds(60))  // 00:01 runs
            try await store.setPaused(true, schedule: "minutely")
            try await driver.advance(by: .seconds(60))  // 00:02 paused
            try await store.setPaused(false, schedule: "minutely")
            try await driver.advance(by: .seconds(60))  // 00:03 runs
            try await store.saveSchedule(minutely.enabled(false))
            try await driver.advance(by: .seconds(60))  // 00:04 disabled
            try await store.saveSchedule(minutely)
            try await driver.advance(by: .seconds(60))  // 00:05 runs
            #expect(try await store.deleteSchedule(named: "minutely"))
            try await driver.advance(by: .seconds(120))  // nothing more
            #expect(try await driver.scheduler.schedules().isEmpty)
        }
        let runs = try await Fixture.allRuns(store)
        #expect(runs.map(\.occurrence) == [1, 3, 5].map { Self.start.addingTimeInterval(Double($0) * 60) })
        #expect(counter.count == 3)
        let skips = try await Fixture.allSkips(store)
        #expect(skips.map(\.reason) == [.paused, .disabled])
    }

    @Test("a pause found by a poll in the middle of a long catch-up walk applies to every occurrence of the walk")
    func pauseFoundMidWalk() async throws {
        let counter = Counter()
        let store = InMemoryJobStore(configuration: .init(skipsPerSchedule: 10_000))
        // What the store held when the scheduler polled it after the jump.
        let skippedAtPoll = Mutex<[Int]>([])
        let jumped = Atomic<Bool>(false)
        let (driver, _) = Fixture.scheduler(
            jobs: Self.jobs(counter), store: store, storePollInterval: .seconds(1)
        ) { operation, moment in
            guard operation == .schedules, moment == .before, jumped.load(ordering: .relaxed) else { return }
            let skipped = try await store.skips(matching: SkipQuery(limit: .max)).count
            skippedAtPoll.withLock { $0.append(skipped) }
        }
        let policy = CatchUpPolicy(grace: .zero, window: .seconds(7 * 86_400))
        let back = Self.start.addingTimeInterval(3 * 86_400)
        try await driver.run { driver in
            try await driver.scheduler.add(
                Schedule("tick", job: JobReference("tick"), trigger: .every(.seconds(1)), catchUp: policy))
            try await driver.advance(by: .seconds(5))
            #expect(counter.count == 5)
            // Another process pauses the schedule, and the clock steps three days: the due timer
            // (the lead time before the next second) comes before the next poll, so the walk over
            // 259,200 events begins first, and the poll finds the pause at its second pass.
            try await store.setPaused(true, schedule: "tick")
            jumped.store(true, ordering: .relaxed)
            try await driver.jump(to: back)
        }
        #expect(counter.count == 5, "nothing of the walk ran")
        #expect(skippedAtPoll.withLock { $0.first } == 0, "the poll came before the walk recorded anything")
        let runs = try await Fixture.allRuns(store)
        #expect(runs.count == 5)
        let skips = try await Fixture.allSkips(store)
        #expect(Set(skips.map(\.reason)) == [.paused])
        // Every occurrence after the last run, up to the instant of the jump, is skipped as paused.
        #expect(skips.map(\.count).reduce(0, +) == Int(back.timeIntervalSince(Self.start)) - 5)
    }

    @Test("a requested run is taken within a poll, runs once, and keeps its identifier")
    func requestedRun() async throws {
        let counter = Counter()
        let (driver, store) = Fixture.scheduler(jobs: Self.jobs(counter), storePollInterval: .seconds(1))
        let request = JobRun.request(schedule: "nightly", at: Self.start.addingTimeInterval(10))
        let unknown = JobRun.request(schedule: "nobody", at: Self.start.addingTimeInterval(10))
        try await driver.run { driver in
            try await driver.scheduler.add(
                Schedule("nightly", job: JobReference("tick"), trigger: .cron("0 3 * * *")))
            try await driver.advance(by: .seconds(10))
            try await store.saveRun(request)
            try await store.saveRun(unknown)
            try await driver.advance(by: .milliseconds(500))
            #expect(counter.count == 0, "taken before the next poll")
            try await driver.advance(by: .milliseconds(500))
            #expect(counter.count == 1)
            try await driver.advance(by: .seconds(5))
        }
        #expect(counter.count == 1)
        let run = try await store.run(id: request.id)
        #expect(run?.status == .succeeded)
        #expect(run?.owner == "test")
        #expect(run?.origin == .manual)
        #expect(run?.attempts.first?.started == Self.start.addingTimeInterval(11))
        #expect(try await store.run(id: unknown.id)?.status == .cancelled)
    }

    @Test("a request recorded while no scheduler runs is taken when one starts")
    func requestBeforeStart() async throws {
        let counter = Counter()
        let store = InMemoryJobStore()
        try await store.saveSchedule(Schedule("nightly", job: JobReference("tick"), trigger: .cron("0 3 * * *")))
        let request = JobRun.request(schedule: "nightly", at: Self.start)
        try await store.saveRun(request)
        let (driver, _) = Fixture.scheduler(jobs: Self.jobs(counter), store: store)
        try await driver.run { driver in try await driver.advance(by: .seconds(1)) }
        #expect(counter.count == 1)
        #expect(try await store.run(id: request.id)?.status == .succeeded)
    }

    @Test("a schedule added and redefined in the store is picked up; one with an unknown job is left out")
    func definitions() async throws {
        let counter = Counter()
        let (driver, store) = Fixture.scheduler(jobs: Self.jobs(counter), storePollInterval: .seconds(1))
        try await driver.run { driver in
            try await store.saveSchedule(Schedule("hourly", job: JobReference("tick"), trigger: .cron("0 * * * *")))
            try await store.saveSchedule(
                Schedule("stranger", job: JobReference("not.registered"), trigger: .cron("* * * * *")))
            try await driver.advance(by: .seconds(1))
            #expect(try await driver.scheduler.schedules().map(\.schedule.name) == ["hourly"])
            try await store.saveSchedule(Schedule("hourly", job: JobReference("tick"), trigger: .cron("*/30 * * * *")))
            try await driver.advance(by: .seconds(3599))
        }
        let runs = try await Fixture.allRuns(store)
        #expect(runs.map(\.occurrence) == [30, 60].map { Self.start.addingTimeInterval(Double($0) * 60) })
    }

    /// Another instance claims 01:00 and stops for good before recording the run. The polling
    /// scheduler finds its claim once that instance's lease has expired, at its next recovery
    /// (every half lease: 30 minutes here), and runs the occurrence.
    @Test("a polling scheduler takes over the claims and runs of an instance that stopped")
    func takeOverFromStoppedInstance() async throws {
        let base = InMemoryJobStore()
        let reached = Doorbell()
        let release = Doorbell()
        let stopping = InterceptingJobStore(base: base) { operation, moment in
            guard operation == .saveRuns, moment == .before else { return }
            reached.ring()
            await release.wait(ignoringCancellation: true)
            throw CancellationError()
        }
        let otherClock = ManualClock(now: Fixture.date("2026-01-01T00:59:00Z"))
        let other = Scheduler(
            store: stopping, executor: Self.jobs(Counter()), clock: otherClock,
            configuration: .init(instance: "other", leaseDuration: .seconds(60)), logger: Fixture.logger)
        let stopped = Task { try await other.run() }
        try await SchedulerDriver(scheduler: other, clock: otherClock).settle()
        try await other.add(Schedule("hourly", job: JobReference("tick"), trigger: .cron("0 * * * *")))
        otherClock.advance(to: Fixture.date("2026-01-01T01:00:00Z"))
        await reached.wait()

        let counter = Counter()
        let (driver, _) = Fixture.scheduler(
            at: "2026-01-01T01:00:30Z", jobs: Self.jobs(counter), store: base, storePollInterval: .seconds(1))
        try await driver.run { driver in
            try await driver.advance(to: Fixture.date("2026-01-01T01:30:00Z"))
            #expect(counter.count == 0, "taken over before the next recovery")
            try await driver.advance(to: Fixture.date("2026-01-01T01:31:00Z"))
        }
        let runs = try await Fixture.allRuns(base, "hourly")
        release.ring()
        stopped.cancel()
        _ = await stopped.result
        #expect(counter.count == 1)
        #expect(runs.map(\.occurrence) == [Fixture.date("2026-01-01T01:00:00Z")])
        #expect(runs.first?.status == .succeeded)
        #expect(runs.first?.owner == "test")
        #expect(runs.first?.attempts.count == 1)
    }
}
