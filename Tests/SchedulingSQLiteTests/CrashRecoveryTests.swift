//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if SQLite
    import Foundation
    @_spi(Testing) import Scheduling
    import SchedulingSQLite
    import SchedulingTesting
    import Synchronization
    import Testing

    @Suite("Crash recovery on the SQLite store")
    struct CrashRecoveryTests {
        /// Occurrences each job executed, in order.
        final class Executions: Sendable {
            private let log = Mutex<[String]>([])
            func record(_ entry: String) { log.withLock { $0.append(entry) } }
            var entries: [String] { log.withLock { $0 } }
        }

        /// A scheduler on a store, or on a store that stands in front of it.
        static func scheduler(
            instance: String, store: SQLiteJobStore, clock: ManualClock, executions: Executions, jobMinutes: Int,
            through front: (any JobStore)? = nil
        ) -> Scheduler {
            var jobs = JobRegistry()
            jobs.register("work") { (context: JobContext) in
                executions.record("\(instance) \(Timestamp.string(from: context.occurrence))")
                try await context.clock.sleep(until: context.clock.now.addingTimeInterval(Double(jobMinutes) * 60))
            }
            return Scheduler(
                store: front ?? store,
                executor: jobs,
                clock: clock,
                configuration: .init(instance: instance, leaseDuration: .seconds(300)),
                logger: Fixture.logger
            )
        }

        /// A second process on the same file from 03:20, long after the first one's lease expired,
        /// to 04:30: its store, and the runs of `hourly`, oldest first, which it expects to be
        /// 01:00 (recovered), 03:00 (caught up) and 04:00, all succeeded.
        static func secondProcess(path: String, executions: Executions) async throws -> (SQLiteJobStore, [JobRun]) {
            let clock = ManualClock(now: Fixture.date("2026-03-01T03:20:00Z"))
            let store = try SQLiteJobStore(path: path)
            let second = Self.scheduler(
                instance: "second", store: store, clock: clock, executions: executions, jobMinutes: 5)
            try await SchedulerDriver(scheduler: second, clock: clock).run { driver in
                try await driver.advance(to: Fixture.date("2026-03-01T04:30:00Z"))
            }
            let runs = try await store.runs(matching: RunQuery(schedule: "hourly", limit: 100)).reversed()
            #expect(
                runs.map { Timestamp.string(from: $0.occurrence) } == [
                    "2026-03-01T01:00:00Z", "2026-03-01T03:00:00Z", "2026-03-01T04:00:00Z",
                ])
            #expect(runs.allSatisfy { $0.status == .succeeded })
            return (store, Array(runs))
        }

        @Test("a scheduler abandoned mid-run: the next one interrupts, retries and catches up, nothing runs twice")
        func abandonedMidRun() async throws {
            try await Fixture.withTemporaryFile { path in
                let executions = Executions()
                let hourly = try Schedule(
                    "hourly",
                    job: JobReference("work"),
                    trigger: .cron("0 * * * *"),
                    retry: .retries(2, backoff: .seconds(60))
                )

                // The first process: runs 01:00, and "crashes" (its connection closes, nothing is
                // written again, no shutdown) while that run sleeps.
                let firstClock = ManualClock(now: Fixture.date("2026-03-01T00:30:00Z"))
                let firstStore = try SQLiteJobStore(path: path)
                let first = Self.scheduler(
                    instance: "first", store: firstStore, clock: firstClock, executions: executions, jobMinutes: 30)
                let firstDriver = SchedulerDriver(scheduler: first, clock: firstClock)
                let abandoned = Task { try await first.run() }
                try await firstDriver.settle()
                try await first.add(hourly)
                try await firstDriver.advance(to: Fixture.date("2026-03-01T01:10:00Z"))
                #expect(executions.entries == ["first 2026-03-01T01:00:00Z"])
                try firstStore.close()

                let (secondStore, runs) = try await Self.secondProcess(path: path, executions: executions)
                abandoned.cancel()
                _ = await abandoned.result

                let interrupted = try #require(runs.first)
                #expect(interrupted.attempts.map(\.status) == [.interrupted, .succeeded])
                #expect(interrupted.owner == "second")
                #expect(runs.dropFirst().first?.origin == .catchUp)
                let skips = try await secondStore.skips(matching: SkipQuery(schedule: "hourly"))
                #expect(skips.map { Timestamp.string(from: $0.occurrence) } == ["2026-03-01T02:00:00Z"])
                #expect(skips.first?.reason == .notCaughtUp)
                #expect(
                    executions.entries == [
                        "first 2026-03-01T01:00:00Z", "second 2026-03-01T01:00:00Z",
                        "second 2026-03-01T03:00:00Z", "second 2026-03-01T04:00:00Z",
                    ])
            }
        }

        @Test("a scheduler stopped between claiming an occurrence and recording its run: the next one runs it")
        func stoppedBeforeRecordingTheRun() async throws {
            try await Fixture.withTemporaryFile { path in
                let executions = Executions()
                let hourly = try Schedule(
                    "hourly", job: JobReference("work"), trigger: .cron("0 * * * *"), retry: .retries(1, backoff: .zero)
                )

                // The first process claims 01:00 and stops for good as it is about to record the run.
                let reached = Doorbell()
                let release = Doorbell()
                let firstClock = ManualClock(now: Fixture.date("2026-03-01T00:30:00Z"))
                let firstStore = try SQLiteJobStore(path: path)
                let stopping = InterceptingJobStore(base: firstStore) { operation, moment in
                    guard operation == .saveRuns, moment == .before else { return }
                    reached.ring()
                    await release.wait(ignoringCancellation: true)
                    throw CancellationError()
                }
                let first = Self.scheduler(
                    instance: "first", store: firstStore, clock: firstClock, executions: executions, jobMinutes: 5,
                    through: stopping)
                let abandoned = Task { try await first.run() }
                try await SchedulerDriver(scheduler: first, clock: firstClock).settle()
                try await first.add(hourly)
                firstClock.advance(to: Fixture.date("2026-03-01T01:10:00Z"))
                await reached.wait()
                try firstStore.close()

                let (_, runs) = try await Self.secondProcess(path: path, executions: executions)
                let executed = executions.entries
                release.ring()
                abandoned.cancel()
                _ = await abandoned.result

                let recovered = try #require(runs.first)
                #expect(recovered.attempts.count == 1)
                #expect(recovered.owner == "second")
                #expect(recovered.fencingToken != nil)
                #expect(
                    executed == [
                        "second 2026-03-01T01:00:00Z", "second 2026-03-01T03:00:00Z", "second 2026-03-01T04:00:00Z",
                    ])
            }
        }

        @Test("a restart under the same instance name interrupts its own runs at once, without waiting for the lease")
        func restartWithSameName() async throws {
            try await Fixture.withTemporaryFile { path in
                let executions = Executions()
                let daily = try Schedule(
                    "daily", job: JobReference("work"), trigger: .cron("0 6 * * *"), retry: .retries(1, backoff: .zero))
                let clock = ManualClock(now: Fixture.date("2026-03-01T05:59:00Z"))
                let firstStore = try SQLiteJobStore(path: path)
                let first = Self.scheduler(
                    instance: "daemon", store: firstStore, clock: clock, executions: executions, jobMinutes: 30)
                let abandoned = Task { try await first.run() }
                let firstDriver = SchedulerDriver(scheduler: first, clock: clock)
                try await firstDriver.settle()
                try await first.add(daily)
                try await firstDriver.advance(to: Fixture.date("2026-03-01T06:01:00Z"))
                try firstStore.close()

                // Restarted a minute later: the lease (5 minutes) is still live, but it is its own.
                let secondClock = ManualClock(now: Fixture.date("2026-03-01T06:02:00Z"))
                let secondStore = try SQLiteJobStore(path: path)
                let second = Self.scheduler(
                    instance: "daemon", store: secondStore, clock: secondClock, executions: executions, jobMinutes: 1)
                try await SchedulerDriver(scheduler: second, clock: secondClock).run { driver in
                    try await driver.advance(to: Fixture.date("2026-03-01T06:10:00Z"))
                }
                abandoned.cancel()
                _ = await abandoned.result
                let runs = try await secondStore.runs(matching: RunQuery(schedule: "daily"))
                #expect(runs.count == 1)
                #expect(runs.first?.status == .succeeded)
                #expect(runs.first?.attempts.map(\.status) == [.interrupted, .succeeded])
            }
        }
    }
#endif
