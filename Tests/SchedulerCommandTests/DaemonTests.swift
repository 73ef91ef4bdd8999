//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if CLI
    import Foundation
    import Logging
    import Scheduling
    import Testing

    @testable import SchedulerCommand

    /// The daemon's pieces: adopting a configuration at start, applying edits while it runs, and
    /// refusing what it cannot run.
    struct DaemonTests {
        static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

        static func configuration(_ schedules: String) throws -> SchedulerConfiguration {
            try SchedulerConfiguration.parse("schedules:\n" + schedules, file: "test.yaml")
        }

        static func scheduler(_ store: any JobStore) -> Scheduler {
            Scheduler(store: store, executor: JobRegistry(), configuration: .init(instance: "test"), logger: logger)
        }

        static let first = """
              a: { job: { process: ["true"] }, every: 1h }
              b: { job: { process: ["true"] }, cron: "0 6 * * *" }
              c: { job: { process: ["true"] }, times: ["07:30"] }
            """

        @Test func adoptingAddsReplacesAndRemovesAgainstTheStore() async throws {
            let store = InMemoryJobStore()
            let initial = try await Self.scheduler(store).adopt(try Self.configuration(Self.first).schedules)
            #expect(initial == .init(added: ["a", "b", "c"]))
            #expect(try await store.schedules().map(\.schedule.name) == ["a", "b", "c"])

            // A restart with an edited file: 'a' changed, 'c' gone, 'd' new, 'b' the same.
            let edited = try Self.configuration(
                """
                  a: { job: { process: ["true"] }, every: 2h }
                  b: { job: { process: ["true"] }, cron: "0 6 * * *" }
                  d: { job: { process: ["true"] }, every: 5m }
                """)
            let restart = try await Self.scheduler(store).adopt(edited.schedules)
            #expect(restart == .init(added: ["d"], replaced: ["a"], removed: ["c"]))
            #expect(try await store.schedules().map(\.schedule.name) == ["a", "b", "d"])
        }

        @Test func anOperatorsDisableSurvivesARestartWithTheSameFile() async throws {
            let store = InMemoryJobStore()
            let schedules = try Self.configuration(Self.first).schedules
            _ = try await Self.scheduler(store).adopt(schedules)
            try await store.saveSchedule(schedules[1].enabled(false))  // scheduler disable b
            let restart = try await Self.scheduler(store).adopt(schedules)
            #expect(restart.isEmpty)
            #expect(try await store.schedules()[1].schedule.isEnabled == false)
        }

        @Test func reloadingTouchesOnlyWhatTheFileChanged() async throws {
            let store = InMemoryJobStore()
            let scheduler = Self.scheduler(store)
            let before = try Self.configuration(Self.first).schedules
            _ = try await scheduler.adopt(before)
            try await scheduler.disable("c")  // an operator's change the edit does not touch
            let after = try Self.configuration(
                """
                  b: { job: { process: ["true"] }, cron: "30 6 * * *" }
                  c: { job: { process: ["true"] }, times: ["07:30"] }
                  e: { job: { process: ["true"] }, at: "2027-01-01T00:00:00Z" }
                """
            ).schedules
            let changes = try await ScheduleReconciler.apply(after, replacing: before, in: scheduler)
            #expect(changes == .init(added: ["e"], replaced: ["b"], removed: ["a"]))
            let stored = try await store.schedules()
            #expect(stored.map(\.schedule.name) == ["b", "c", "e"])
            #expect(stored[1].schedule.isEnabled == false)
            #expect(stored[0].schedule.trigger == after[0].trigger)
        }

        @Test func theReloaderAppliesAValidFileAndKeepsTheScheduleOfABrokenOne() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("scheduler.yaml").path
            try Data(("schedules:\n" + Self.first).utf8).write(to: URL(fileURLWithPath: file))
            let store = InMemoryJobStore()
            let scheduler = Self.scheduler(store)
            let initial = try SchedulerConfiguration.load(file: file).schedules
            _ = try await scheduler.adopt(initial)
            let reloader = ConfigReloader(
                file: file, initial: initial, load: { try SchedulerConfiguration.load(file: file).schedules },
                scheduler: scheduler, clock: SystemClock(), logger: Self.logger)

            try Data("schedules:\n  a: { job: { process: [\"true\"] }, evrey: 1h }\n".utf8)
                .write(to: URL(fileURLWithPath: file))
            #expect(await reloader.reload(because: "test") == nil)
            #expect(try await store.schedules().map(\.schedule.name) == ["a", "b", "c"])

            try Data("schedules:\n  a: { job: { process: [\"true\"] }, every: 1h }\n".utf8)
                .write(to: URL(fileURLWithPath: file))
            #expect(await reloader.reload(because: "test") == .init(removed: ["b", "c"]))
            #expect(try await store.schedules().map(\.schedule.name) == ["a"])

            // A SIGHUP and the file watcher together: the second reload finds nothing left to do.
            try Data("schedules:\n  d: { job: { process: [\"true\"] }, every: 1h }\n".utf8)
                .write(to: URL(fileURLWithPath: file))
            async let first = reloader.reload(because: "SIGHUP")
            async let second = reloader.reload(because: "the file changed")
            let both = await [first, second]
            #expect(both.contains(.init(added: ["d"], removed: ["a"])))
            #expect(both.contains(.init()))
            #expect(try await store.schedules().map(\.schedule.name) == ["d"])
        }

        @Test func triggerRecordsARequestForAKnownScheduleOnly() async throws {
            let store = InMemoryJobStore()
            _ = try await Self.scheduler(store).adopt(try Self.configuration(Self.first).schedules)
            let instant = Date(timeIntervalSince1970: 1_800_000_000)
            let run = try await store.requestRun(of: "b", at: instant)
            #expect(run.isRequest && run.origin == .manual && run.occurrence == instant)
            #expect(try await store.run(id: run.id)?.isRequest == true)
            await #expect(throws: SchedulingError.self) { try await store.requestRun(of: "nope", at: instant) }
        }

        @Test func swiftJobsThatNobodyRegisteredAreNamed() throws {
            let loaded = try Self.configuration(
                """
                  a: { job: { name: forecast.infer }, every: 1h, fallback: { name: forecast.previous } }
                  b: { job: { process: ["true"] }, every: 1h, fallback: { name: forecast.previous } }
                  c: { job: { name: report.send }, every: 1h }
                """)
            var jobs = JobRegistry()
            jobs.register("report.send") { _ in }
            #expect(
                SchedulerDaemon.unregisteredJobs(in: loaded.schedules, jobs: jobs) == [
                    "forecast.infer", "forecast.previous",
                ])
        }
    }
#endif
