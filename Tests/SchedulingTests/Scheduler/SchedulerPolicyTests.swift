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

struct JobFailure: Error, CustomStringConvertible {
    var description: String { "the job failed" }
}

@Suite("Scheduler policies")
struct SchedulerPolicyTests {
    static let start = Fixture.date("2026-01-01T00:00:00Z")

    /// Runs an hourly schedule, stops for 5.5 hours, and starts a new scheduler on the same store.
    static func catchUp(_ policy: CatchUpPolicy) async throws -> ([JobRun], [SkipRecord]) {
        var jobs = JobRegistry()
        jobs.register("tick") { _ in }
        let store = InMemoryJobStore()
        let (first, _) = Fixture.scheduler(jobs: jobs, store: store)
        try await first.run { driver in
            try await driver.scheduler.add(
                Schedule("hourly", job: JobReference("tick"), trigger: .cron("0 * * * *"), catchUp: policy))
            try await driver.advance(by: .seconds(3600))
        }
        let (second, _) = Fixture.scheduler(at: "2026-01-01T06:30:00Z", jobs: jobs, store: store)
        try await second.run { _ in }
        return (try await Fixture.allRuns(store), try await Fixture.allSkips(store))
    }

    @Test("catch-up latest runs the latest missed occurrence and records the others")
    func catchUpLatest() async throws {
        let (runs, skips) = try await Self.catchUp(CatchUpPolicy())
        #expect(runs.map(\.occurrence) == [1, 6].map { Self.start.addingTimeInterval(Double($0) * 3600) })
        #expect(runs.map(\.origin) == [.scheduled, .catchUp])
        #expect(skips.map(\.occurrence) == (2...5).map { Self.start.addingTimeInterval(Double($0) * 3600) })
        #expect(skips.allSatisfy { $0.reason == .notCaughtUp })
    }

    @Test(
        "catch-up modes",
        arguments: [
            (CatchUpPolicy.Mode.none, [Int](), 5),
            (.earliest, [2], 4),
            (.all(maximum: 3), [4, 5, 6], 2),
            (.all(maximum: 10), [2, 3, 4, 5, 6], 0),
        ])
    func catchUpModes(mode: CatchUpPolicy.Mode, hours: [Int], skipped: Int) async throws {
        let (runs, skips) = try await Self.catchUp(CatchUpPolicy(mode: mode))
        #expect(runs.dropFirst().map(\.occurrence) == hours.map { Self.start.addingTimeInterval(Double($0) * 3600) })
        #expect(skips.count == skipped)
    }

