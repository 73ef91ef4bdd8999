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

/// Occurrences are claimed and recorded a lead time before they fall due, and start when due.
@Suite("Scheduler lead time")
struct SchedulerLeadTimeTests {
    static let start = Fixture.date("2026-01-01T00:00:00Z")
    static let due = Fixture.date("2026-01-01T00:01:00Z")

    /// The instants, by the manual clock, at which a job started.
    final class Starts: Sendable {
        private let instants = Mutex<[Date]>([])
        var all: [Date] { instants.withLock { $0 } }
        func append(_ instant: Date) { instants.withLock { $0.append(instant) } }
    }

    /// A registry with a job "stamp" that notes when it starts and takes `seconds`.
    static func jobs(_ starts: Starts, seconds: Double = 0) -> JobRegistry {
        var jobs = JobRegistry(processes: nil)
        jobs.register("stamp") { context in
            starts.append(context.clock.now)
            try await context.clock.sleep(until: context.clock.now.addingTimeInterval(seconds))
        }
        return jobs
    }

    static func minutely(overlap: OverlapPolicy = .skip) throws -> Schedule {
        try Schedule("minutely", job: JobReference("stamp"), trigger: .cron("* * * * *"), overlap: overlap)
    }

    @Test("an occurrence is claimed ahead, recorded when it is due, and its job starts then")
    func preparedAheadStartsOnTime() async throws {
        let starts = Starts()
        let (driver, store) = Fixture.scheduler(jobs: Self.jobs(starts))
        let events = driver.scheduler.events()
        try await driver.run { driver in
            try await driver.scheduler.add(Self.minutely())
            try await driver.advance(to: Self.due.addingTimeInterval(-0.05))
            // Claimed, so no other instance takes it; its run is written when it starts.
            #expect(try await store.claim(Self.due, of: "minutely", owner: "other") == nil)
            #expect(try await Fixture.allRuns(store).isEmpty, "a prepared run was written before it was due")
            #expect(
                try await driver.scheduler.nextOccurrences(of: "minutely", count: 2) == [
                    Self.due, Self.due.addingTimeInterval(60),
                ])
            #expect(starts.all.isEmpty, "started before the occurrence was due")
            try await driver.advance(to: Self.due.addingTimeInterval(150))
        }
        #expect(starts.all == [60, 120, 180].map { Self.start.addingTimeInterval($0) })
        let runs = try await Fixture.allRuns(store)
        #expect(runs.allSatisfy { $0.status == .succeeded && $0.started == $0.occurrence })
        #expect(runs.count == 3)
        #expect(
            runs.allSatisfy { $0.created == $0.occurrence.addingTimeInterval(-0.1) }, "not prepared the lead time ahead"
        )
        var fired: [Date] = []
        for await event in events where event.kind == .fired { fired.append(event.at) }
        #expect(fired == starts.all, "fired before the occurrence was due")
    }

    @Test("with no lead time nothing is claimed or recorded before the occurrence is due")
    func noLeadTime() async throws {
        let starts = Starts()
        let (driver, store) = Fixture.scheduler(jobs: Self.jobs(starts), leadTime: .zero)
        try await driver.run { driver in
            try await driver.scheduler.add(Self.minutely())
            try await driver.advance(to: Self.due.addingTimeInterval(-0.001))
            #expect(try await Fixture.allRuns(store).isEmpty)
            try await driver.advance(to: Self.due)
        }
        #expect(starts.all == [Self.due])
        #expect(try await Fixture.allRuns(store).first?.created == Self.due)
    }

    /// Runs a minutely schedule, changes it between its preparation and its due time, and
    /// returns its runs and skips.
    static func changedWhilePrepared(
        _ change: @Sendable (Scheduler) async throws -> Void
    ) async throws -> (runs: [JobRun], skips: [SkipRecord], starts: [Date]) {
        let starts = Starts()
        let (driver, store) = Fixture.scheduler(jobs: Self.jobs(starts))
        try await driver.run { driver in
            try await driver.scheduler.add(Self.minutely())
            try await driver.advance(to: Self.due.addingTimeInterval(-0.05))
            try await change(driver.scheduler)
            try await driver.advance(to: Self.due.addingTimeInterval(30))
        }
        return (try await Fixture.allRuns(store), try await Fixture.allSkips(store), starts.all)
    }

    @Test("pausing between preparation and the due time skips the occurrence as paused")
    func pausedWhilePrepared() async throws {
        let (runs, skips, starts) = try await Self.changedWhilePrepared { try await $0.pause("minutely") }
        #expect(starts.isEmpty)
        #expect(runs.isEmpty, "a prepared run that never started was written; its skip entry records it")
        #expect(skips.map(\.reason) == [.paused])
        #expect(skips.map(\.occurrence) == [Self.due])
    }

    @Test("disabling between preparation and the due time skips the occurrence as disabled")
    func disabledWhilePrepared() async throws {
        let (runs, skips, starts) = try await Self.changedWhilePrepared { try await $0.disable("minutely") }
        #expect(starts.isEmpty)
        #expect(runs.isEmpty, "a prepared run that never started was written; its skip entry records it")
        #expect(skips.map(\.reason) == [.disabled])
    }

    @Test("removing the schedule between preparation and the due time cancels the occurrence")
    func removedWhilePrepared() async throws {
        let (runs, skips, starts) = try await Self.changedWhilePrepared { try await $0.remove("minutely") }
        #expect(starts.isEmpty)
        #expect(runs.map(\.status) == [.cancelled])
        #expect(runs.allSatisfy { $0.finished == Self.due })
        #expect(skips.isEmpty)
    }

    @Test("a run still active at the lead time leaves the overlap decision to the due time")
    func overlapIsDecidedWhenDue() async throws {
        // Each run takes 59.95 seconds: it is active at the lead time of the next occurrence and
        // finished at its due time, so under overlap skip every occurrence runs.
        let starts = Starts()
        let (driver, store) = Fixture.scheduler(jobs: Self.jobs(starts, seconds: 59.95))
        try await driver.run { driver in
            try await driver.scheduler.add(Self.minutely(overlap: .skip))
            try await driver.advance(to: Self.due.addingTimeInterval(125))
        }
        #expect(starts.all == [60, 120, 180].map { Self.start.addingTimeInterval($0) })
        #expect(try await Fixture.allSkips(store).isEmpty)
        let runs = try await Fixture.allRuns(store)
        #expect(runs.map(\.occurrence) == starts.all)
        #expect(runs.prefix(2).allSatisfy { $0.status == .succeeded })
    }

    /// What became of each minute's occurrence when the process stood still from just before the
    /// first one until 10.5 minutes later: the runs that were not skipped, then the skip entries.
    ///
    /// - Parameter manualRun: Whether a run is triggered by hand just before the process stops,
    ///   with jobs that take an hour, so that it is still active when the process resumes.
    static func suspended(
        mode: CatchUpPolicy.Mode, window: Duration, leadTime: Duration, manualRun: Bool = false
    ) async throws -> [String] {
        let starts = Starts()
        let (driver, store) = Fixture.scheduler(
            jobs: Self.jobs(starts, seconds: manualRun ? 3600 : 0), leadTime: leadTime)
        try await driver.run { driver in
            try await driver.scheduler.add(
                Schedule(
                    "minutely", job: JobReference("stamp"), trigger: .cron("* * * * *"),
                    catchUp: CatchUpPolicy(mode: mode, window: window)))
            try await driver.advance(to: Self.due.addingTimeInterval(-0.05))
            if manualRun { _ = try await driver.scheduler.trigger("minutely") }
            try await driver.jump(to: Self.due.addingTimeInterval(630))
            try await driver.advance(by: .seconds(5))
        }
        func minute(_ instant: Date) -> Int { Int(instant.timeIntervalSince(Self.start) / 60) }
        let runs = try await Fixture.allRuns(store)
        let skips = try await Fixture.allSkips(store)
        return runs.map { "\(minute($0.occurrence)) \($0.origin) \($0.status)" }
            + skips.map { "\(minute($0.occurrence)) \($0.reason)" }
    }

    @Test(
        "a process that stands still between preparation and the due time: the catch-up policy decides as it would without a lead time",
        arguments: [
            (CatchUpPolicy.Mode.none, 3600), (.latest, 3600), (.earliest, 3600), (.all(maximum: 3), 3600),
            (.all(maximum: 20), 3600), (.all(maximum: 20), 300),
        ]
    )
    func suspendedWhilePrepared(mode: CatchUpPolicy.Mode, windowSeconds: Int) async throws {
        let withLead = try await Self.suspended(
            mode: mode, window: .seconds(windowSeconds), leadTime: .milliseconds(100))
        let without = try await Self.suspended(mode: mode, window: .seconds(windowSeconds), leadTime: .zero)
        #expect(withLead == without)
        #expect(without.contains { $0.hasPrefix("11 ") }, "the occurrence due when the process resumed has no record")
    }

    @Test(
        "a run triggered by hand just before the process stands still: caught-up runs wait behind it as without a lead time",
        arguments: [CatchUpPolicy.Mode.earliest, .latest, .all(maximum: 3)]
    )
    func suspendedBehindAManualRun(mode: CatchUpPolicy.Mode) async throws {
        let withLead = try await Self.suspended(
            mode: mode, window: .seconds(3600), leadTime: .milliseconds(100), manualRun: true)
        let without = try await Self.suspended(mode: mode, window: .seconds(3600), leadTime: .zero, manualRun: true)
        #expect(withLead == without)
        #expect(without.contains { $0.hasPrefix("0 manual") })
    }

    /// The runs and skips of a minutely schedule whose job takes 30 seconds, triggered by hand
    /// 50 ms before its first occurrence: each run's origin, status and start (seconds after the
    /// occurrence's due time), then the skip entries' reasons.
    static func triggered(overlap: OverlapPolicy, leadTime: Duration) async throws -> [String] {
        let starts = Starts()
        let (driver, store) = Fixture.scheduler(jobs: Self.jobs(starts, seconds: 30), leadTime: leadTime)
        try await driver.run { driver in
            try await driver.scheduler.add(Self.minutely(overlap: overlap))
            try await driver.advance(to: Self.due.addingTimeInterval(-0.05))
            _ = try await driver.scheduler.trigger("minutely")
            try await driver.advance(to: Self.due.addingTimeInterval(45))
        }
        let runs = try await Fixture.allRuns(store).map { run in
            let start = run.started.map { String(format: "%.2f", $0.timeIntervalSince(Self.due)) } ?? "never"
            return "\(run.origin) \(run.status) from \(start)"
        }
        return runs.sorted() + (try await Fixture.allSkips(store)).map { "\($0.reason)" }
    }

    @Test(
        "a run triggered between preparation and the due time meets the occurrence's overlap policy as without a lead time",
        arguments: [OverlapPolicy.skip, .bufferOne, .cancelOther, .allowAll(maximum: 2)]
    )
    func triggeredWhilePrepared(overlap: OverlapPolicy) async throws {
        let withLead = try await Self.triggered(overlap: overlap, leadTime: .milliseconds(100))
        let without = try await Self.triggered(overlap: overlap, leadTime: .zero)
        #expect(withLead == without)
        #expect(without.contains { $0.hasPrefix("manual ") })
    }

    /// The jobs that started, with their start in seconds after the first occurrence's due time,
    /// when a minutely schedule running "stamp" is replaced 50 ms before that occurrence.
    static func replaced(by replacement: Schedule, leadTime: Duration) async throws -> [String] {
        let started = Mutex<[String]>([])
        var jobs = JobRegistry(processes: nil)
        for name in ["stamp", "other"] {
            jobs.register(name) { context in
                let offset = context.clock.now.timeIntervalSince(Self.due)
                started.withLock { $0.append("\(name) \(String(format: "%.2f", offset))") }
            }
        }
        let (driver, _) = Fixture.scheduler(jobs: jobs, leadTime: leadTime)
        try await driver.run { driver in
            try await driver.scheduler.add(Self.minutely())
            try await driver.advance(to: Self.due.addingTimeInterval(-0.05))
            try await driver.scheduler.replace(replacement)
            try await driver.advance(to: Self.due.addingTimeInterval(90))
        }
        return started.withLock { $0 }
    }

    @Test("a schedule replaced between preparation and the due time runs the occurrence as without a lead time")
    func replacedWhilePrepared() async throws {
        let otherJob = try Schedule("minutely", job: JobReference("other"), trigger: .cron("* * * * *"))
        #expect(try await Self.replaced(by: otherJob, leadTime: .milliseconds(100)) == ["other 0.00", "other 60.00"])
        #expect(try await Self.replaced(by: otherJob, leadTime: .zero) == ["other 0.00", "other 60.00"])
        // Every other minute: the prepared occurrence is not one of the new definition's.
        let otherTimes = try Schedule("minutely", job: JobReference("stamp"), trigger: .cron("*/2 * * * *"))
        #expect(try await Self.replaced(by: otherTimes, leadTime: .milliseconds(100)) == ["stamp 60.00"])
        #expect(try await Self.replaced(by: otherTimes, leadTime: .zero) == ["stamp 60.00"])
    }

    /// The occurrences run and skipped, by their offset in seconds from the first prepared
    /// occurrence's due time, when a minutely schedule is replaced 50 ms before that occurrence by
    /// one every ten seconds: the new definition has occurrences between the schedule's cursor
    /// and the prepared one.
    static func replacedByDenser(
        overlap: OverlapPolicy, leadTime: Duration
    ) async throws -> (ran: [String], skipped: [String]) {
        // Each job takes 15 seconds, so that the overlap policy has something to decide.
        let (driver, store) = Fixture.scheduler(jobs: Self.jobs(Starts(), seconds: 15), leadTime: leadTime)
        try await driver.run { driver in
            try await driver.scheduler.add(Self.minutely())
            try await driver.advance(to: Self.due.addingTimeInterval(-0.05))
            try await driver.scheduler.replace(
                Schedule("minutely", job: JobReference("stamp"), trigger: .cron("*/10 * * * * *"), overlap: overlap))
            try await driver.advance(to: Self.due.addingTimeInterval(30))
        }
        func offset(_ instant: Date) -> Int { Int(instant.timeIntervalSince(Self.due)) }
        return (
            try await Fixture.allRuns(store).map { "\(offset($0.occurrence)) \($0.status)" },
            try await Fixture.allSkips(store).map { "\(offset($0.occurrence)) \($0.reason.rawValue)" }
        )
    }

    @Test(
        "a schedule replaced by one with occurrences before the prepared one runs and skips them as without a lead time",
        arguments: [OverlapPolicy.allowAll(maximum: 10), .skip, .bufferOne, .cancelOther]
    )
    func replacedByDenserWhilePrepared(overlap: OverlapPolicy) async throws {
        let withLead = try await Self.replacedByDenser(overlap: overlap, leadTime: .milliseconds(100))
        let withoutLead = try await Self.replacedByDenser(overlap: overlap, leadTime: .zero)
        if overlap == .allowAll(maximum: 10) {
            // The five occurrences before the prepared one are late by less than the grace: on time.
            #expect(
                withoutLead.ran.map { $0.split(separator: " ")[0] } == [
                    "-50", "-40", "-30", "-20", "-10", "0", "10", "20", "30",
                ])
        }
        #expect(withLead.ran == withoutLead.ran)
        #expect(withLead.skipped == withoutLead.skipped)
    }

    /// The order in which three schedules due at one instant start when two long manual runs
    /// took two of the three slots 50 ms before it.
    static func startOrder(leadTime: Duration) async throws -> [String] {
        let started = Mutex<[String]>([])
        var jobs = JobRegistry(processes: nil)
        jobs.register("long") { context in
            try await context.clock.sleep(until: context.clock.now.addingTimeInterval(600))
        }
        jobs.register("note") { context in
            started.withLock { $0.append(context.schedule) }
            try await context.clock.sleep(until: context.clock.now.addingTimeInterval(60))
        }
        let (driver, _) = Fixture.scheduler(jobs: jobs, concurrency: 3, leadTime: leadTime)
        try await driver.run { driver in
            for name in ["c", "b", "a"] {
                try await driver.scheduler.add(Schedule(name, job: JobReference("note"), trigger: .once(at: Self.due)))
            }
            try await driver.scheduler.add(Schedule("long", job: JobReference("long"), trigger: .once(at: Self.start)))
            try await driver.advance(to: Self.due.addingTimeInterval(-0.05))
            _ = try await driver.scheduler.trigger("long")
            _ = try await driver.scheduler.trigger("long")
            try await driver.advance(to: Self.due.addingTimeInterval(900))
        }
        return started.withLock { $0 }
    }

    @Test("occurrences prepared ahead that cannot all start when due become ready in name order")
    func preparedRunsStartInNameOrder() async throws {
        #expect(try await Self.startOrder(leadTime: .zero) == ["a", "b", "c"])
        #expect(try await Self.startOrder(leadTime: .milliseconds(100)) == ["a", "b", "c"])
    }

    @Test("a graceful shutdown within the lead time first starts the prepared occurrence when it is due")
    func shutdownWhilePrepared() async throws {
        let starts = Starts()
        let (driver, store) = Fixture.scheduler(jobs: Self.jobs(starts, seconds: 10))
        try await driver.run { driver in
            try await driver.scheduler.add(Self.minutely())
            try await driver.advance(to: Self.due.addingTimeInterval(-0.05))
        }
        // It starts on time and finishes within the grace period; nothing later is claimed.
        #expect(starts.all == [Self.due])
        let runs = try await Fixture.allRuns(store)
        #expect(runs.map(\.status) == [.succeeded])
        #expect(runs.first?.finished == Self.due.addingTimeInterval(10))
        #expect(try await Fixture.allSkips(store).isEmpty)
        #expect(try await store.schedules().first?.cursor == Self.due)
    }

    @Test("once a graceful shutdown is requested, nothing more is prepared for it to wait for")
    func nothingPreparedAfterShutdownRequest() async throws {
        let starts = Starts()
        let (driver, store) = Fixture.scheduler(jobs: Self.jobs(starts))
        let later = Self.due.addingTimeInterval(0.03)
        try await driver.run { driver in
            try await driver.scheduler.add(Self.minutely())
            // Its lead time begins 20 ms after the shutdown below is requested.
            try await driver.scheduler.add(Schedule("later", job: JobReference("stamp"), trigger: .once(at: later)))
            try await driver.advance(to: Self.due.addingTimeInterval(-0.09))
        }
        // The shutdown waited for the occurrence prepared before it, and not for the later one.
        #expect(starts.all == [Self.due])
        #expect(try await Fixture.allRuns(store, "later").isEmpty)
        #expect(try await store.claim(later, of: "later", owner: "next") != nil, "claimed without a run")
    }

    @Test("a graceful shutdown starts the prepared occurrence even when another timer falls at its due time")
    func shutdownWithATimerAtTheDueTime() async throws {
        let starts = Starts()
        var jobs = Self.jobs(starts, seconds: 10)
        jobs.register("flaky") { context in if context.attempt == 1 { throw JobFailure() } }
        let (driver, store) = Fixture.scheduler(jobs: jobs)
        try await driver.run { driver in
            try await driver.scheduler.add(Self.minutely())
            try await driver.scheduler.add(
                Schedule(
                    "flaky", job: JobReference("flaky"), trigger: .once(at: Self.due.addingTimeInterval(3600)),
                    retry: .retries(1, backoff: .milliseconds(50))))
            try await driver.advance(to: Self.due.addingTimeInterval(-0.05))
            // Its retry falls at the due time, after the prepared occurrence's release.
            _ = try await driver.scheduler.trigger("flaky")
        }
        #expect(starts.all == [Self.due])
        #expect(try await Fixture.allRuns(store, "minutely").map(\.status) == [.succeeded])
    }
}
