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

@Suite("Scheduler concurrency")
struct SchedulerConcurrencyTests {
    static let start = Fixture.date("2026-01-01T00:00:00Z")

    /// Ten minutes of work on the clock, counted.
    static func work(_ context: JobContext, counter: Counter?) async throws {
        counter?.enter()
        defer { counter?.leave() }
        counter?.increment()
        try await context.clock.sleep(until: context.clock.now.addingTimeInterval(600))
    }

    /// Adds `count` schedules named `job-0`, `job-1` ... that run `job` every hour.
    static func addHourly(_ count: Int, _ job: String, to scheduler: Scheduler) async throws {
        for index in 0..<count {
            try await scheduler.add(Schedule("\(job)-\(index)", job: JobReference(job), trigger: .cron("0 * * * *")))
        }
    }

    /// Twenty long jobs due at once under a limit of eight: eight at a time, each wave at once.
    @Test("a burst of long jobs runs exactly as many at once as the limit allows, burst after burst")
    func burstsOfLongJobs() async throws {
        let counter = Counter()
        var jobs = JobRegistry()
        jobs.register("long") { context in try await Self.work(context, counter: counter) }
        let (driver, store) = Fixture.scheduler(jobs: jobs, concurrency: 8)
        let start = Self.start
        try await driver.run { driver in
            try await Self.addHourly(20, "long", to: driver.scheduler)
            // The first wave of eight starts at the hour, all of them, before the clock moves on.
            try await driver.advance(to: start.addingTimeInterval(3600))
            #expect(counter.count == 8)
            try await driver.advance(to: start.addingTimeInterval(2 * 3600 - 1))
            #expect(counter.count == 20)
            // A second burst finds the workers of the first.
            try await driver.advance(to: start.addingTimeInterval(3 * 3600 - 1))
        }
        let runs = try await Fixture.allRuns(store)
        #expect(runs.count == 40)
        #expect(runs.allSatisfy { $0.status == .succeeded })
        #expect(counter.maximumConcurrent == 8)
        // Waves of eight start at the hour, ten minutes later and twenty minutes later.
        let firstBurst = runs.filter { $0.occurrence == start.addingTimeInterval(3600) }
        let starts = Dictionary(grouping: firstBurst.compactMap(\.started), by: { $0 }).mapValues(\.count)
        #expect(
            starts == [
                start.addingTimeInterval(3600): 8, start.addingTimeInterval(4200): 8,
                start.addingTimeInterval(4800): 4,
            ])
    }

    @Test("a burst of short jobs larger than the limit runs every occurrence once")
    func burstOfShortJobs() async throws {
        let counter = Counter()
        var jobs = JobRegistry()
        jobs.register("quick") { _ in counter.increment() }
        let (driver, store) = Fixture.scheduler(jobs: jobs, concurrency: 64)
        let start = Self.start
        try await driver.run { driver in
            try await Self.addHourly(200, "quick", to: driver.scheduler)
            try await driver.advance(to: start.addingTimeInterval(2 * 3600))
        }
        let runs = try await Fixture.allRuns(store)
        #expect(counter.count == 400)
        #expect(runs.count == 400)
        #expect(Set(runs.map { "\($0.schedule) \($0.occurrence)" }).count == 400)
        #expect(runs.allSatisfy { $0.status == .succeeded && $0.attempts.count == 1 })
    }

    @Test("shutdown in a burst cancels the attempts that run and skips the rest, losing none")
    func shutdownInBurst() async throws {
        var jobs = JobRegistry()
        jobs.register("long") { context in try await Self.work(context, counter: nil) }
        let (driver, store) = Fixture.scheduler(jobs: jobs, concurrency: 64)
        let start = Self.start
        try await driver.run { driver in
            try await Self.addHourly(200, "long", to: driver.scheduler)
            try await driver.advance(to: start.addingTimeInterval(3600))
        }
        let runs = try await Fixture.allRuns(store)
        let skips = try await Fixture.allSkips(store)
        #expect(runs.count == 200)
        #expect(runs.filter { $0.status == .cancelled }.count == 64)
        #expect(runs.filter { $0.status == .skipped }.count == 136)
        #expect(skips.filter { $0.reason == .shutdown }.count == 136)
    }

    /// The loop records and hands over a burst's attempts in chunks: the store is held at its
    /// second write of runs until a job has run, which it can only when the first chunk was handed
    /// over before the rest was written.
    @Test("a burst's first jobs start after their own records are written, not after every run's")
    func burstStartsInChunks() async throws {
        let store = InMemoryJobStore()
        let writes = Mutex(0)
        let jobRan = Doorbell()
        // For each job: whether its own run was recorded as running, and how many runs were recorded.
        let seen = Mutex<[(ownRunning: Bool, recorded: Int)]>([])
        var jobs = JobRegistry()
        jobs.register("quick") { context in
            let own = try await store.run(id: context.runID)
            let recorded = try await store.countRuns(matching: RunQuery())
            seen.withLock { $0.append((own?.status == .running, recorded)) }
            jobRan.ring()
        }
        let (driver, _) = Fixture.scheduler(jobs: jobs, store: store, concurrency: 100) { operation, moment in
            guard operation == .saveRuns, moment == .before else { return }
            let write = writes.withLock {
                $0 += 1
                return $0
            }
            if write == 2 { await jobRan.wait(ignoringCancellation: true) }
        }
        let start = Self.start
        try await driver.run { driver in
            try await Self.addHourly(100, "quick", to: driver.scheduler)
            try await driver.advance(to: start.addingTimeInterval(3600))
        }
        let observations = seen.withLock { $0 }
        #expect(observations.count == 100)
        let unrecorded = observations.filter { !$0.ownRunning }.count
        #expect(unrecorded == 0, "a job ran before its run was recorded")
        let first = try #require(observations.map(\.recorded).min())
        #expect(first < 100, "the first job waited for every run of the burst to be written")
        let succeeded = try await Fixture.allRuns(store).filter { $0.status == .succeeded }
        #expect(succeeded.count == 100)
    }

    /// The loop checks for cancellation once per pass; a cancellation that lands later in the
    /// pass, here while it writes a cursor, must still end run() rather than leave it parked.
    @Test("cancelling a scheduler late in a pass with nothing running ends run()")
    func cancellationLateInAPass() async throws {
        let reached = Doorbell()
        let release = Doorbell()
        let store = InterceptingJobStore(base: InMemoryJobStore()) { operation, moment in
            guard operation == .advanceCursors, moment == .before else { return }
            reached.ring()
            await release.wait(ignoringCancellation: true)
        }
        var jobs = JobRegistry()
        jobs.register("quick") { _ in }
        let clock = ManualClock(now: Self.start)
        let scheduler = Scheduler(
            store: store, executor: jobs, clock: clock, configuration: .init(instance: "test"), logger: Fixture.logger)
        try await Self.addHourly(1, "quick", to: scheduler)
        // Paused, its occurrence is skipped: the pass moves the cursor and starts nothing.
        try await scheduler.pause("quick-0")
        let stopped = Doorbell()
        let run = Task {
            defer { stopped.ring() }
            try await scheduler.run()
        }
        clock.advance(by: .seconds(3600))
        await reached.wait()
        run.cancel()
        release.ring()
        let ended = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await stopped.wait()
                return !Task.isCancelled
            }
            group.addTask {
                // Only a failing run waits this long.
                try? await Task.sleep(for: .seconds(10))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(ended, "run() did not return after its task was cancelled")
        #expect(try await store.skips(matching: SkipQuery()).map(\.reason) == [.paused])
    }
}