    @Test("missed occurrences older than the window are dropped with a reason")
    func catchUpWindow() async throws {
        let (runs, skips) = try await Self.catchUp(CatchUpPolicy(mode: .all(maximum: 10), window: .seconds(3 * 3600)))
        #expect(
            runs.dropFirst().map(\.occurrence) == [4, 5, 6].map { Self.start.addingTimeInterval(Double($0) * 3600) })
        #expect(skips.map(\.reason) == [.outsideCatchUpWindow, .outsideCatchUpWindow])
    }

    @Test(
        "after days away, a per-second schedule runs what its catch-up policy selects from all it missed, and every other occurrence has a skip entry",
        arguments: [CatchUpPolicy.Mode.all(maximum: 3), .latest, .earliest, .none])
    func longAbsence(mode: CatchUpPolicy.Mode) async throws {
        var jobs = JobRegistry()
        jobs.register("tick") { _ in }
        let store = InMemoryJobStore(configuration: .init(skipsPerSchedule: 10_000))
        let policy = CatchUpPolicy(mode: mode, grace: .zero, window: .seconds(2 * 86_400))
        let (first, _) = Fixture.scheduler(jobs: jobs, store: store)
        try await first.run { driver in
            try await driver.scheduler.add(
                Schedule("tick", job: JobReference("tick"), trigger: .every(.seconds(1)), catchUp: policy))
            try await driver.advance(by: .seconds(9))
        }
        // Five days away: three before the window (more events than one pass walks), two within it.
        let back = Self.start.addingTimeInterval(5 * 86_400)
        let (second, _) = Fixture.scheduler(at: Timestamp.string(from: back), jobs: jobs, store: store)
        try await second.run { _ in }

        let runs = try await Fixture.allRuns(store)
        let skips = try await Fixture.allSkips(store)
        let second1 = { (offset: Double) in back.addingTimeInterval(offset) }
        let caughtUp: [Date] =
            switch mode {
            case .latest: [second1(-1)]
            case .earliest: [Self.start.addingTimeInterval(3 * 86_400)]
            case .none: []
            default: [second1(-3), second1(-2), second1(-1)]
            }
        #expect(runs.filter { $0.origin == .catchUp }.map(\.occurrence) == caughtUp)
        // The occurrence on time runs, unless a caught-up run is still active (overlap skip).
        #expect(
            runs.contains { $0.occurrence == back } || skips.contains { $0.occurrence == back && $0.reason == .overlap }
        )
        // Every occurrence from the first to the one at `back` either ran or is counted in a skip entry.
        let firstOccurrence = try #require(runs.first).occurrence
        #expect(runs.count + skips.map(\.count).reduce(0, +) == Int(back.timeIntervalSince(firstOccurrence)) + 1)
        // Five days of events take several passes, recorded together: one entry for each reason.
        #expect(skips.filter { $0.reason == .outsideCatchUpWindow }.map(\.count) == [3 * 86_400 - 10])
        #expect(skips.filter { $0.reason == .notCaughtUp }.count == 1)
        #expect(
            skips.allSatisfy {
                $0.lastOccurrence ?? $0.occurrence == $0.occurrence.addingTimeInterval(Double($0.count - 1))
            })
    }

    @Test(
        "several per-second schedules back after two days share the passes: each runs its latest missed occurrence once"
    )
    func longAbsenceOfSeveral() async throws {
        var jobs = JobRegistry()
        jobs.register("tick") { _ in }
        let store = InMemoryJobStore()
        let names = ["a", "b", "c"]
        let policy = CatchUpPolicy(grace: .zero)
        let (first, _) = Fixture.scheduler(jobs: jobs, store: store)
        try await first.run { driver in
            for name in names {
                try await driver.scheduler.add(
                    Schedule(name, job: JobReference("tick"), trigger: .every(.seconds(1)), catchUp: policy))
            }
        }
        let back = Self.start.addingTimeInterval(2 * 86_400)
        let (second, _) = Fixture.scheduler(at: Timestamp.string(from: back), jobs: jobs, store: store)
        try await second.run { _ in }
        for name in names {
            let runs = try await Fixture.allRuns(store, name)
            let skips = try await Fixture.allSkips(store, name)
            #expect(runs.filter { $0.origin == .catchUp }.map(\.occurrence) == [back.addingTimeInterval(-1)])
            #expect(runs.count + skips.map(\.count).reduce(0, +) == 2 * 86_400)
        }
    }

    /// Runs a per-minute schedule whose job takes 150 seconds, for ten minutes.
    static func overlap(_ policy: OverlapPolicy) async throws -> ([JobRun], [SkipRecord], Int) {
        let counter = Counter()
        var jobs = JobRegistry()
        jobs.register("slow") { context in
            counter.enter()
            defer { counter.leave() }
            try await context.clock.sleep(until: context.clock.now.addingTimeInterval(150))
        }
        let (driver, store) = Fixture.scheduler(jobs: jobs)
        try await driver.run { driver in
            try await driver.scheduler.add(
                Schedule("minutely", job: JobReference("slow"), trigger: .cron("* * * * *"), overlap: policy))
            try await driver.advance(by: .seconds(600))
        }
        return (try await Fixture.allRuns(store), try await Fixture.allSkips(store), counter.maximumConcurrent)
    }

    @Test("overlap skip records the occurrences that find a run active")
    func overlapSkip() async throws {
        let (runs, skips, peak) = try await Self.overlap(.skip)
        #expect(peak == 1)
        #expect(runs.map { Int($0.occurrence.timeIntervalSince(Self.start) / 60) } == [1, 4, 7, 10])
        #expect(skips.count == 6 && skips.allSatisfy { $0.reason == .overlap })
    }

    @Test("overlap bufferOne keeps one occurrence waiting")
    func overlapBufferOne() async throws {
        let (runs, skips, peak) = try await Self.overlap(.bufferOne)
        #expect(peak == 1)
        // Each run takes 150 s: four run back to back (the one due at 360 s waits while the one
        // buffered at 240 s starts); at shutdown (600 s) the one buffered at 540 s still waits.
        let succeeded = runs.filter { $0.status == .succeeded }
        #expect(succeeded.map { $0.attempts[0].started.timeIntervalSince(Self.start) } == [60, 210, 360, 510])
        #expect(runs.filter { $0.status == .skipped }.map { $0.occurrence.timeIntervalSince(Self.start) } == [540])
        #expect(
            skips.filter { $0.reason == .overlap }.map { $0.occurrence.timeIntervalSince(Self.start) } == [
                180, 300, 420, 480, 600,
            ])
        #expect(skips.filter { $0.reason == .shutdown }.count == 1)
    }

    @Test("overlap cancelOther cancels the active run for the new occurrence")
    func overlapCancelOther() async throws {
        let (runs, skips, peak) = try await Self.overlap(.cancelOther)
        #expect(peak == 1)
        #expect(skips.isEmpty)
        #expect(runs.count == 10)
        #expect(runs.dropLast().allSatisfy { $0.status == .cancelled })
    }

    @Test("a run in flight when its schedule is replaced with cancelOther finishes; the newest occurrence waits for it")
    func replacedWithCancelOther() async throws {
        var jobs = JobRegistry()
        jobs.registerSleeping("slow", seconds: 150)
        let (driver, store) = Fixture.scheduler(jobs: jobs)
        try await driver.run { driver in
            try await driver.scheduler.add(Schedule("minutely", job: JobReference("slow"), trigger: .cron("* * * * *")))
            try await driver.advance(by: .seconds(90))
            try await driver.scheduler.replace(
                Schedule("minutely", job: JobReference("slow"), trigger: .cron("* * * * *"), overlap: .cancelOther))
            try await driver.advance(by: .seconds(140))
        }
        let runs = try await Fixture.allRuns(store)
        // The first run finishes at 210 s under its old definition. The occurrence due at 120 s
        // waits for it until the one due at 180 s supersedes it; that one starts at 210 s, and the
        // shutdown at 230 s cancels it after the grace period.
        #expect(runs.map(\.status) == [.succeeded, .cancelled, .cancelled])
        #expect(runs.first?.finished == Self.start.addingTimeInterval(210))
        #expect(runs.map { $0.attempts.first?.started.timeIntervalSince(Self.start) } == [60, nil, 210])
        #expect(try await Fixture.allSkips(store).isEmpty)
    }

    @Test("under cancelOther a new occurrence supersedes waiting ones before a run it cancels ends and lets one start")
    func cancelOtherSupersedesWaitingFirst() async throws {
        var jobs = JobRegistry()
        jobs.register("flaky") { context in if context.attempt == 1 { throw JobFailure() } }
        let (driver, store) = Fixture.scheduler(jobs: jobs)
        try await driver.run { driver in
            try await driver.scheduler.add(
                Schedule(
                    "minutely", job: JobReference("flaky"), trigger: .cron("* * * * *"),
                    catchUp: CatchUpPolicy(mode: .all(maximum: 5), grace: .seconds(10)), overlap: .cancelOther,
                    retry: .retries(1, backoff: .seconds(600))))
            // Three occurrences missed: the first caught up fails and waits for its retry, the other
            // two wait behind it. The occurrence at 4 minutes cancels the one waiting for a retry.
            try await driver.jump(to: Self.start.addingTimeInterval(210))
            try await driver.advance(to: Self.start.addingTimeInterval(250))
        }
        let runs = try await Fixture.allRuns(store)
        func minute(_ run: JobRun) -> Int { Int(run.occurrence.timeIntervalSince(Self.start) / 60) }
        // The two waiting are superseded without starting; the newest starts at once.
        #expect(runs.map(minute) == [1, 2, 3, 4])
        #expect(
            runs.filter { [2, 3].contains(minute($0)) }.allSatisfy { $0.status == .cancelled && $0.attempts.isEmpty })
        #expect(runs.last?.attempts.first?.started == Self.start.addingTimeInterval(240))
    }

    @Test("overlap allowAll runs side by side up to its maximum")
    func overlapAllowAll() async throws {
        let (runs, skips, peak) = try await Self.overlap(.allowAll(maximum: 2))
        #expect(peak == 2)
        #expect(runs.count + skips.count == 10)
        #expect(!skips.isEmpty)
    }

    @Test("retries with exponential backoff belong to one run and are recorded as attempts")
    func retries() async throws {
        var jobs = JobRegistry()
        jobs.register("flaky") { context in
            if context.attempt < 3 { throw JobFailure() }
        }
        let (driver, store) = Fixture.scheduler(jobs: jobs)
        try await driver.run { driver in
            let retry = RetryPolicy(maxAttempts: 5, backoff: .exponential(initial: .seconds(10), maximum: .seconds(15)))
            try await driver.scheduler.add(
                Schedule(
                    "flaky", job: JobReference("flaky"), trigger: .once(at: Self.start.addingTimeInterval(60)),
                    retry: retry)
            )
            try await driver.advance(by: .seconds(600))
        }
        let runs = try await Fixture.allRuns(store)
        #expect(runs.count == 1)
        #expect(runs[0].status == .succeeded)
        #expect(runs[0].attempts.map(\.status) == [.failed, .failed, .succeeded])
        #expect(runs[0].attempts.map { $0.started.timeIntervalSince(Self.start) } == [60, 70, 85])
        #expect(runs[0].attempts[0].error == "the job failed")
    }

    /// A registry whose job "stuck" sleeps on the clock for `seconds`, longer than its timeout.
    static func stuckJob(sleeping seconds: TimeInterval) -> JobRegistry {
        var jobs = JobRegistry()
        jobs.registerSleeping("stuck", seconds: seconds)
        return jobs
    }

    @Test("a timeout cancels the attempt; retries time out too; the run ends timedOut")
    func timeout() async throws {
        let (driver, store) = Fixture.scheduler(jobs: Self.stuckJob(sleeping: 7200))
        try await driver.run { driver in
            try await driver.scheduler.add(
                Schedule(
                    "stuck",
                    job: JobReference("stuck"),
                    trigger: .once(at: Self.start.addingTimeInterval(60)),
                    retry: .retries(1, backoff: .seconds(60)),
                    timeout: .seconds(600)
                )
            )
            try await driver.advance(by: .seconds(3 * 3600))
        }
        let run = try #require(try await Fixture.allRuns(store).first)
        #expect(run.status == .timedOut)
        #expect(run.attempts.map(\.status) == [.timedOut, .timedOut])
        #expect(run.attempts.map { $0.finished!.timeIntervalSince($0.started) } == [600, 600])
    }

    @Test("the driver waits for attempts told to stop: 500 timeouts each happen at their instant")
    func timeoutsSettle() async throws {
        // Each timeout is a moment when the loop may park before the stopped job's task has wound
        // down; the driver must wait for that task instead of moving the clock on past it.
        let (driver, store) = Fixture.scheduler(jobs: Self.stuckJob(sleeping: 120))
        try await driver.run { driver in
            try await driver.scheduler.add(
                Schedule("stuck", job: JobReference("stuck"), trigger: .cron("* * * * *"), timeout: .seconds(10)))
            try await driver.advance(by: .seconds(500 * 60 + 30))
        }
        let runs = try await Fixture.allRuns(store)
        #expect(runs.count == 500)
        let late = runs.filter { run in
            run.status != .timedOut || run.finished != run.occurrence.addingTimeInterval(10)
                || run.attempts.first?.started != run.occurrence
        }
        #expect(
            late.isEmpty,
            "\(late.count) runs did not time out at their instant, the first \(late.first.map { Timestamp.string(from: $0.occurrence) } ?? "")"
        )
    }

    /// Schedules added in the order given, all due at the same hour, and the order they must run in.
    static let orderCases: [([(String, Priority)], [String])] = [
        (
            [("b-low", .low), ("a-medium", .medium), ("d-critical", .critical), ("c-high", .high)],
            ["d-critical", "c-high", "a-medium", "b-low"]
        ),
        (
            [("delta", .medium), ("bravo", .medium), ("echo", .medium), ("alpha", .medium), ("charlie", .medium)],
            ["alpha", "bravo", "charlie", "delta", "echo"]
        ),
    ]

    @Test(
        "ready runs start in priority order, then in name order, when the concurrency limit is reached",
        arguments: orderCases)
    func priorities(schedules: [(String, Priority)], expected: [String]) async throws {
        let order = OrderLog()
        var jobs = JobRegistry()
        jobs.register("log") { context in order.append(context.schedule) }
        let (driver, _) = Fixture.scheduler(jobs: jobs, concurrency: 1)
        try await driver.run { driver in
            for (name, priority) in schedules {
                try await driver.scheduler.add(
                    Schedule(name, job: JobReference("log"), trigger: .cron("0 * * * *"), priority: priority)
                )
            }
            try await driver.advance(by: .seconds(3600))
        }
        #expect(order.entries == expected)
    }

    @Test("pause, disable and a DST gap under a skip policy each leave a skip record with its reason")
    func skipReasons() async throws {
        var jobs = JobRegistry()
        jobs.register("tick") { _ in }
        let (driver, store) = Fixture.scheduler(at: "2026-03-07T00:00:00Z", jobs: jobs)
        try await driver.run { driver in
            let scheduler = driver.scheduler
            try await scheduler.add(Schedule("paused", job: JobReference("tick"), trigger: .cron("0 * * * *")))
            try await scheduler.add(
                Schedule("disabled", job: JobReference("tick"), trigger: .cron("0 * * * *"), enabled: false))
            let gap = CronDSTPolicy(gap: .skip, fold: .first)
            try await scheduler.add(
                Schedule(
                    "gap", job: JobReference("tick"),
                    trigger: .cron("30 2 * * *", in: Fixture.zone("America/New_York"), dstPolicy: gap))
            )
            try await scheduler.pause("paused")
            try await driver.advance(by: .seconds(2 * 3600))
            try await scheduler.resume("paused")
            try await driver.advance(by: .seconds(2 * 86_400))
        }
        let skips = try await Fixture.allSkips(store)
        #expect(skips.filter { $0.schedule == "paused" }.map(\.reason) == [.paused, .paused])
        #expect(skips.filter { $0.schedule == "disabled" }.count == 50)
        #expect(skips.filter { $0.schedule == "disabled" }.allSatisfy { $0.reason == .disabled })
        let gapSkips = skips.filter { $0.schedule == "gap" }
        #expect(gapSkips.map(\.reason) == [.dstGap])
        #expect(gapSkips.map(\.occurrence) == [Fixture.date("2026-03-08T07:00:00Z")])
        let gapRuns = try await Fixture.allRuns(store, "gap")
        #expect(gapRuns.map(\.occurrence) == [Fixture.date("2026-03-07T07:30:00Z")])
        #expect(try await Fixture.allRuns(store, "paused").count == 48)
    }

    @Test(
        "run-then-wait starts again a delay after each run finishes; replaced, the new delay after the last finish",
        arguments: [false, true])
    func runThenWait(replaced: Bool) async throws {
        var jobs = JobRegistry()
        jobs.registerSleeping("work", seconds: 600)
        let (driver, store) = Fixture.scheduler(jobs: jobs)
        try await driver.run { driver in
            try await driver.scheduler.add(
                Schedule("loop", job: JobReference("work"), trigger: .runThenWait(.seconds(1800))))
            try await driver.advance(by: .seconds(700))
            if replaced {
                try await driver.scheduler.replace(
                    Schedule("loop", job: JobReference("work"), trigger: .runThenWait(.seconds(3600))))
            }
            try await driver.advance(by: .seconds(6500))
        }
        let starts = try await Fixture.allRuns(store).map { $0.attempts[0].started.timeIntervalSince(Self.start) }
        // The first run finishes at 601 s.
        #expect(starts == (replaced ? [1, 4201] : [1, 2401, 4801]))
    }

    @Test(
        "run-then-wait after a restart waits its delay from the last run's finish, and catches up when that passed",
        arguments: [600.0, 7_200.0])
    func runThenWaitAcrossARestart(away: Double) async throws {
        var jobs = JobRegistry()
        jobs.registerSleeping("work", seconds: 600)
        let store = InMemoryJobStore()
        let (first, _) = Fixture.scheduler(jobs: jobs, store: store)
        try await first.run { driver in
            try await driver.scheduler.add(
                Schedule("loop", job: JobReference("work"), trigger: .runThenWait(.seconds(1800))))
            // Runs at 1 s, finishes at 601 s; the next would start at 2401 s.
            try await driver.advance(by: .seconds(700))
        }
        let restart = Self.start.addingTimeInterval(700 + away)
        let (second, _) = Fixture.scheduler(at: Timestamp.string(from: restart), jobs: jobs, store: store)
        try await second.run { driver in try await driver.advance(by: .seconds(3_000)) }
        let runs = try await Fixture.allRuns(store)
        let starts = runs.map { $0.attempts[0].started.timeIntervalSince(Self.start) }
        if away == 600 {
            // Back at 1300 s: the wait goes on to 2401 s, as if nothing had stopped.
            #expect(starts == [1, 2401])
            #expect(runs.map(\.origin) == [.scheduled, .scheduled])
        } else {
            // Back at 7900 s, long after 2401 s: the catch-up policy runs the missed start now, and
            // the next waits from its finish at 8500 s.
            #expect(starts == [1, 7900, 10300])
            #expect(runs.map { $0.occurrence.timeIntervalSince(Self.start) } == [1, 2401, 10300])
            #expect(runs.map(\.origin) == [.scheduled, .catchUp, .scheduled])
        }
    }

    @Test("a manual trigger runs now, recorded as manual")
    func manualTrigger() async throws {
        var jobs = JobRegistry()
        jobs.register("tick") { _ in }
        let (driver, store) = Fixture.scheduler(jobs: jobs)
        let id = try await driver.run { driver in
            try await driver.scheduler.add(Schedule("daily", job: JobReference("tick"), trigger: .cron("0 6 * * *")))
            let id = try await driver.scheduler.trigger("daily")
            try await driver.settle()
            return id
        }
        let run = try #require(try await store.run(id: id))
        #expect(run.origin == .manual && run.status == .succeeded && run.occurrence == Self.start)
        // Once stopped, the scheduler would never start it: a trigger is refused, and nothing is written.
        await #expect(throws: SchedulingError.self) { try await driver.scheduler.trigger("daily") }
        #expect(try await Fixture.allRuns(store).count == 1)
    }

    @Test("graceful shutdown lets attempts finish within the grace period, cancels the rest, and records it all")
    func shutdown() async throws {
        var jobs = JobRegistry()
        jobs.registerSleeping("short", seconds: 30)
        jobs.registerSleeping("long", seconds: 3600)
        let (driver, store) = Fixture.scheduler(jobs: jobs)
        try await driver.run { driver in
            let once = Trigger.once(at: Self.start.addingTimeInterval(60))
            try await driver.scheduler.add(Schedule("short", job: JobReference("short"), trigger: once))
            try await driver.scheduler.add(
                Schedule("long", job: JobReference("long"), trigger: once, overlap: .bufferOne))
            try await driver.scheduler.trigger("long")
            try await driver.advance(by: .seconds(61))
        }
        let runs = try await Fixture.allRuns(store)
        #expect(runs.first { $0.schedule == "short" }?.status == .succeeded)
        let long = runs.filter { $0.schedule == "long" }
        #expect(long.map(\.status).sorted { $0.rawValue < $1.rawValue } == [.cancelled, .skipped])
        #expect(runs.allSatisfy { $0.status.isFinished })
        #expect(try await Fixture.allSkips(store).map(\.reason) == [.shutdown])
    }

    @Test("events report the life of a run")
    func events() async throws {
        var jobs = JobRegistry()
        jobs.register("flaky") { context in if context.attempt == 1 { throw JobFailure() } }
        let (driver, _) = Fixture.scheduler(jobs: jobs)
        let stream = driver.scheduler.events()
        try await driver.run { driver in
            try await driver.scheduler.add(
                Schedule(
                    "e", job: JobReference("flaky"), trigger: .once(at: Self.start.addingTimeInterval(60)),
                    retry: .retries(1, backoff: .seconds(5)))
            )
            try await driver.advance(by: .seconds(120))
        }
        var kinds: [SchedulerEvent.Kind] = []
        for await event in stream { kinds.append(event.kind) }
        #expect(kinds == [.fired, .started, .retrying, .started, .succeeded])
    }

    @Test("adding a schedule twice, or one whose job nobody runs, is refused with a clear error")
    func badAdds() async throws {
        var jobs = JobRegistry(processes: nil)
        jobs.register("tick") { _ in }
        let (driver, _) = Fixture.scheduler(jobs: jobs)
        try await driver.run { driver in
            let schedule = try Schedule("s", job: JobReference("tick"), trigger: .cron("* * * * *"))
            try await driver.scheduler.add(schedule)
            await #expect(throws: SchedulingError(.scheduleExists, message: "")) {
                try await driver.scheduler.add(schedule)
            }
            let unknown = try Schedule("u", job: JobReference("nope"), trigger: .cron("* * * * *"))
            do {
                try await driver.scheduler.add(unknown)
                Issue.record("an unknown job was accepted")
            } catch let error as SchedulingError {
                #expect(error.code == .jobNotFound)
                #expect(error.message.contains("'nope'"))
            }
            await #expect(throws: SchedulingError(.scheduleNotFound, message: "")) {
                try await driver.scheduler.pause("missing")
            }
        }
    }
}

/// Records the order of calls.
final class OrderLog: Sendable {
    private let storage = Mutex<[String]>([])
    var entries: [String] { storage.withLock { $0 } }
    func append(_ entry: String) { storage.withLock { $0.append(entry) } }
}
