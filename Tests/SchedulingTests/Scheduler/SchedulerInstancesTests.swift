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

/// Several schedulers (instances) share one store and one clock, as processes share a database.
@Suite("Several instances on one store")
struct SchedulerInstancesTests {
    /// What the jobs executed: instance, schedule, occurrence and attempt, one line each.
    final class Executions: Sendable {
        private let lines = Mutex<[String]>([])
        func record(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    static let start = Fixture.date("2026-03-08T00:00:00Z")  // Chicago moves its clocks at 08:00Z

    static func schedules() throws -> [Schedule] {
        [
            try Schedule("minutely", job: JobReference("quick"), trigger: .cron("* * * * *")),
            try Schedule(
                "five-minutes", job: JobReference("flaky"), trigger: .cron("*/5 * * * *"),
                retry: .retries(2, backoff: .seconds(30))),
            try Schedule(
                "hourly-long", job: JobReference("long"), trigger: .cron("0 * * * *"), overlap: .skip),
            try Schedule("every-7-minutes", job: JobReference("quick"), trigger: .every(.seconds(420))),
            try Schedule(
                "chicago-morning", job: JobReference("quick"),
                trigger: .cron("30 2 * * *", in: Fixture.zone("America/Chicago"))),
        ]
    }

    static func instance(_ name: String, store: any JobStore, clock: ManualClock, executions: Executions) -> Scheduler {
        var jobs = JobRegistry()
        @Sendable func note(_ context: JobContext) {
            executions.record(
                "\(name) \(context.schedule) \(Timestamp.string(from: context.occurrence)) \(context.attempt)")
        }
        jobs.register("quick") { context in note(context) }
        jobs.register("flaky") { context in
            note(context)
            // Every third occurrence fails its first attempt.
            if context.attempt == 1, Int(context.occurrence.timeIntervalSince1970 / 300) % 3 == 0 {
                throw JobFailure()
            }
        }
        jobs.register("long") { context in
            note(context)
            try await context.clock.sleep(until: context.clock.now.addingTimeInterval(90 * 60))
        }
        return Scheduler(
            store: store, executor: jobs, clock: clock, configuration: .init(instance: name, concurrency: 3),
            logger: Fixture.logger)
    }

    @Test("two instances on one store run each occurrence once, across a daylight-saving change")
    func twoInstancesShareAStore() async throws {
        let store = InMemoryJobStore(configuration: .init(runsPerSchedule: 10_000, skipsPerSchedule: 10_000))
        for schedule in try Self.schedules() { try await store.saveSchedule(schedule) }
        let clock = ManualClock(now: Self.start)
        let executions = Executions()
        let first = Self.instance("first", store: store, clock: clock, executions: executions)
        let second = Self.instance("second", store: store, clock: clock, executions: executions)
        let end = Self.start.addingTimeInterval(86_400)
        try await SchedulerDriver(first, second, clock: clock).run { driver in
            try await driver.advance(to: end)
        }

        // Each attempt of each occurrence executed once, by one instance or the other.
        let attempts = executions.all.map { $0.split(separator: " ").dropFirst().joined(separator: " ") }
        #expect(attempts.count == Set(attempts).count, "an attempt executed twice")
        let runs = try await store.runs(matching: RunQuery(limit: .max))
        let skips = try await store.skips(matching: SkipQuery(limit: .max))
        for schedule in try Self.schedules() {
            let due = schedule.nextOccurrences(after: Self.start, count: 10_000).filter { $0 <= end }
            let ran = runs.filter { $0.schedule == schedule.name }.map(\.occurrence)
            let skipped = skips.filter { $0.schedule == schedule.name }.map(\.occurrence)
            #expect(
                (ran + skipped).sorted() == due,
                "\(schedule.name): not every occurrence ran or was skipped exactly once")
        }
        // Only runs the shutdown cut short did not succeed: the long one running since 23:00, and a
        // retry not yet due.
        let cut = runs.filter { $0.status != .succeeded }
        #expect(cut.allSatisfy { $0.status == .cancelled && $0.occurrence >= end.addingTimeInterval(-3600) }, "\(cut)")
        #expect(skips.allSatisfy { $0.reason == .overlap })
        // Both took part: the claim decided between them at each instant.
        #expect(Set(runs.compactMap(\.owner)) == ["first", "second"])
    }
}
