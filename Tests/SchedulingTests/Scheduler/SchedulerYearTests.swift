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

@Suite("Scheduler over a simulated year")
struct SchedulerYearTests {
    static let chicago = Fixture.zone("America/Chicago")
    static let newYork = Fixture.zone("America/New_York")
    static let start = Fixture.date("2026-01-01T00:00:00Z")
    static let end = Fixture.date("2027-01-01T00:00:00Z")

    /// The instant a wall-clock time has in a zone, computed from Foundation's offsets alone:
    /// the earlier of two candidates in a fold, the transition in a gap.
    static func instant(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, in zone: TimeZone) -> Date {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        let wall = utc.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
        let offsets = Set([-43_200.0, 43_200].map { Double(zone.secondsFromGMT(for: wall.addingTimeInterval($0))) })
        let valid = offsets.map { wall.addingTimeInterval(-$0) }.filter {
            Double(zone.secondsFromGMT(for: $0)) == wall.timeIntervalSince($0)
        }
        if let first = valid.min() { return first }
        return zone.nextDaylightSavingTimeTransition(after: wall.addingTimeInterval(-86_400))!
    }

    /// Every local date from the day before the start to the day after the end.
    static func localDates(in zone: TimeZone) -> [DateComponents] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var dates: [DateComponents] = []
        var day = start.addingTimeInterval(-86_400)
        while day < end.addingTimeInterval(86_400) {
            dates.append(calendar.dateComponents([.year, .month, .day, .weekday], from: day))
            day = day.addingTimeInterval(86_400)
        }
        var seen = Set<[Int]>()
        return dates.filter { seen.insert([$0.year!, $0.month!, $0.day!]).inserted }
    }

    /// The expected occurrences, computed independently of the scheduler and the cron engine.
    static func expected() -> Set<String> {
        var result = Set<String>()
        func add(_ name: String, _ instant: Date) {
            if instant > start, instant <= end { result.insert("\(name) \(Timestamp.string(from: instant))") }
        }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        for date in localDates(in: chicago) {
            let (y, m, d) = (date.year!, date.month!, date.day!)
            add("midnight", instant(y, m, d, 0, 0, in: chicago))
            add("inference", instant(y, m, d, 6, 0, in: chicago))
            if d % 2 == 1 { add("odd-days", instant(y, m, d, 1, 0, in: chicago)) }
            if date.weekday == 1 { add("sunday", instant(y, m, d, 2, 0, in: chicago)) }
            let daysSinceEpoch = Int(
                utc.date(from: DateComponents(year: y, month: m, day: d))!.timeIntervalSince1970 / 86_400)
            if daysSinceEpoch % 2 == 0 { add("every-other-day", instant(y, m, d, 1, 0, in: chicago)) }
        }
        for date in localDates(in: newYork) where date.weekday == 1 {
            add("new-york-sunday", instant(date.year!, date.month!, date.day!, 10, 0, in: newYork))
        }
        var grid = (start.timeIntervalSince1970 / 18_000).rounded(.down) * 18_000
        while grid <= end.timeIntervalSince1970 {
            add("five-hours", Date(timeIntervalSince1970: grid))
            grid += 18_000
        }
        return result
    }

    /// Whether a local date is one on which a job misbehaves, deterministically.
    static func isBadDay(_ occurrence: Date) -> Bool {
        Int(occurrence.timeIntervalSince1970 / 86_400) % 10 == 3
    }

    @Test(
        "a year of seven schedules runs exactly the occurrences computed independently, with timeouts, retries and fallbacks"
    )
    func year() async throws {
        var jobs = JobRegistry()
        jobs.register("nightly") { context in
            // On bad days the first attempt hangs for two hours and the one-hour timeout cancels it.
            if context.attempt == 1, Self.isBadDay(context.occurrence) {
                try await context.clock.sleep(until: context.clock.now.addingTimeInterval(7200))
            }
        }
        jobs.register("infer") { context in
            // On bad days inference hangs past its two-hour timeout every time.
            let hang: TimeInterval = Self.isBadDay(context.occurrence) ? 4 * 3600 : 1800
            try await context.clock.sleep(until: context.clock.now.addingTimeInterval(hang))
        }
        jobs.register("use-previous") { _ in }
        jobs.register("tick") { _ in }
        let store = InMemoryJobStore(configuration: .init(runsPerSchedule: 10_000))
        let (driver, _) = Fixture.scheduler(jobs: jobs, store: store)
        try await driver.run { driver in
            let scheduler = driver.scheduler
            try await scheduler.add(
                Schedule(
                    "midnight",
                    job: JobReference("nightly"),
                    trigger: .cron("0 0 * * *", in: Self.chicago),
                    retry: .retries(3, backoff: .seconds(600)),
                    timeout: .seconds(3600)
                )
            )
            try await scheduler.add(
                Schedule(
                    "inference",
                    job: JobReference("infer"),
                    trigger: .cron("0 6 * * *", in: Self.chicago),
                    retry: .retries(2, backoff: .seconds(600)),
                    timeout: .seconds(7200),
                    priority: .critical,
                    deadline: DeadlinePolicy(at: try TimeOfDay("10:00"), in: Self.chicago, buffer: .seconds(3600)),
                    fallback: JobReference("use-previous")
                )
            )
            try await scheduler.add(
                Schedule("odd-days", job: JobReference("tick"), trigger: .cron("0 1 */2 * *", in: Self.chicago)))
            try await scheduler.add(
                Schedule("sunday", job: JobReference("tick"), trigger: .cron("0 2 * * 0", in: Self.chicago)))
            try await scheduler.add(
                Schedule(
                    "every-other-day",
                    job: JobReference("tick"),
                    trigger: .timesOfDay([TimeOfDay("01:00")], in: Self.chicago, everyDays: 2)
                )
            )
            try await scheduler.add(
                Schedule("five-hours", job: JobReference("tick"), trigger: .every(.seconds(5 * 3600))))
            try await scheduler.add(
                Schedule("new-york-sunday", job: JobReference("tick"), trigger: .cron("0 10 * * 0", in: Self.newYork)))
            try await driver.advance(to: Self.end)
        }
        let runs = try await Fixture.allRuns(store)
        let ran = runs.map { "\($0.schedule) \(Timestamp.string(from: $0.occurrence))" }
        let expected = Self.expected()
        #expect(ran.count == Set(ran).count, "an occurrence ran twice")
        #expect(Set(ran) == expected)
        #expect(Set(ran).subtracting(expected).sorted().prefix(5) == [])
        #expect(expected.subtracting(ran).sorted().prefix(5) == [])
        #expect(try await Fixture.allSkips(store).isEmpty)
        #expect(runs.allSatisfy { $0.status == .succeeded })

        let midnight = runs.filter { $0.schedule == "midnight" }
        for run in midnight {
            let expectedStatuses: [JobRun.Status] =
                Self.isBadDay(run.occurrence) ? [.timedOut, .succeeded] : [.succeeded]
            #expect(run.attempts.map(\.status) == expectedStatuses, "\(run.occurrence)")
        }
        #expect(midnight.filter { $0.attempts.count == 2 }.count > 30)

        let inference = runs.filter { $0.schedule == "inference" }
        for run in inference where Self.isBadDay(run.occurrence) {
            // Timed out at 08:00; a retry at 08:10 could not finish by 10:00, so the fallback ran.
            #expect(run.attempts.map(\.isFallback) == [false, true])
            #expect(run.fallback?.contains("cannot finish before the deadline") == true)
        }
        for run in inference where !Self.isBadDay(run.occurrence) {
            #expect(run.fallback == nil && run.attempts.count == 1)
        }
    }

    @Test("a run still going at its deadline raises at-risk, then missed, and its fallback produces the result")
    func deadline() async throws {
        var jobs = JobRegistry()
        jobs.register("slow") { context in
            try await context.clock.sleep(until: context.clock.now.addingTimeInterval(10 * 3600))
        }
        jobs.register("use-previous") { _ in }
        let (driver, store) = Fixture.scheduler(at: "2026-06-01T00:00:00Z", jobs: jobs)
        let events = driver.scheduler.events()
        try await driver.run { driver in
            try await driver.scheduler.add(
                Schedule(
                    "inference",
                    job: JobReference("slow"),
                    trigger: .cron("0 6 * * *", in: Self.chicago),
                    deadline: DeadlinePolicy(at: try TimeOfDay("10:00"), in: Self.chicago, buffer: .seconds(3600)),
                    fallback: JobReference("use-previous")
                )
            )
            try await driver.advance(to: Fixture.date("2026-06-01T16:00:00Z"))
        }
        let run = try #require(try await Fixture.allRuns(store).first)
        #expect(run.status == .succeeded)
        #expect(run.missedDeadline)
        #expect(run.fallback == "the deadline passed before the run finished")
        #expect(run.attempts.map(\.status) == [.cancelled, .succeeded])
        #expect(run.attempts.map(\.isFallback) == [false, true])
        var log: [String] = []
        for await event in events { log.append("\(event.kind) \(Timestamp.string(from: event.at))") }
        #expect(
            log == [
                "fired 2026-06-01T11:00:00Z", "started 2026-06-01T11:00:00Z", "deadlineAtRisk 2026-06-01T14:00:00Z",
                "deadlineMissed 2026-06-01T15:00:00Z", "started 2026-06-01T15:00:00Z",
                "fallbackUsed 2026-06-01T15:00:00Z",
                "succeeded 2026-06-01T15:00:00Z",
            ]
        )
    }
}
