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
    import Pipelines
    import SchedulerCommand
    import Scheduling
    import SchedulingSQLite
    import SchedulingTesting
    import Synchronization
    import Testing

    @testable import VideoPipeline

    /// The example end to end: the daemon on a SQLite file, a short interval on a manual clock,
    /// the real render script, a restart, and a manual trigger.
    @Suite("Video pipeline example")
    struct VideoPipelineTests {
        static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        static let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

        /// Runs a daemon life on the state file until `done` holds for the store's runs.
        static func life(
            state: String, clock: ManualClock, schedule: Schedule,
            advance: Duration?, until done: @escaping @Sendable ([JobRun]) -> Bool
        ) async throws -> [JobRun] {
            let store = try SQLiteJobStore(path: state)
            let daemon = SchedulerDaemon(
                source: .schedules([schedule]), store: store, jobs: VideoPipeline.jobs(store: store),
                configuration: .init(instance: "test", concurrency: 1), clock: clock, logger: logger)
            let task = Task { try await daemon.run(gracefulShutdownSignals: []) }
            defer { task.cancel() }
            // Started: the schedule is adopted and the loop waits on the clock.
            try await wait { try await !store.schedules().isEmpty && clock.sleeperCount > 0 }
            if let advance { clock.advance(by: advance) }
            var runs: [JobRun] = []
            try await wait {
                runs = try await store.runs(matching: RunQuery(schedule: VideoPipeline.scheduleName, limit: 100))
                return done(runs)
            }
            task.cancel()
            _ = try? await task.value
            try store.close()
            return runs
        }

        /// Polls a condition every few milliseconds while real processes work, for at most 30 seconds.
        static func wait(_ condition: () async throws -> Bool) async throws {
            for _ in 0..<3_000 {
                if try await condition() { return }
                try await Task.sleep(for: .milliseconds(10))
            }
            Issue.record("the condition did not hold within 30 seconds")
        }

        @Test func readsTheRenderScriptsProgressLines() {
            #expect(VideoPipeline.fraction(ofProgressLine: "progress 40%") == 0.4)
            #expect(VideoPipeline.fraction(ofProgressLine: "progress 100%") == 1)
            #expect(VideoPipeline.fraction(ofProgressLine: "rendered /tmp/video.txt") == nil)
            #expect(VideoPipeline.fraction(ofProgressLine: "progress soon%") == nil)
        }

        @Test func reportsTheRendersProgressAsTheScriptWritesIt() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("video-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let request = VideoPipeline.Request(
                title: "Progress", folder: folder.path, script: VideoPipeline.bundledScript, steps: 4,
                secondsPerStep: 0)
            let reports = Mutex<[StageProgress]>([])
            let result = try await VideoPipeline.pipeline.run(
                request, store: InMemoryJobStore(), effects: Effects(), logger: Self.logger
            ) { progress in reports.withLock { $0.append(progress) } }
            #expect(result.output.bytes > 0)
            let render = reports.withLock { $0.filter { $0.stage == "render" } }
            #expect(render.map(\.fraction) == [0.25, 0.5, 0.75, 1, 1])
            #expect(render.last?.message == "rendered")
        }

        @Test func rendersOnScheduleThenOnTriggerAcrossARestart() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("video-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let state = folder.appendingPathComponent("state.sqlite").path
            let request = VideoPipeline.Request(
                title: "Test cut", folder: folder.appendingPathComponent("videos").path,
                script: VideoPipeline.bundledScript, steps: 3, secondsPerStep: 0)
            let schedule = try VideoPipeline.schedule(every: .seconds(10), timeout: .seconds(60), request: request)
            let clock = ManualClock(now: Self.start)

            // First life: the 00:00:10 occurrence renders.
            let first = try await Self.life(
                state: state, clock: clock, schedule: schedule, advance: .seconds(10),
                until: { $0.contains { $0.status.isFinished } })
            #expect(first.count == 1)
            let scheduled = try #require(first.first)
            #expect(scheduled.status == .succeeded)
            #expect(scheduled.occurrence == Self.start.addingTimeInterval(10))
            #expect(scheduled.origin == .scheduled)
            let videos = try FileManager.default.contentsOfDirectory(atPath: request.folder).sorted()
            #expect(videos.count == 2)
            let video = try #require(videos.first { $0.hasSuffix(".txt") })
            let text = try String(contentsOfFile: request.folder + "/" + video, encoding: .utf8)
            #expect(text.split(separator: "\n").count == 3)
            let manifest = try JSONDecoder().decode(
                VideoPipeline.Manifest.self,
                from: Data(contentsOf: URL(fileURLWithPath: request.folder + "/" + video + ".json")))
            #expect(manifest.title == "Test cut")
            #expect(manifest.bytes == text.utf8.count)
            #expect(manifest.run == scheduled.id.uuidString)

            // Between lives, `video-pipeline trigger` records a request; the next life takes it at start.
            clock.advance(by: .seconds(5))
            let requester = try SQLiteJobStore(path: state)
            let request2 = try await requester.requestRun(of: VideoPipeline.scheduleName, at: clock.now)
            try requester.close()
            let second = try await Self.life(
                state: state, clock: clock, schedule: schedule, advance: nil,
                until: { runs in runs.count == 2 && runs.allSatisfy { $0.status.isFinished } })
            let ids = Set(second.map(\.id))
            #expect(ids == [scheduled.id, request2.id])
            #expect(second.allSatisfy { $0.status == .succeeded })
            #expect(try FileManager.default.contentsOfDirectory(atPath: request.folder).count == 4)

            // The schedule and its cursor survived the restart: the next occurrence is 00:00:20.
            let store = try SQLiteJobStore(path: state)
            let stored = try await store.schedules()
            #expect(stored.map(\.schedule) == [schedule])
            #expect(stored.first?.cursor == Self.start.addingTimeInterval(10))
            try store.close()
        }
    }
#endif
