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

/// `Scheduler.adopt(_:removingOthers:)`: the schedules an application declares at every launch,
/// against what a durable store kept from the last one.
@Suite("Adopting schedules")
struct SchedulerAdoptTests {
    static func jobs() -> JobRegistry {
        var jobs = JobRegistry()
        jobs.register("tick") { _ in }
        return jobs
    }

    static func hourly(_ name: String, minute: Int = 0) -> Schedule {
        // Test literals are valid.
        // swift-format-ignore: NeverUseForceTry
        try! Schedule(name, job: JobReference("tick"), trigger: .cron("\(minute) * * * *"))
    }

    /// A scheduler on the store, as a new launch of the application makes it.
    static func launch(_ store: InMemoryJobStore, at instant: String) -> SchedulerDriver {
        let clock = ManualClock(now: Fixture.date(instant))
        let scheduler = Scheduler(
            store: store, executor: jobs(), clock: clock, configuration: .init(instance: "app"), logger: Fixture.logger)
        return SchedulerDriver(scheduler: scheduler, clock: clock)
    }

    @Test("the same schedules at the next launch change nothing, where add would refuse them")
    func relaunch() async throws {
        let store = InMemoryJobStore()
        let first = Self.launch(store, at: "2026-01-01T00:00:00Z")
        #expect(try await first.scheduler.adopt([Self.hourly("a"), Self.hourly("b")]) == .init(added: ["a", "b"]))
        try await first.run { driver in try await driver.advance(to: Fixture.date("2026-01-01T02:30:00Z")) }

        let second = Self.launch(store, at: "2026-01-01T02:40:00Z")
        await #expect(throws: SchedulingError(.scheduleExists, message: "")) {
            try await second.scheduler.add(Self.hourly("a"))
        }
        #expect(try await second.scheduler.adopt([Self.hourly("a"), Self.hourly("b")]).isEmpty)
        // The cursor of the last launch stands: the next occurrence is 03:00, nothing is run twice.
        #expect(
            try await second.scheduler.nextOccurrences(of: "a", count: 1) == [Fixture.date("2026-01-01T03:00:00Z")])
        try await second.run { driver in try await driver.advance(to: Fixture.date("2026-01-01T03:30:00Z")) }
        let runs = try await Fixture.allRuns(store, "a")
        #expect(runs.map(\.occurrence) == (1...3).map { Fixture.date("2026-01-01T0\($0):00:00Z") })
    }

    @Test("a changed definition replaces the stored one, keeping its paused state; a missing one is removed")
    func changes() async throws {
        let store = InMemoryJobStore()
        let first = Self.launch(store, at: "2026-01-01T00:00:00Z")
        try await first.scheduler.adopt([Self.hourly("a"), Self.hourly("b"), Self.hourly("c")])
        try await first.scheduler.pause("a")

        let second = Self.launch(store, at: "2026-01-01T00:10:00Z")
        let changes = try await second.scheduler.adopt([
            Self.hourly("a", minute: 30), Self.hourly("b"), Self.hourly("d"),
        ])
        #expect(changes == .init(added: ["d"], replaced: ["a"], removed: ["c"]))
        let stored = try await second.scheduler.schedules()
        #expect(stored.map(\.schedule.name) == ["a", "b", "d"])
        #expect(stored[0].isPaused)
        #expect(stored[0].schedule == Self.hourly("a", minute: 30))
        // The removed schedule's history stays; without removing, the others stay too.
        #expect(try await store.schedules().map(\.schedule.name) == ["a", "b", "d"])
        let third = Self.launch(store, at: "2026-01-01T00:20:00Z")
        #expect(try await third.scheduler.adopt([Self.hourly("e")], removingOthers: false) == .init(added: ["e"]))
        #expect(try await third.scheduler.schedules().map(\.schedule.name) == ["a", "b", "d", "e"])
    }

    @Test("a schedule disabled since keeps its flag while its definition is the same")
    func disabledStays() async throws {
        let store = InMemoryJobStore()
        let first = Self.launch(store, at: "2026-01-01T00:00:00Z")
        try await first.scheduler.adopt([Self.hourly("a")])
        try await first.scheduler.disable("a")
        let second = Self.launch(store, at: "2026-01-01T00:10:00Z")
        #expect(try await second.scheduler.adopt([Self.hourly("a")]).isEmpty)
        #expect(try await second.scheduler.schedules().first?.schedule.isEnabled == false)
        // A new definition is adopted as given, enabled.
        #expect(try await second.scheduler.adopt([Self.hourly("a", minute: 5)]) == .init(replaced: ["a"]))
        #expect(try await second.scheduler.schedules().first?.schedule.isEnabled == true)
    }

    @Test("two schedules of one name, or a job nobody runs, are refused with a clear error")
    func badInput() async throws {
        let store = InMemoryJobStore()
        let driver = Self.launch(store, at: "2026-01-01T00:00:00Z")
        let error = await #expect(throws: SchedulingError.self) {
            try await driver.scheduler.adopt([Self.hourly("a"), Self.hourly("a", minute: 5)])
        }
        #expect(error?.code == .scheduleExists)
        #expect(error?.description.contains("two schedules to adopt are named 'a'") == true)
        #expect(try await store.schedules().isEmpty, "nothing was adopted")
        let unknown = try Schedule("x", job: JobReference("nobody.runs.this"), trigger: .cron("0 * * * *"))
        await #expect(throws: SchedulingError(.jobNotFound, message: "")) {
            try await driver.scheduler.adopt([unknown])
        }
        // A bad schedule in the list leaves the adopted ones as they were: nothing removed or added.
        try await driver.scheduler.adopt([Self.hourly("a")])
        await #expect(throws: SchedulingError(.jobNotFound, message: "")) {
            try await driver.scheduler.adopt([Self.hourly("b"), unknown])
        }
        #expect(try await store.schedules().map(\.schedule.name) == ["a"])
    }
}
