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

@Suite("Scheduler basics")
struct SchedulerBasicsTests {
    @Test("a schedule added while the scheduler loads its store has one entry: once removed, it stops running")
    func commandDuringLoad() async throws {
        let runs = Counter()
        var jobs = JobRegistry()
        jobs.register("tick") { _ in runs.increment() }
        let store = InMemoryJobStore()
        try await store.saveSchedule(Schedule("stored", job: JobReference("tick"), trigger: .every(.seconds(60))))
        // The scheduler's own load waits, having read the store, until the command is done.
        let loads = Atomic(0)
        let commandDone = Doorbell()
        let (driver, _) = Fixture.scheduler(jobs: jobs, store: store) { operation, moment in
            if operation == .schedules, moment == .after, loads.add(1, ordering: .relaxed).newValue == 1 {
                await commandDone.wait()
            }
        }
        let scheduler = driver.scheduler
        let running = Task { try await scheduler.run() }
        while loads.load(ordering: .relaxed) == 0 { await Task.yield() }
        try await scheduler.add(Schedule("added", job: JobReference("tick"), trigger: .every(.seconds(60))))
        commandDone.ring()
        try await driver.settle()
        try await driver.advance(by: .seconds(600))
        #expect(runs.count == 20)
        try await scheduler.remove("stored")
        try await scheduler.remove("added")
        try await driver.advance(by: .seconds(600))
        #expect(runs.count == 20)
        running.cancel()
        _ = try? await running.value
    }

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

    @Test("a loop woken between its timers still wakes at the next one, and at an earlier one a change brings")
    func wakesBetweenTimers() async throws {
        var jobs = JobRegistry()
        jobs.register("tick") { _ in }
        let (driver, store) = Fixture.scheduler(jobs: jobs)
        try await driver.run { driver in
            let scheduler = driver.scheduler
            try await scheduler.add(Schedule("hourly", job: JobReference("tick"), trigger: .every(.seconds(3600))))
            // A manual run wakes the loop, and so does its finished attempt; the next timer stays 01:00.
            try await driver.advance(to: Fixture.date("2026-01-01T00:10:00Z"))
            try await scheduler.trigger("hourly")
            // A new schedule due before it moves the loop's wake-up earlier.
            try await driver.advance(to: Fixture.date("2026-01-01T00:20:00Z"))
            try await scheduler.add(
                Schedule("soon", job: JobReference("tick"), trigger: .once(at: Fixture.date("2026-01-01T00:30:00Z"))))
            try await driver.advance(to: Fixture.date("2026-01-01T01:30:00Z"))
        }
        let runs = try await Fixture.allRuns(store)
        let started = runs.map { "\($0.schedule) \($0.origin) \(Timestamp.string(from: $0.attempts[0].started))" }
        #expect(
            started.sorted() == [
                "hourly manual 2026-01-01T00:10:00Z", "hourly scheduled 2026-01-01T01:00:00Z",
                "soon scheduled 2026-01-01T00:30:00Z",
            ])
        #expect(runs.allSatisfy { $0.status == .succeeded })
    }

    @Test("a loop does not wake for the timeout of an attempt that already ended")
    func skipsLapsedTimers() async throws {
        var jobs = JobRegistry()
        jobs.register("tick") { _ in }
        let (driver, store) = Fixture.scheduler(jobs: jobs)
        try await driver.run { driver in
            try await driver.scheduler.add(
                Schedule(
                    "two-hourly", job: JobReference("tick"), trigger: .every(.seconds(7200)), timeout: .seconds(3600)))
            try await driver.advance(to: Fixture.date("2026-01-01T02:30:00Z"))
            // The run of 02:00 ended at once: its timeout at 03:00 is no reason to wake; the next
            // occurrence, prepared the lead time before 04:00, is.
            #expect(driver.clock.nextDeadline == Fixture.date("2026-01-01T04:00:00Z").addingTimeInterval(-0.1))
        }
        let runs = try await Fixture.allRuns(store)
        #expect(runs.map(\.status) == [.succeeded])
    }
}
